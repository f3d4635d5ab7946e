package dev.swarm.tracker.access;

import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Allows or refuses clients by the start of their peer_id (e.g. {@code -qB} for qBittorrent, {@code -lt} for
 * libtorrent, Azureus-style). A client is let through when the allow list is empty or a prefix of it matches, and
 * no prefix of the deny list matches.
 */
public final class ClientFilterPolicy implements AnnouncePolicy {
    static final String REFUSED = "client not allowed on this tracker";

    private final byte[][] allow;
    private final byte[][] deny;

    public ClientFilterPolicy(List<String> allowPrefixes, List<String> denyPrefixes) {
        this.allow = bytes(allowPrefixes);
        this.deny = bytes(denyPrefixes);
    }

    private static byte[][] bytes(List<String> prefixes) {
        return prefixes.stream().map(p -> p.getBytes(StandardCharsets.ISO_8859_1)).toArray(byte[][]::new);
    }

    /** Whether a policy is needed at all. */
    public static boolean configured(List<String> allowPrefixes, List<String> denyPrefixes) {
        return !allowPrefixes.isEmpty() || !denyPrefixes.isEmpty();
    }

    @Override
    public String check(AnnounceContext ctx) {
        boolean allowed = allow.length == 0 || matchesAny(allow, ctx.peerId);
        return allowed && !matchesAny(deny, ctx.peerId) ? null : REFUSED;
    }

    private static boolean matchesAny(byte[][] prefixes, byte[] peerId) {
        for (byte[] p : prefixes) {
            if (p.length <= peerId.length && Arrays.equals(p, 0, p.length, peerId, 0, p.length)) {
                return true;
            }
        }
        return false;
    }
}

package dev.swarm.peerbridge.tex;

import dev.swarm.peerbridge.wire.TrackerListHash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What to send one peer over {@code lt_tex}, and when (BEP 28, as libtorrent 1.1 does it).
 *
 * <p>The first message is due {@code initialDelay} after the peer's extension handshake: if the
 * peer's {@code tr} equals the hash of our advertisable list, the peer has that list and nothing
 * is sent; otherwise the whole list is sent. After that only URLs the peer has not been sent are
 * sent, at most once per {@code interval}; a message that would be empty is not sent. Nothing is
 * ever sent for a private torrent or to a peer without {@code lt_tex}. A URL that stopped being
 * advertisable (it failed) and became so again counts as an addition. Times are milliseconds from
 * an injected clock. Not thread-safe: owned by one connection.
 */
public final class TexAdvertiser {
    private final TexPolicy policy;
    private final byte[] peerHash;
    private final boolean enabled;
    private final Set<String> sent = new HashSet<>();
    private long nextAt;
    private boolean first = true;

    /**
     * @param handshakeAtMillis when the peer's extension handshake arrived
     * @param peerHash          the peer's {@code tr} (20 bytes) or null if absent or malformed
     * @param enabled           false for a private torrent or a peer whose {@code m} lacks {@code lt_tex}
     */
    public TexAdvertiser(TexPolicy policy, long handshakeAtMillis, byte[] peerHash, boolean enabled) {
        this.policy = policy;
        this.peerHash = peerHash == null ? null : peerHash.clone();
        this.enabled = enabled;
        this.nextAt = handshakeAtMillis + policy.initialDelay().toMillis();
    }

    /** The earliest time {@link #poll} may return something; {@code Long.MAX_VALUE} if never. */
    public long nextPollAt() {
        return enabled ? nextAt : Long.MAX_VALUE;
    }

    /**
     * The URLs to send now, or an empty list if nothing is due.
     *
     * @param advertisable our advertisable list, in the order to send it (best ranked first)
     */
    public List<String> poll(long nowMillis, List<String> advertisable) {
        if (!enabled || nowMillis < nextAt) {
            return List.of();
        }
        sent.retainAll(advertisable);
        if (first) {
            first = false;
            if (peerHash != null && Arrays.equals(peerHash, TrackerListHash.of(advertisable))) {
                sent.addAll(advertisable);
                nextAt = nowMillis + policy.interval().toMillis();
                return List.of();
            }
        }
        List<String> out = new ArrayList<>();
        for (String url : advertisable) {
            if (!sent.contains(url)) {
                out.add(url);
            }
        }
        if (out.isEmpty()) {
            return List.of();
        }
        sent.addAll(out);
        nextAt = nowMillis + policy.interval().toMillis();
        return out;
    }
}

package dev.swarm.tracker.access;

import dev.swarm.tracker.logic.AnnounceContext;

/**
 * Where the passkey is in a request. HTTP: the path segment after the endpoint, {@code /announce/<passkey>} and
 * {@code /scrape/<passkey>} (the frontend passes what follows {@code /announce/} or {@code /scrape/}). UDP: the BEP
 * 41 URL data of the announce, which is the path and query of the tracker URL, so
 * {@code udp://host:port/announce/<passkey>} sends {@code /announce/<passkey>}: the same form as HTTP. A query
 * after the passkey is ignored; one trailing slash is tolerated.
 */
public final class Passkeys {
    static final String UDP_PREFIX = "/announce/";

    private Passkeys() {
    }

    /** The passkey a request names, or null when it names none (its form is not checked here). */
    public static String from(AnnounceContext.Transport transport, String path) {
        if (path == null) {
            return null;
        }
        String p = path;
        if (transport == AnnounceContext.Transport.UDP) {
            int q = p.indexOf('?');
            if (q >= 0) {
                p = p.substring(0, q);
            }
            if (!p.startsWith(UDP_PREFIX)) {
                return null;
            }
            p = p.substring(UDP_PREFIX.length());
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? null : p;
    }
}

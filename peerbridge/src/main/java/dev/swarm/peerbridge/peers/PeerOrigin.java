package dev.swarm.peerbridge.peers;

import java.util.Objects;

/**
 * Where the bridge learned a peer address: a tracker (by announce URL), a tracker learned over
 * {@code lt_tex} (by URL), the DHT, PEX, a magnet's {@code x.pe}, or the peer connected to us.
 * Two origins are equal when kind and URL are equal.
 *
 * @param kind the kind of source
 * @param url  the tracker's announce URL for {@link Kind#TRACKER} and {@link Kind#LT_TEX}; null otherwise
 */
public record PeerOrigin(Kind kind, String url) {
    /** The kinds of peer source. */
    public enum Kind { TRACKER, LT_TEX, DHT, PEX, X_PE, INCOMING }

    public static final PeerOrigin DHT = new PeerOrigin(Kind.DHT, null);
    public static final PeerOrigin PEX = new PeerOrigin(Kind.PEX, null);
    public static final PeerOrigin X_PE = new PeerOrigin(Kind.X_PE, null);
    public static final PeerOrigin INCOMING = new PeerOrigin(Kind.INCOMING, null);

    public PeerOrigin {
        Objects.requireNonNull(kind, "kind");
        boolean needsUrl = kind == Kind.TRACKER || kind == Kind.LT_TEX;
        if (needsUrl != (url != null)) {
            throw new IllegalArgumentException(kind + (needsUrl ? " needs" : " takes no") + " tracker URL");
        }
    }

    /** A tracker that came with the torrent (or was added by the user). */
    public static PeerOrigin tracker(String url) {
        return new PeerOrigin(Kind.TRACKER, url);
    }

    /** A tracker learned from a peer over {@code lt_tex} (BEP 28). */
    public static PeerOrigin ltTex(String url) {
        return new PeerOrigin(Kind.LT_TEX, url);
    }

    /** True for the two tracker kinds. */
    public boolean isTracker() {
        return url != null;
    }

    /**
     * The source's name as the ranking and the API show it: the tracker URL for a tracker (either
     * kind, so a tracker is one source however it was learned), otherwise {@code dht}, {@code pex},
     * {@code x.pe} or {@code incoming}.
     */
    public String source() {
        return switch (kind) {
            case TRACKER, LT_TEX -> url;
            case DHT -> "dht";
            case PEX -> "pex";
            case X_PE -> "x.pe";
            case INCOMING -> "incoming";
        };
    }

    /** For the API: {@code source()}, with {@code lt_tex } before the URL of a tracker learned over lt_tex. */
    @Override
    public String toString() {
        return kind == Kind.LT_TEX ? "lt_tex " + url : source();
    }
}

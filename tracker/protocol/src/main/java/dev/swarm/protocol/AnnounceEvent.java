package dev.swarm.protocol;

/**
 * The {@code event} of an announce (BEP 3 for HTTP, BEP 15 for UDP).
 *
 * <p>The BEP 15 codes are {@code 0 = none, 1 = completed, 2 = started, 3 = stopped}; the enum's
 * declaration order follows them, so {@link #udpCode()} is the ordinal. {@link #PAUSED} (BEP 21,
 * HTTP only) has no BEP 15 code: it is sent as 0 over UDP, as libtorrent does.
 */
public enum AnnounceEvent {
    /** A regular periodic announce (UDP 0, HTTP {@code event} absent, empty or {@code empty}). */
    NONE("empty"),
    /** The download finished (UDP 1, HTTP {@code completed}). */
    COMPLETED("completed"),
    /** The first announce of a session (UDP 2, HTTP {@code started}). */
    STARTED("started"),
    /** The client leaves the swarm (UDP 3, HTTP {@code stopped}). */
    STOPPED("stopped"),
    /**
     * BEP 21 {@code event=paused}: a peer that downloads nothing (a partial seed, or an observer such as
     * the peerbridge). This tracker hands it peers but does not list or count it (HTTP only; UDP 0).
     */
    PAUSED("paused");

    private static final AnnounceEvent[] BY_CODE = {NONE, COMPLETED, STARTED, STOPPED};

    private final String httpName;

    AnnounceEvent(String httpName) {
        this.httpName = httpName;
    }

    /** The BEP 15 event code, 0..3 ({@link #PAUSED}: 0, BEP 15 has none). */
    public int udpCode() {
        return this == PAUSED ? 0 : ordinal();
    }

    /** The value of the HTTP {@code event} parameter ({@code "empty"} for {@link #NONE}). */
    public String httpName() {
        return httpName;
    }

    /**
     * The event for a BEP 15 code.
     *
     * @throws ProtocolException (replyable) if the code is not 0..3
     */
    public static AnnounceEvent fromUdpCode(int code) throws ProtocolException {
        if (code < 0 || code >= BY_CODE.length) {
            throw ProtocolException.reply("invalid event");
        }
        return BY_CODE[code];
    }
}

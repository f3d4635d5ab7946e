package dev.swarm.protocol;

/**
 * A wire-format error found while decoding input from the network.
 *
 * <p>Every decoder in this module reports bad input with this exception and never with another one.
 * The exception says what the caller must do with the input:
 * <ul>
 *   <li>{@link #replyable()} {@code false}: drop the input silently (garbage, spoofable, or nothing to
 *       answer to).</li>
 *   <li>{@link #replyable()} {@code true}: the client may be told why, as an HTTP {@code failure reason}
 *       or a BEP 15 error packet carrying {@link #transactionId()}. For UDP the exception also carries the
 *       request's {@link #connectionId()} so the server can check it before replying: an
 *       unauthenticated source must never receive more bytes than it sent.</li>
 * </ul>
 *
 * <p>The exception is stackless (no stack trace, no suppression), so it is cheap on the hot path.
 * {@link #getMessage()} is a short printable-ASCII reason, safe to send to a client: any other character
 * is replaced by {@code '?'} and the text is cut at {@link #MAX_REASON_LENGTH} characters.
 */
public final class ProtocolException extends Exception {

    /** Longest reason text kept; longer reasons are cut. */
    public static final int MAX_REASON_LENGTH = 200;

    private static final long serialVersionUID = 1L;

    private final boolean replyable;
    private final int transactionId;
    private final long connectionId;

    private ProtocolException(String reason, boolean replyable, int transactionId, long connectionId) {
        super(sanitize(reason), null, false, false);
        this.replyable = replyable;
        this.transactionId = transactionId;
        this.connectionId = connectionId;
    }

    /** The input must be dropped without any answer. */
    public static ProtocolException drop(String reason) {
        return new ProtocolException(reason, false, 0, 0L);
    }

    /** The client gets {@code reason} as an answer (HTTP {@code failure reason}). */
    public static ProtocolException reply(String reason) {
        return new ProtocolException(reason, true, 0, 0L);
    }

    /** The UDP client gets an error packet with this transaction id (BEP 15 action 3). */
    public static ProtocolException reply(int transactionId, String reason) {
        return new ProtocolException(reason, true, transactionId, 0L);
    }

    /**
     * The UDP client may get an error packet with this transaction id; {@code connectionId} is the value of
     * the request's connection-id field, which the server should validate before replying.
     */
    public static ProtocolException reply(long connectionId, int transactionId, String reason) {
        return new ProtocolException(reason, true, transactionId, connectionId);
    }

    /** Whether the client may be told about the error; {@code false} means drop silently. */
    public boolean replyable() {
        return replyable;
    }

    /** The BEP 15 transaction id to echo in the error packet; 0 when not from a UDP request. */
    public int transactionId() {
        return transactionId;
    }

    /** The connection-id field of the offending UDP request, 0 when unknown or not UDP. */
    public long connectionId() {
        return connectionId;
    }

    private static String sanitize(String reason) {
        if (reason == null) {
            return "protocol error";
        }
        int n = reason.length();
        boolean clean = n <= MAX_REASON_LENGTH;
        for (int i = 0; clean && i < n; i++) {
            char c = reason.charAt(i);
            clean = c >= 0x20 && c < 0x7f;
        }
        if (clean) {
            return reason;
        }
        int m = Math.min(n, MAX_REASON_LENGTH);
        char[] out = new char[m];
        for (int i = 0; i < m; i++) {
            char c = reason.charAt(i);
            out[i] = c >= 0x20 && c < 0x7f ? c : '?';
        }
        return new String(out);
    }
}

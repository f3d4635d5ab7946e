package dev.swarm.peerbridge.dht.krpc;

/**
 * A KRPC message that cannot be used: its BEP 5 error code (201 generic, 202 server, 203 protocol,
 * 204 method unknown), a short reason, and the transaction id when the message had a usable one (so
 * a node can answer with an error; without it the message is dropped).
 */
public final class KrpcException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int GENERIC = 201;
    public static final int SERVER = 202;
    public static final int PROTOCOL = 203;
    public static final int METHOD_UNKNOWN = 204;

    private final int code;
    private final transient byte[] transactionId;
    private final boolean query;

    KrpcException(int code, String reason, byte[] transactionId, boolean query) {
        super(reason, null, false, false);
        this.code = code;
        this.transactionId = transactionId;
        this.query = query;
    }

    /** 201..204. */
    public int code() {
        return code;
    }

    /** The message's {@code t}, or null when it had none usable (then nothing may be answered). */
    public byte[] transactionId() {
        return transactionId;
    }

    /** Whether the message was a query ({@code y = q}): only queries are answered with an error. */
    public boolean wasQuery() {
        return query;
    }
}

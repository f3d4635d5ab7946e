package dev.swarm.peerbridge.wire;

/**
 * The peer wire protocol's own error: the bytes a peer sent break BEP 3, BEP 10 or BEP 28.
 * Every decoder in this package throws only this for bad input; the connection that produced
 * it is closed, nothing else is affected.
 */
public final class WireException extends Exception {
    private static final long serialVersionUID = 1L;

    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}

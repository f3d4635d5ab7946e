package dev.swarm.peerbridge.health;

/** The history store cannot be opened or used; the message is one line naming the file. */
public final class HistoryStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HistoryStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public HistoryStoreException(String message) {
        super(message);
    }
}

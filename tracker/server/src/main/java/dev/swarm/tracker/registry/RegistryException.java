package dev.swarm.tracker.registry;

/**
 * A registry operation that cannot be done: a conflict or a missing entry ({@link Kind}), a full table, or a
 * journal that cannot be written or read. The message is meant for the operator.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so the admin API can pick a status code. */
    public enum Kind { NOT_FOUND, CONFLICT, INVALID, FULL, IO,
        /** The cluster's system of record (private mode on several nodes) cannot be reached: nothing changed. */
        UNAVAILABLE }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

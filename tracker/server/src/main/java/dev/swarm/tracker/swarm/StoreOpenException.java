package dev.swarm.tracker.swarm;

/**
 * The swarm store could not be opened: its data directory is unusable (permissions, disk full), or a
 * store file is damaged, foreign or incompatible and the configured policy is
 * {@link SwarmStoreConfig.OnCorrupt#FAIL}. The message names the file and the reason.
 */
public final class StoreOpenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreOpenException(String message) {
        super(message);
    }

    public StoreOpenException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.swarm.tracker.swarm;

/**
 * The store cannot serve this request: a segment lock was not acquired within its bounded wait (a damaged
 * lock word, see {@link OffHeapSwarmStore#LOCK_TIMEOUT_SECONDS}), the mapped file failed, or there is no disk
 * space reserved for a new swarm. The request is refused ("tracker storage unavailable"); the store stays
 * usable for other requests. The store has logged an ERROR saying what to do.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}

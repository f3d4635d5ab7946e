package dev.swarm.tracker.logic;

/**
 * Called after an announce passed the whole {@link AnnouncePolicy} chain and was applied to the store (whatever
 * the store's outcome), with the context still filled in. Accounting is one. Must be thread-safe and must not
 * block for long; it cannot refuse the announce.
 */
@FunctionalInterface
public interface AnnounceObserver {
    void accepted(AnnounceContext ctx, long nowMillis);
}

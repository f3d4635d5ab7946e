package dev.swarm.tracker.logic;

/**
 * One step of the announce chain (access list, client filter, passkey check, ...), run in order before the
 * store is touched. Implementations must be thread-safe and fast; they must not block.
 */
@FunctionalInterface
public interface AnnouncePolicy {
    /** @return null to let the announce through, or the failure reason to send to the client */
    String check(AnnounceContext ctx);
}

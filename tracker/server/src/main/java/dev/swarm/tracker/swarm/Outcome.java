package dev.swarm.tracker.swarm;

/** What an announce did to the store. Every outcome still comes with the swarm's counts. */
public enum Outcome {
    /** The peer was added or refreshed. */
    OK,
    /** The announce was {@code stopped}: the peer is gone (or was never there); no peers are returned. */
    REMOVED,
    /** The swarm already holds {@code maxPeersPerSwarm} peers: the requester was not stored but got a sample. */
    SWARM_FULL,
    /**
     * The store already holds {@code maxSwarms} swarms of this family, or the announce was not allowed to create its
     * swarm ({@link AnnounceOp#createSwarm}): nothing was stored, no peers returned.
     */
    TOO_MANY_SWARMS
}

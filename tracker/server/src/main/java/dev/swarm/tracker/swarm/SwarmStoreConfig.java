package dev.swarm.tracker.swarm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Sizing, limits and persistence of a {@link SwarmStore}; validated on construction.
 *
 * @param dataDir               directory of the persisted off-heap store; {@code null} selects the on-heap
 *                              store (nothing persisted)
 * @param maxSwarms             most swarms per address family; an announce that would create one more gets
 *                              {@link Outcome#TOO_MANY_SWARMS}
 * @param maxPeersPerSwarm      most peers in one swarm; a new peer beyond it gets {@link Outcome#SWARM_FULL}
 * @param expectedSwarms        swarms per family the off-heap store is laid out for (at most
 *                              {@code maxSwarms}); beyond it the store grows in extra segment tiers
 * @param expectedPeersPerSwarm average peers per swarm the off-heap store is laid out for
 * @param peerTimeout           a peer not seen for longer is expired (whole seconds, rounded up; 1 s to
 *                              {@value #MAX_PEER_TIMEOUT_SECONDS} s because stored timestamps are 14-bit
 *                              seconds and must not wrap within two timeouts)
 * @param onCorrupt             what to do with a damaged, foreign or incompatible store file at open
 */
public record SwarmStoreConfig(Path dataDir, long maxSwarms, int maxPeersPerSwarm, long expectedSwarms,
                               int expectedPeersPerSwarm, Duration peerTimeout, OnCorrupt onCorrupt) {

    /** Policy for store files that cannot be used as they are. */
    public enum OnCorrupt {
        /**
         * Rename the files to {@code <name>.corrupt-<timestamp>}, log an ERROR naming file and reason,
         * start empty (peers come back with their next announce). Quarantined files are kept until an
         * operator deletes them; each start lists them and the space they take.
         */
        QUARANTINE,
        /** Throw a {@link StoreOpenException} naming file and reason; touch nothing. */
        FAIL
    }

    /** Bound of {@code maxSwarms}: Chronicle Map's segment arithmetic and sane file sizes. */
    public static final long MAX_SWARMS = 1L << 30;
    /**
     * Bound of {@code maxPeersPerSwarm}. A swarm is one packed value (an IPv6 swarm of 100,000 peers is
     * 2 MB) and a joining peer shifts half of it, so bigger swarms would make joins slow.
     */
    public static final int MAX_PEERS_PER_SWARM = 100_000;
    /** Bound of {@code peerTimeout} in seconds: half the 14-bit timestamp range, minus one. */
    public static final int MAX_PEER_TIMEOUT_SECONDS = (1 << 13) - 1;

    public SwarmStoreConfig {
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        Objects.requireNonNull(onCorrupt, "onCorrupt");
        if (maxSwarms < 1 || maxSwarms > MAX_SWARMS) {
            throw new IllegalArgumentException("maxSwarms must be 1.." + MAX_SWARMS + ", not " + maxSwarms);
        }
        if (maxPeersPerSwarm < 1 || maxPeersPerSwarm > MAX_PEERS_PER_SWARM) {
            throw new IllegalArgumentException(
                    "maxPeersPerSwarm must be 1.." + MAX_PEERS_PER_SWARM + ", not " + maxPeersPerSwarm);
        }
        if (expectedSwarms < 1 || expectedSwarms > maxSwarms) {
            throw new IllegalArgumentException(
                    "expectedSwarms must be 1..maxSwarms (" + maxSwarms + "), not " + expectedSwarms);
        }
        if (expectedPeersPerSwarm < 1 || expectedPeersPerSwarm > maxPeersPerSwarm) {
            throw new IllegalArgumentException("expectedPeersPerSwarm must be 1..maxPeersPerSwarm ("
                    + maxPeersPerSwarm + "), not " + expectedPeersPerSwarm);
        }
        if (peerTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || peerTimeout.compareTo(Duration.ofSeconds(MAX_PEER_TIMEOUT_SECONDS)) > 0) {
            throw new IllegalArgumentException("peerTimeout must be 1s.." + MAX_PEER_TIMEOUT_SECONDS + "s, not "
                    + peerTimeout);
        }
    }

    /** Laid out for {@code maxSwarms} swarms; corrupt files are quarantined. */
    public SwarmStoreConfig(Path dataDir, long maxSwarms, int maxPeersPerSwarm, int expectedPeersPerSwarm,
                            Duration peerTimeout) {
        this(dataDir, maxSwarms, maxPeersPerSwarm, maxSwarms, expectedPeersPerSwarm, peerTimeout,
                OnCorrupt.QUARANTINE);
    }

    /** The peer timeout in whole seconds, rounded up. */
    public int peerTimeoutSeconds() {
        long s = peerTimeout.getSeconds();
        return (int) (peerTimeout.getNano() > 0 ? s + 1 : s);
    }
}

package dev.swarm.tracker.swarm;

/**
 * A snapshot of the store's size, per family and in total. Maintained incrementally by the store, so
 * taking it costs O(1). Peers that have expired but have not been swept yet are still counted.
 *
 * @param v4 the IPv4 swarms
 * @param v6 the IPv6 swarms
 */
public record StoreStats(FamilyStats v4, FamilyStats v6) {

    /**
     * Counts of one family.
     *
     * @param swarms  swarms (torrents with an entry in this family, including empty ones not yet swept)
     * @param seeders stored seeders
     * @param leechers stored leechers
     */
    public record FamilyStats(long swarms, long seeders, long leechers) {
        /** Stored peers: seeders + leechers. */
        public long peers() {
            return seeders + leechers;
        }
    }

    /** The counts of one family. */
    public FamilyStats of(Family family) {
        return family == Family.V4 ? v4 : v6;
    }

    /** Swarms of both families (a torrent with IPv4 and IPv6 peers counts twice). */
    public long swarms() {
        return v4.swarms() + v6.swarms();
    }

    /** Peers of both families. */
    public long peers() {
        return v4.peers() + v6.peers();
    }

    /** Seeders of both families. */
    public long seeders() {
        return v4.seeders() + v6.seeders();
    }

    /** Leechers of both families. */
    public long leechers() {
        return v4.leechers() + v6.leechers();
    }
}

package dev.swarm.tracker.swarm;

/**
 * The tracker's peer store, shaped by its three operations: announce, scrape, expire.
 *
 * <p>Obligations of every implementation (checked by one shared contract test suite):
 * <ul>
 *   <li>A peer is keyed by (info-hash, family, address, port). IPv4 and IPv6 swarms of a torrent are
 *       separate; each announce sees only its own family's swarm.</li>
 *   <li>All methods except {@link #close()} are thread-safe; counts are exact once threads are quiet.</li>
 *   <li>Time is passed in as {@code nowMillis} (wall-clock milliseconds; it should not go backwards).
 *       Timestamps are kept in whole seconds: a peer is expired when more than
 *       {@link SwarmStoreConfig#peerTimeoutSeconds()} whole seconds have passed since the second of its
 *       last announce, so never before the timeout and at most one second after it.</li>
 *   <li>Expired peers are never returned in a sample, but they stay in the counts (announce counts,
 *       scrape, stats) until {@link #expireStep(long)} or an announce to their swarm sweeps them: exact
 *       counts would need a walk on the request path.</li>
 *   <li>Every bound is in {@link SwarmStoreConfig}: swarms per family, peers per swarm.</li>
 * </ul>
 */
public interface SwarmStore extends AutoCloseable {

    /**
     * Adds or refreshes the requesting peer, or removes it on {@code stopped}, then fills {@code out}.
     *
     * <ul>
     *   <li>{@code stopped}: the peer is removed; outcome {@link Outcome#REMOVED}, no peers.</li>
     *   <li>otherwise the peer is stored with its seeder flag and the current time; a {@code completed}
     *       event counts one download, once per peer and swarm: a second {@code completed} from the same
     *       address and port is not counted again, also after the peer left with {@code stopped} or
     *       expired in between (a bounded memory of counted completions, 2^20 of them, not persisted;
     *       see {@code CompletionMemory}).</li>
     *   <li>{@code out} receives a random sample of up to {@code numWant} other peers of the swarm
     *       (never the requester, no duplicates, no expired peers; a seeder gets only leechers) and the
     *       swarm's seeders, leechers and downloads after the update.</li>
     *   <li>A new peer in a full swarm is not stored ({@link Outcome#SWARM_FULL}; it still gets a sample,
     *       and a {@code completed} from it is not counted); a new swarm beyond the limit is not created
     *       ({@link Outcome#TOO_MANY_SWARMS}), nor one the caller did not allow
     *       ({@link AnnounceOp#createSwarm} false: also {@link Outcome#TOO_MANY_SWARMS});
     *       {@link PeerSample#created()} says whether the announce created its swarm.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if {@code op.family} or {@code op.event} is null
     * @throws IllegalStateException    if the store is closed
     */
    void announce(AnnounceOp op, long nowMillis, PeerSample out);

    /**
     * A {@code stopped} that names no port (libtorrent 1.1 stops with port 0): removes the peer whose address is
     * that of {@code op.peer} (its port is ignored) from the swarm of {@code op.infoHash} in {@code op.family}, if
     * it is the only stored peer with that address there. When several share the address (clients behind one NAT)
     * none is removed: which of them stopped is unknown, and another client's entry is never taken away. Expired
     * peers not yet swept count as stored. The other family's swarm is never touched; no swarm is created.
     * {@code op.event}, {@code op.seeder} and {@code op.numWant} are not read.
     *
     * <p>{@code out} gets outcome {@link Outcome#REMOVED}, no peers, and the swarm's counts after the call.
     *
     * @return how many stored peers had that address: 1 means that peer was removed, 0 that there was none,
     *         2 or more that none was removed
     * @throws IllegalArgumentException if {@code op.family} is null
     * @throws IllegalStateException    if the store is closed
     */
    int stopByAddress(AnnounceOp op, long nowMillis, PeerSample out);

    /**
     * Counts of the torrent {@code infoHash[off..off+20)}, summed over both families; zeros for an
     * unknown torrent.
     *
     * @throws IndexOutOfBoundsException if fewer than 20 bytes follow {@code off}
     * @throws IllegalStateException     if the store is closed
     */
    void scrape(byte[] infoHash, int off, long nowMillis, ScrapeHolder out);

    /**
     * Removes expired peers, and swarms left empty, from one bounded slice of the store (a segment of
     * the off-heap map, a few hundred swarms of the heap store), moving on to the next slice on the next
     * call. Meant to be called every few milliseconds by one background thread; a full pass over the
     * store takes {@link #expireSlices()} calls. Holds a lock only for its slice.
     *
     * @return the number of peers removed
     */
    int expireStep(long nowMillis);

    /**
     * How many {@link #expireStep} calls make one full pass over the store: the segments of both maps
     * for the off-heap store (fixed), {@code swarms / 256 + 2} for the heap store (changes with its size).
     * Lets the caller pick its calling interval for a target pass time.
     */
    int expireSlices();

    /** Current counts, O(1). */
    StoreStats stats();

    /**
     * Receives the torrents of {@link #forEachTorrent}, one call per torrent, with no lock of the store held.
     */
    @FunctionalInterface
    interface TorrentVisitor {
        /**
         * @param infoHash the torrent's 20 bytes; the array is reused, so it is valid only during the call
         * @return true to go on, false to stop the walk
         */
        boolean visit(byte[] infoHash, long seeders, long leechers, long downloaded);
    }

    /**
     * Walks every torrent, with the counts {@link #scrape} would report (summed over both families), until the
     * visitor returns false. Costs O(swarms), so it is for rare requests (full scrape, status page), not the
     * request path.
     *
     * <ul>
     *   <li>A torrent is visited once, in no particular order.</li>
     *   <li>The store locks one bounded slice at a time (a segment of an off-heap map) only long enough to copy
     *       its keys and counts, never while the visitor runs; so a slow visitor (a slow HTTP client) does not
     *       hold up announces, and the walk is not a snapshot: a torrent added or removed during the walk may
     *       be missed, and one whose IPv4 swarm disappears while the walk is between the families may be
     *       visited twice.</li>
     *   <li>Swarms whose peers have all expired but that were not swept yet are visited, as scrape shows them.</li>
     * </ul>
     *
     * @throws IllegalStateException if the store is closed (also when it is closed during the walk)
     */
    void forEachTorrent(TorrentVisitor visitor);

    /**
     * Closes the store, leaving persisted files consistent and marked clean. Idempotent. Call it only
     * after every thread using the store has stopped; any use afterwards throws
     * {@link IllegalStateException}.
     */
    @Override
    void close();
}

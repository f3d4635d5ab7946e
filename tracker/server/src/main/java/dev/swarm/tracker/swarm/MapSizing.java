package dev.swarm.tracker.swarm;

/**
 * Chronicle Map geometry of one family's map, derived from the configuration. All low-level
 * parameters are set explicitly so that the largest swarm fits in one entry:
 *
 * <ul>
 *   <li>{@code maxChunksPerEntry} covers a swarm of {@code maxPeersPerSwarm} peers;</li>
 *   <li>a segment tier holds at least two such swarms, so segments hold at least
 *       {@code 2 * maxChunks / averageChunks} entries (and at least 64);</li>
 *   <li>segments (a power of two) then follow from the expected number of swarms; entries per
 *       segment get a Poisson margin (about five standard deviations) as Chronicle's own sizing does;</li>
 *   <li>the tier gets the average entry size (expected peers, plus 10 % for growth slack and holes);</li>
 *   <li>beyond that, Chronicle chains extra tiers: the bloat factor allows enough of them for
 *       {@code maxSwarms} and for big swarms clustering in one segment.</li>
 * </ul>
 *
 * <p>The description string is stored in the metadata file; a file laid out differently is not reused.
 */
record MapSizing(int chunkSize, int segments, long entriesPerSegment, long chunksPerTier, int maxChunksPerEntry,
                 double maxBloatFactor) {

    private static final int MIN_ENTRIES_PER_SEGMENT = 64;

    static MapSizing of(SwarmLayout layout, long expectedSwarms, long maxSwarms, int expectedPeers) {
        double avgChunks = layout.chunksFor(expectedPeers) * 1.1;
        int maxChunks = layout.chunksFor(layout.maxPeers);
        long minPerSegment = Math.max(MIN_ENTRIES_PER_SEGMENT, (long) Math.ceil(2.0 * maxChunks / avgChunks));
        long wanted = Math.max(1, expectedSwarms / minPerSegment);
        int segments = (int) Math.min(1 << 24, Long.highestOneBit(wanted));
        double avg = (double) expectedSwarms / segments;
        long perSegment = (long) Math.ceil(avg + 5 * Math.sqrt(avg) + 8);
        long chunksPerTier = Math.max((long) Math.ceil(perSegment * avgChunks), 2L * maxChunks);
        double bloat = Math.min(1000.0, 2.0 + 1.25 * maxSwarms / expectedSwarms);
        return new MapSizing(layout.chunkSize, segments, perSegment, chunksPerTier, maxChunks, bloat);
    }

    /** Stable text form, compared at open. */
    String describe() {
        return "chunk=" + chunkSize + ",segments=" + segments + ",entriesPerSegment=" + entriesPerSegment
                + ",chunksPerTier=" + chunksPerTier + ",maxChunksPerEntry=" + maxChunksPerEntry
                + ",maxBloatFactor=" + maxBloatFactor;
    }
}

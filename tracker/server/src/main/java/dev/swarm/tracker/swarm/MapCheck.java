package dev.swarm.tracker.swarm;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.TierCountersArea;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;

/**
 * The cheap check of a mapped map that the sidecar calls clean, before anything takes a lock in it: Chronicle
 * trusts its segment headers, so a damaged lock word makes every request to that segment spin until the lock
 * timeout, and a damaged count or tier link sends lookups astray. Reads, per segment, the header's lock word
 * (nobody holds a lock in a closed map), entry count and lowest free chunk, follows its chain of extra tiers
 * (each must belong to the segment), and compares the sum of the counts with the swarm count recorded at the
 * clean close. O(segments + extra tiers), no locks, no walk.
 */
final class MapCheck {
    private MapCheck() {
    }

    /** Why {@code fm.map} cannot be trusted as it is, or null. {@code counts} may be null (not recorded). */
    static String problem(FamilyMap fm, long maxSwarms, int maxPeersPerSwarm, StoreFiles.Counts counts) {
        VanillaChronicleHash<?, ?, ?, ?> h = (VanillaChronicleHash<?, ?, ?, ?>) fm.map;
        String layout = layoutProblem(fm);
        if (layout != null) {
            return layout;
        }
        VanillaGlobalMutableState g = h.globalMutableState();
        long extraTiers = (long) g.getAllocatedExtraTierBulks() * h.tiersInBulk;
        if (g.getExtraTiersInUse() > extraTiers) {
            return "its global state is damaged (" + g.getExtraTiersInUse() + " extra tiers in use, " + extraTiers
                    + " allocated)";
        }
        long lastTier = h.actualSegments + extraTiers;
        long tiersInUse = g.getExtraTiersInUse();
        long chained = 0;
        BigSegmentHeader sh = BigSegmentHeader.INSTANCE;
        long entries = 0;
        for (int i = 0; i < h.actualSegments; i++) {
            long a = h.segmentHeaderAddress(i);
            long lock = sh.getLockState(a);
            long n = sh.entries(a);
            long next = sh.nextTierIndex(a);
            long free = sh.lowestPossiblyFreeChunk(a);
            if (lock != 0) {
                return "segment " + i + " is locked in a closed map (lock word 0x" + Long.toHexString(lock) + ")";
            }
            if (n > maxSwarms || free > h.actualChunksPerSegmentTier) {
                return "segment " + i + " has a damaged header (entries " + n + ", lowest free chunk " + free + ")";
            }
            // The header counts the segment's first tier; extra tiers, chained from it, count their own entries.
            while (next != 0) {
                if (next <= h.actualSegments || next > lastTier || ++chained > tiersInUse) {
                    return "segment " + i + " has a damaged tier chain (next tier " + next + ", " + tiersInUse
                            + " extra tiers in use)";
                }
                long counters = h.tierIndexToBaseAddr(next) + h.tierHashLookupOuterSize;
                long tierEntries = TierCountersArea.entries(counters);
                if (TierCountersArea.segmentIndex(counters) != i || tierEntries > maxSwarms) {
                    return "segment " + i + " has a damaged extra tier " + next + " (segment "
                            + TierCountersArea.segmentIndex(counters) + ", entries " + tierEntries + ")";
                }
                n += tierEntries;
                next = TierCountersArea.nextTierIndex(counters);
            }
            entries += n;
        }
        if (entries > maxSwarms) {
            return "its segments count " + entries + " swarms, more than the limit " + maxSwarms;
        }
        if (counts != null && (counts.swarms() != entries
                || counts.seeders() + counts.leechers() > counts.swarms() * maxPeersPerSwarm)) {
            return "the counts recorded at close (" + counts.swarms() + " swarms, " + counts.seeders() + " seeders, "
                    + counts.leechers() + " leechers) do not match its " + entries + " entries";
        }
        return null;
    }

    /** How {@code fm.map}'s geometry differs from the configured one, or null. */
    static String layoutProblem(FamilyMap fm) {
        VanillaChronicleHash<?, ?, ?, ?> h = (VanillaChronicleHash<?, ?, ?, ?>) fm.map;
        MapSizing s = fm.sizing;
        if (h.chunkSize != s.chunkSize() || h.actualSegments != s.segments()
                || h.actualChunksPerSegmentTier != s.chunksPerTier() || h.maxChunksPerEntry != s.maxChunksPerEntry()) {
            return "it is laid out for another configuration (file: chunk=" + h.chunkSize + ",segments="
                    + h.actualSegments + ",chunksPerTier=" + h.actualChunksPerSegmentTier + ",maxChunksPerEntry="
                    + h.maxChunksPerEntry + "; configured: " + s.describe() + ")";
        }
        return null;
    }
}

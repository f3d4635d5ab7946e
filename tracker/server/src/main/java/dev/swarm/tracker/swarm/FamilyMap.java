package dev.swarm.tracker.swarm;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.openhft.chronicle.map.ChronicleMap;

/** One address family's Chronicle map, its layout and its live counters. */
final class FamilyMap {
    final Family family;
    final SwarmLayout layout;
    final MapSizing sizing;
    final Path file;
    /** Incremented before a swarm is inserted, decremented after it is removed. */
    final AtomicLong swarms = new AtomicLong();
    final LongAdder seeders = new LongAdder();
    final LongAdder leechers = new LongAdder();
    /** Set once by {@link PersistedMaps}. */
    ChronicleMap<byte[], byte[]> map;
    /** Disk space for the map's growth; set with {@link #map}. */
    GrowthReserve reserve;
    /** CRC of the map file's Chronicle header, and its length as last written to the sidecar. */
    long headerCrc;
    long recordedLength;

    FamilyMap(Family family, SwarmStoreConfig config, Path dir) {
        this.family = family;
        this.layout = new SwarmLayout(family, SwarmLayout.chunkSizeFor(family), config.maxPeersPerSwarm());
        this.sizing = MapSizing.of(layout, config.expectedSwarms(), config.maxSwarms(), config.expectedPeersPerSwarm());
        this.file = dir.resolve(StoreFiles.mapFileName(family));
    }

    StoreStats.FamilyStats stats() {
        return new StoreStats.FamilyStats(swarms.get(), seeders.sum(), leechers.sum());
    }
}

package dev.swarm.tracker.swarm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of the off-heap store's files: locking the directory, checking each map file against
 * the sidecar before Chronicle maps it, applying the corruption policy, opening (or recovering, after an
 * unclean shutdown) the maps, restoring the counters (from the sidecar after a clean close, else with one
 * walk), and recording the state in the sidecar ({@code open} while in use, {@code clean} and the counters
 * after {@link #close()}).
 */
final class PersistedMaps {
    private static final Logger LOG = LoggerFactory.getLogger(OffHeapSwarmStore.class);
    private static final int MAX_RECOVERY_LOG_LINES = 20;

    private final SwarmStoreConfig config;
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FamilyMap[] maps;

    private PersistedMaps(SwarmStoreConfig config, Path dir, FileChannel lockChannel, FileLock lock) {
        this.config = config;
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.maps = new FamilyMap[] {new FamilyMap(Family.V4, config, dir), new FamilyMap(Family.V6, config, dir)};
    }

    /** Locks {@code config.dataDir()} and opens both maps; see {@link OffHeapSwarmStore#open}. */
    static PersistedMaps open(SwarmStoreConfig config) {
        Path dir = config.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreOpenException("cannot create the data directory " + dir + ": " + e, e);
        }
        FileChannel ch;
        FileLock lock;
        try {
            ch = FileChannel.open(dir.resolve(StoreFiles.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreOpenException("cannot open " + dir.resolve(StoreFiles.LOCK) + ": " + e, e);
        }
        try {
            lock = ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(ch);
            throw new StoreOpenException("the data directory " + dir + " is in use by another store (lock file "
                    + StoreFiles.LOCK + " is held)");
        }
        PersistedMaps files = new PersistedMaps(config, dir, ch, lock);
        try {
            files.openMaps();
            return files;
        } catch (RuntimeException e) {
            files.abandon();
            throw e;
        }
    }

    FamilyMap[] maps() {
        return maps;
    }

    private void openMaps() {
        long t0 = System.nanoTime();
        StoreFiles.Meta meta = readMeta();
        boolean clean = meta != null && meta.clean();
        Map<Family, Boolean> reused = new EnumMap<>(Family.class);
        int recorded = 0;
        for (FamilyMap fm : maps) {
            reused.put(fm.family, openMap(fm, meta, clean));
        }
        try {
            writeMeta(false);
        } catch (IOException e) {
            throw new StoreOpenException("cannot write " + dir.resolve(StoreFiles.META) + ": " + e, e);
        }
        for (FamilyMap fm : maps) {
            if (!reused.get(fm.family)) {
                continue;
            }
            StoreFiles.Counts counts = clean ? meta.files().get(fm.family).counts() : null;
            if (counts != null) {
                // Recorded at the clean close, after the last write: exactly what a walk would count.
                fm.swarms.set(counts.swarms());
                fm.seeders.add(counts.seeders());
                fm.leechers.add(counts.leechers());
                recorded++;
            } else {
                rebuildCounters(fm, !clean);
            }
        }
        LOG.info("swarm store open in {} ({}): {} v4 swarms with {} peers, {} v6 swarms with {} peers, {} ms", dir,
                meta == null ? "new" : clean ? "after a clean shutdown" + (recorded > 0 ? ", counts recorded at close" : "")
                        : "after an UNCLEAN shutdown",
                maps[0].swarms.get(), maps[0].stats().peers(), maps[1].swarms.get(), maps[1].stats().peers(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    private StoreFiles.Meta readMeta() {
        Path metaFile = dir.resolve(StoreFiles.META);
        try {
            return StoreFiles.readMeta(dir);
        } catch (StoreFiles.BadMetaException e) {
            unusable(metaFile, "the metadata file is not usable: " + e.getMessage());
            return null;
        } catch (IOException e) {
            throw new StoreOpenException("cannot read " + metaFile + ": " + e, e);
        }
    }

    /** Opens one family's map; returns true if an existing file was reused. */
    private boolean openMap(FamilyMap fm, StoreFiles.Meta meta, boolean clean) {
        boolean exists = Files.exists(fm.file);
        if (exists) {
            String problem = check(fm, meta);
            if (problem != null) {
                unusable(fm.file, problem);
                exists = false;
            }
        } else if (meta != null && meta.files().containsKey(fm.family)) {
            LOG.warn("swarm store file {} is missing; its {} swarms start empty", fm.file, fm.family);
        }
        ChronicleMapBuilder<byte[], byte[]> builder = builder(fm);
        if (exists) {
            try {
                if (clean) {
                    fm.map = builder.createPersistedTo(fm.file.toFile());
                } else {
                    LOG.warn("swarm store {} was not closed cleanly; running Chronicle Map recovery", fm.file);
                    fm.map = builder.recoverPersistedTo(fm.file.toFile(), true, recoveryListener(fm.file));
                }
            } catch (IOException | RuntimeException e) {
                unusable(fm.file, "Chronicle Map cannot open it: " + e);
                exists = false;
            }
        }
        if (!exists) {
            try {
                fm.map = builder.createPersistedTo(fm.file.toFile());
            } catch (IOException | RuntimeException e) {
                throw new StoreOpenException("cannot create " + fm.file + " (" + fm.sizing.describe() + "): " + e, e);
            }
        }
        try {
            fm.headerCrc = StoreFiles.headerCrc(fm.file);
        } catch (IOException e) {
            throw new StoreOpenException("cannot read " + fm.file + ": " + e, e);
        }
        return exists;
    }

    /** Why the sidecar does not vouch for an existing map file, or null if it does. */
    private static String check(FamilyMap fm, StoreFiles.Meta meta) {
        if (meta == null) {
            return "there is no usable metadata file " + StoreFiles.META + " beside it (foreign or orphaned file)";
        }
        StoreFiles.FileMeta m = meta.files().get(fm.family);
        if (m == null) {
            return "the metadata file does not describe it";
        }
        if (!m.layout().equals(fm.sizing.describe())) {
            return "it is laid out for another configuration (file: " + m.layout() + "; configured: "
                    + fm.sizing.describe() + ")";
        }
        try {
            long length = Files.size(fm.file);
            if (length < m.length()) {
                return "it is truncated: " + length + " bytes, at least " + m.length() + " expected";
            }
            long crc = StoreFiles.headerCrc(fm.file);
            if (crc < 0) {
                return "it does not start with a Chronicle Map header";
            }
            if (crc != m.headerCrc()) {
                return "its header does not match the metadata (a file of another store?)";
            }
        } catch (IOException e) {
            return "it cannot be read: " + e;
        }
        return null;
    }

    /** Applies the corruption policy to {@code file}: throws (FAIL) or quarantines it (QUARANTINE). */
    private void unusable(Path file, String reason) {
        if (config.onCorrupt() == SwarmStoreConfig.OnCorrupt.FAIL) {
            throw new StoreOpenException("swarm store file " + file + " is unusable: " + reason
                    + " (on-corrupt policy FAIL: nothing was changed; move the file away or use QUARANTINE)");
        }
        Path moved;
        try {
            moved = StoreFiles.quarantine(file);
        } catch (IOException e) {
            throw new StoreOpenException("swarm store file " + file + " is unusable (" + reason
                    + ") and could not be moved aside: " + e, e);
        }
        LOG.error("swarm store file {} is unusable: {}. Moved it to {}; its swarms start empty and fill again"
                + " as peers re-announce", file, reason, moved.getFileName());
    }

    private static ChronicleHashCorruption.Listener recoveryListener(Path file) {
        AtomicInteger reports = new AtomicInteger();
        return c -> {
            int n = reports.incrementAndGet();
            if (n <= MAX_RECOVERY_LOG_LINES) {
                LOG.warn("recovery of {}: segment {}: {}", file, c.segmentIndex(), c.message());
            } else if (n == MAX_RECOVERY_LOG_LINES + 1) {
                LOG.warn("recovery of {}: more corruptions, no longer logged", file);
            }
        };
    }

    private static ChronicleMapBuilder<byte[], byte[]> builder(FamilyMap fm) {
        MapSizing s = fm.sizing;
        return ChronicleMapBuilder.of(byte[].class, byte[].class)
                .name("swarms-" + fm.family.name().toLowerCase(java.util.Locale.ROOT))
                .constantKeySizeBySample(new byte[SwarmLayout.KEY_BYTES])
                .actualChunkSize(s.chunkSize())
                .actualSegments(s.segments())
                .entriesPerSegment(s.entriesPerSegment())
                .actualChunksPerSegmentTier(s.chunksPerTier())
                .maxChunksPerEntry(s.maxChunksPerEntry())
                .maxBloatFactor(s.maxBloatFactor())
                .checksumEntries(false)
                .sparseFile(false)
                .skipCloseOnExitHook(true);
    }

    void writeMeta(boolean clean) throws IOException {
        Map<Family, StoreFiles.FileMeta> files = new EnumMap<>(Family.class);
        for (FamilyMap fm : maps) {
            fm.recordedLength = Files.size(fm.file);
            StoreFiles.Counts counts = clean ? new StoreFiles.Counts(fm.swarms.get(), fm.seeders.sum(), fm.leechers.sum())
                    : null;
            files.put(fm.family, new StoreFiles.FileMeta(fm.sizing.describe(), fm.recordedLength, fm.headerCrc, counts));
        }
        StoreFiles.writeMeta(dir, new StoreFiles.Meta(clean, files));
    }

    /** Counts swarms and peers with one walk; drops swarms whose header (or, if {@code verify}, order) is damaged. */
    private void rebuildCounters(FamilyMap fm, boolean verify) {
        long t0 = System.nanoTime();
        PackedSwarm ps = new PackedSwarm(fm.layout);
        long[] dropped = new long[1];
        Consumer<MapEntry<byte[], byte[]>> visit = e -> {
            Data<byte[]> v = e.value();
            ps.wrap((BytesStore<?, ?>) v.bytes(), v.offset(), v.size());
            if (!ps.valid() || verify && !ps.ordered()) {
                e.doRemove();
                dropped[0]++;
                return;
            }
            fm.swarms.incrementAndGet();
            fm.seeders.add(ps.seeders());
            fm.leechers.add(ps.leechers());
        };
        for (int i = 0; i < fm.map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = fm.map.segmentContext(i)) {
                c.forEachSegmentEntry(visit);
            }
        }
        if (dropped[0] > 0) {
            LOG.warn("swarm store {}: dropped {} damaged swarms; their peers come back with their next announce",
                    fm.file, dropped[0]);
        }
        LOG.info("swarm store {}: counted {} swarms, {} peers in {} ms{}", fm.file, fm.swarms.get(),
                fm.stats().peers(), (System.nanoTime() - t0) / 1_000_000, verify ? " (verified)" : "");
    }

    /** Records grown map files in the sidecar, so that a later truncation below the new length is caught. */
    void recordGrowth() {
        try {
            for (FamilyMap fm : maps) {
                if (Files.size(fm.file) > fm.recordedLength) {
                    writeMeta(false);
                    return;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot update {}: {}", dir.resolve(StoreFiles.META), e.toString());
        }
    }

    /** Closes the maps, marks the sidecar clean and releases the directory. */
    void close() {
        for (FamilyMap fm : maps) {
            fm.map.close();
        }
        try {
            writeMeta(true);
            LOG.info("swarm store in {} closed cleanly", dir);
        } catch (IOException e) {
            LOG.error("swarm store in {} closed, but {} could not be written ({}); the next start will run"
                    + " recovery", dir, StoreFiles.META, e.toString());
        } finally {
            releaseLock();
        }
    }

    /** Cleans up after a failed open: closes what was opened, leaves the sidecar as it is. */
    private void abandon() {
        for (FamilyMap fm : maps) {
            if (fm.map != null) {
                fm.map.close();
            }
        }
        releaseLock();
    }

    private void releaseLock() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("cannot release {}: {}", dir.resolve(StoreFiles.LOCK), e.toString());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", ch, e.toString());
        }
    }
}

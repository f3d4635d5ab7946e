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
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
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
    private volatile boolean suspect;

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

    /** How a family's map was opened, which decides how its counters are restored. */
    private enum Opened {
        /** A new, empty file. */
        NEW,
        /** An existing file the sidecar calls clean and the quick check found sound. */
        CLEAN,
        /** An existing file after Chronicle's recovery: every swarm is verified. */
        RECOVERED
    }

    private void openMaps() {
        long t0 = System.nanoTime();
        StoreFiles.Meta meta = readMeta();
        Map<Family, Opened> opened = new EnumMap<>(Family.class);
        int recorded = 0;
        for (FamilyMap fm : maps) {
            opened.put(fm.family, openMap(fm, meta));
        }
        try {
            writeMeta(false);
        } catch (IOException e) {
            throw new StoreOpenException("cannot write " + dir.resolve(StoreFiles.META) + " on "
                    + GrowthReserve.describeFileSystem(dir) + ": " + e, e);
        }
        for (FamilyMap fm : maps) {
            Opened how = opened.get(fm.family);
            if (how == Opened.NEW) {
                continue;
            }
            StoreFiles.Counts counts = how == Opened.CLEAN ? meta.files().get(fm.family).counts() : null;
            if (counts != null) {
                // Recorded at the clean close, after the last write, and matched against the segment counts.
                fm.swarms.set(counts.swarms());
                fm.seeders.add(counts.seeders());
                fm.leechers.add(counts.leechers());
                recorded++;
            } else {
                rebuildCounters(fm, how == Opened.RECOVERED);
            }
        }
        for (FamilyMap fm : maps) {
            fm.reserve = new GrowthReserve(fm.file, fm.map, opened.get(fm.family) == Opened.CLEAN);
            if (!fm.reserve.topUp()) {
                LOG.error("swarm store {}: {}. New swarms and growing swarms are refused until space is freed;"
                        + " free disk space on that filesystem (or move the data directory)", fm.file,
                        fm.reserve.lastFailure());
            }
        }
        boolean allClean = opened.values().stream().allMatch(o -> o == Opened.CLEAN);
        boolean anyRecovered = opened.values().contains(Opened.RECOVERED);
        LOG.info("swarm store open in {} ({}): {} v4 swarms with {} peers, {} v6 swarms with {} peers, {} ms", dir,
                meta == null && !anyRecovered ? "new" : allClean ? "after a clean shutdown"
                        + (recorded > 0 ? ", counts recorded at close" : "")
                        : anyRecovered ? "RECOVERED" : "partly new",
                maps[0].swarms.get(), maps[0].stats().peers(), maps[1].swarms.get(), maps[1].stats().peers(),
                (System.nanoTime() - t0) / 1_000_000);
        reportQuarantine();
    }

    private void reportQuarantine() {
        try {
            List<Path> q = StoreFiles.quarantined(dir);
            if (!q.isEmpty()) {
                LOG.warn("swarm store {}: {} quarantined files take {} MiB ({}); they are kept for inspection. Delete"
                        + " them when no longer needed", dir, q.size(), StoreFiles.quarantinedBytes(dir) >> 20,
                        q.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
            }
        } catch (IOException e) {
            LOG.warn("cannot list quarantined files in {}: {}", dir, e.toString());
        }
    }

    /**
     * The sidecar, or null if there is none or it is unusable. An unusable one is moved aside: it only vouches
     * for the map files and carries counts, so without it the maps are recovered and verified, not discarded.
     */
    private StoreFiles.Meta readMeta() {
        Path metaFile = dir.resolve(StoreFiles.META);
        try {
            return StoreFiles.readMeta(dir);
        } catch (StoreFiles.BadMetaException e) {
            String moved;
            try {
                moved = StoreFiles.quarantine(metaFile).getFileName().toString();
            } catch (IOException io) {
                moved = "(could not move it aside: " + io + ")";
            }
            LOG.error("swarm store metadata file {} is not usable ({}); moved it to {}. The map files are recovered"
                    + " and verified instead", metaFile, e.getMessage(), moved);
            return null;
        } catch (IOException e) {
            throw new StoreOpenException("cannot read " + metaFile + ": " + e, e);
        }
    }

    /** Opens one family's map: reused (clean or recovered) or new. */
    private Opened openMap(FamilyMap fm, StoreFiles.Meta meta) {
        StoreFiles.FileMeta described = meta == null ? null : meta.files().get(fm.family);
        if (!Files.exists(fm.file)) {
            if (described != null) {
                LOG.warn("swarm store file {} is missing; its {} swarms start empty", fm.file, fm.family);
            }
            create(fm);
            return Opened.NEW;
        }
        String problem = check(fm, described);
        if (problem != null) {
            unusable(fm.file, problem);
            create(fm);
            return Opened.NEW;
        }
        String recoverWhy = meta == null ? "there is no usable metadata file beside it"
                : described == null ? "the metadata file does not describe it"
                : fm.headerCrc != described.headerCrc() ? "its header does not match the CRC in the metadata file"
                + " (a damaged metadata file, or a file of another store)"
                : meta.clean() ? null : "it was not closed cleanly";
        try {
            if (StoreFiles.headerIncomplete(fm.file)) {
                StoreFiles.markHeaderComplete(fm.file);
                recoverWhy = "an earlier creation or recovery of it was interrupted (header marked incomplete)";
            }
        } catch (IOException e) {
            throw new StoreOpenException("cannot read or write " + fm.file + ": " + e, e);
        }
        ChronicleMapBuilder<byte[], byte[]> builder = builder(fm);
        if (recoverWhy == null) {
            try {
                fm.map = builder.createPersistedTo(fm.file.toFile());
                recoverWhy = MapCheck.problem(fm, config.maxSwarms(), config.maxPeersPerSwarm(), described.counts());
            } catch (IOException | RuntimeException e) {
                recoverWhy = "Chronicle Map cannot open it as it is: " + e;
            }
            if (recoverWhy == null) {
                return Opened.CLEAN;
            }
            closeMap(fm);
            recoverWhy = "it is marked clean, but " + recoverWhy;
        }
        LOG.warn("swarm store {}: {}; running Chronicle Map recovery", fm.file, recoverWhy);
        String failure;
        try {
            fm.map = builder.recoverPersistedTo(fm.file.toFile(), true, recoveryListener(fm.file));
            failure = MapCheck.problem(fm, config.maxSwarms(), config.maxPeersPerSwarm(), null);
        } catch (IOException | RuntimeException e) {
            failure = "Chronicle Map cannot recover it: " + e;
        }
        if (failure == null) {
            return Opened.RECOVERED;
        }
        closeMap(fm);
        unusable(fm.file, failure);
        create(fm);
        return Opened.NEW;
    }

    private static void closeMap(FamilyMap fm) {
        if (fm.map != null) {
            try {
                fm.map.close();
            } catch (RuntimeException e) {
                LOG.warn("closing {} after a failed check: {}", fm.file, e.toString());
            }
            fm.map = null;
        }
    }

    private void create(FamilyMap fm) {
        try {
            fm.map = builder(fm).createPersistedTo(fm.file.toFile());
            fm.headerCrc = StoreFiles.headerCrc(fm.file);
        } catch (IOException | RuntimeException e) {
            // Chronicle's own message names the root of the file system ("to /"), not the data directory's mount.
            String why = String.valueOf(e.getMessage()).replaceFirst(" to \\S+ unallocated was", ", unallocated was");
            throw new StoreOpenException("cannot create " + fm.file + " (" + fm.sizing.describe() + ") on "
                    + GrowthReserve.describeFileSystem(dir) + ": " + why, e);
        }
    }

    /**
     * Why an existing map file cannot be used at all, or null. Without a sidecar entry only Chronicle's header
     * is checked (the layout is compared after recovery); with one, also layout and length (a mapped file
     * shorter than Chronicle's data would fault). A header CRC that differs from the sidecar's is no reason to
     * discard the file: it is recovered and verified like a file without sidecar.
     */
    private static String check(FamilyMap fm, StoreFiles.FileMeta m) {
        try {
            long crc = StoreFiles.headerCrc(fm.file);
            if (crc < 0) {
                return "it does not start with a Chronicle Map header" + (m == null
                        ? " (and no metadata file " + StoreFiles.META + " describes it)" : "");
            }
            fm.headerCrc = crc;
            if (m == null) {
                return null;
            }
            if (!m.layout().equals(fm.sizing.describe())) {
                return "it is laid out for another configuration (file: " + m.layout() + "; configured: "
                        + fm.sizing.describe() + ")";
            }
            long length = Files.size(fm.file);
            if (length < m.length()) {
                return "it is truncated: " + length + " bytes, at least " + m.length() + " expected";
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
        LOG.error("swarm store file {} is unusable: {}. Moved it to {} (kept until you delete it); its swarms start"
                + " empty and fill again as peers re-announce", file, reason, moved.getFileName());
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

    /**
     * Counts swarms and peers with one walk; drops swarms whose header is damaged and, if {@code verify}, puts
     * unordered ones (a crash in the middle of a shift) in order again, dropping only duplicates (see PackedSwarm.repair).
     */
    private void rebuildCounters(FamilyMap fm, boolean verify) {
        long t0 = System.nanoTime();
        PackedSwarm ps = new PackedSwarm(fm.layout);
        long[] fixes = new long[3]; // dropped swarms, repaired swarms, peers dropped by repairs
        Consumer<MapEntry<byte[], byte[]>> visit = e -> {
            Data<byte[]> v = e.value();
            ps.wrap((BytesStore<?, ?>) v.bytes(), v.offset(), v.size());
            if (!ps.valid() || e.key().size() != SwarmLayout.KEY_BYTES) {
                e.doRemove();
                fixes[0]++;
                return;
            }
            if (verify && !ps.ordered()) {
                ((SegmentLock) e.context()).writeLock().lock();
                fixes[1]++;
                fixes[2] += ps.repair();
                if (ps.count() == 0) {
                    e.doRemove();
                    fixes[0]++;
                    return;
                }
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
        if (fixes[0] + fixes[1] > 0) {
            LOG.warn("swarm store {}: dropped {} damaged swarms, put {} swarms in order again ({} misplaced peers"
                    + " dropped); those peers come back with their next announce", fm.file, fixes[0], fixes[1], fixes[2]);
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

    /**
     * Notes that a request found the store damaged: the next start then recovers and verifies the maps even
     * after a clean close.
     */
    void markSuspect() {
        suspect = true;
    }

    /** Tops up every map's growth reserve; the failure reasons (null if none). */
    String topUpReserves() {
        String failure = null;
        for (FamilyMap fm : maps) {
            if (!fm.reserve.topUp()) {
                failure = fm.file + ": " + fm.reserve.lastFailure();
            }
        }
        return failure;
    }

    /** Closes the maps, marks the sidecar clean (unless a request found damage) and releases the directory. */
    void close() {
        for (FamilyMap fm : maps) {
            fm.map.close();
        }
        try {
            writeMeta(!suspect);
            if (suspect) {
                LOG.warn("swarm store in {} closed; requests found damage, so the next start recovers and verifies it",
                        dir);
            } else {
                LOG.info("swarm store in {} closed cleanly", dir);
            }
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

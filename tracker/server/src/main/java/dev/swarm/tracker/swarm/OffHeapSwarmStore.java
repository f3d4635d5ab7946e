package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production store: one persisted Chronicle Map per address family in the data directory, one
 * entry per swarm (key: the info-hash; value: a small header and the peers packed as compact records
 * plus a 2-byte meta word, see {@link SwarmLayout}). Nothing per peer lives on the Java heap.
 *
 * <p>An announce is one map query under the segment's write lock: binary search for the peer, then an
 * in-place write (refresh), shift (join, leave, seeder switch) or, when the value's chunks are full, one
 * reallocation that grows the value by at least one chunk or 1/8. The sample is copied straight from the
 * mapped value into the caller's buffer. Scratch buffers are per thread and off-heap; the request path
 * allocates nothing.
 *
 * <p>Opening checks the files against the sidecar ({@link StoreFiles}) before Chronicle maps them, uses
 * Chronicle's recovery after an unclean shutdown, and rebuilds the counters with one walk (after an
 * unclean shutdown it also verifies every swarm's order and drops damaged ones).
 */
public final class OffHeapSwarmStore implements SwarmStore {
    private static final Logger LOG = LoggerFactory.getLogger(OffHeapSwarmStore.class);
    private static final int MAX_RECOVERY_LOG_LINES = 20;
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final SwarmStoreConfig config;
    private final int timeoutSec;
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FamilyMap[] maps;
    private final ThreadLocal<Scratch> scratch;
    private final Queue<Scratch> scratches = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sweepLock = new Object();
    private final Sweeper sweeper;
    private int cursor;
    private volatile long lastCapacityWarning;

    /** One family's map and counters. */
    private static final class FamilyMap {
        final Family family;
        final SwarmLayout layout;
        final MapSizing sizing;
        final Path file;
        final AtomicLong swarms = new AtomicLong();
        final LongAdder seeders = new LongAdder();
        final LongAdder leechers = new LongAdder();
        ChronicleMap<byte[], byte[]> map;
        long headerCrc;
        long recordedLength;

        FamilyMap(Family family, SwarmStoreConfig config, Path dir) {
            this.family = family;
            this.layout = new SwarmLayout(family, SwarmLayout.chunkSizeFor(family), config.maxPeersPerSwarm());
            this.sizing = MapSizing.of(layout, config.expectedSwarms(), config.maxSwarms(),
                    config.expectedPeersPerSwarm());
            this.file = dir.resolve(StoreFiles.mapFileName(family));
        }

        StoreStats.FamilyStats stats() {
            return new StoreStats.FamilyStats(swarms.get(), seeders.sum(), leechers.sum());
        }
    }

    /** Per-thread, off-heap scratch space. */
    private static final class Scratch {
        final BytesStore<?, Void> key = BytesStore.nativeStoreWithFixedCapacity(SwarmLayout.KEY_BYTES);
        final PackedSwarm[] swarms;
        final int[] removedSeeders = new int[1];
        BytesStore<?, Void> value;

        Scratch(FamilyMap[] maps) {
            swarms = new PackedSwarm[maps.length];
            for (int i = 0; i < maps.length; i++) {
                swarms[i] = new PackedSwarm(maps[i].layout);
            }
        }

        /** A staging buffer of at least {@code size} bytes (bounded by the largest swarm value). */
        BytesStore<?, Void> value(long size) {
            if (value == null || value.capacity() < size) {
                if (value != null) {
                    value.releaseLast();
                }
                value = BytesStore.nativeStoreWithFixedCapacity(Math.max(size, 4096));
            }
            return value;
        }

        void release() {
            key.releaseLast();
            if (value != null) {
                value.releaseLast();
                value = null;
            }
        }
    }

    private OffHeapSwarmStore(SwarmStoreConfig config, Path dir, FileChannel lockChannel, FileLock lock) {
        this.config = config;
        this.timeoutSec = config.peerTimeoutSeconds();
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.maps = new FamilyMap[] {new FamilyMap(Family.V4, config, dir), new FamilyMap(Family.V6, config, dir)};
        this.scratch = ThreadLocal.withInitial(() -> {
            Scratch s = new Scratch(maps);
            scratches.add(s);
            return s;
        });
        this.sweeper = new Sweeper();
    }

    /**
     * Opens (or creates) the store in {@code config.dataDir()}.
     *
     * <p>A map file that the sidecar does not vouch for (missing sidecar, other layout, shorter than
     * recorded, other header) or that Chronicle cannot open is handled by {@code config.onCorrupt()}:
     * quarantined (the family starts empty) or reported with a {@link StoreOpenException}. A missing map
     * file starts its family empty.
     *
     * @throws StoreOpenException if the directory cannot be used (not creatable, locked by another
     *                            process, disk full) or a file is unusable under the FAIL policy
     */
    public static OffHeapSwarmStore open(SwarmStoreConfig config) {
        Objects.requireNonNull(config.dataDir(), "config.dataDir");
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new StoreOpenException("the off-heap swarm store needs a little-endian CPU");
        }
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
        OffHeapSwarmStore store = new OffHeapSwarmStore(config, dir, ch, lock);
        try {
            store.openMaps();
            return store;
        } catch (RuntimeException e) {
            store.abandon();
            throw e;
        }
    }

    private void openMaps() {
        long t0 = System.nanoTime();
        StoreFiles.Meta meta = readMeta();
        boolean clean = meta != null && meta.clean();
        Map<Family, Boolean> reused = new EnumMap<>(Family.class);
        for (FamilyMap fm : maps) {
            reused.put(fm.family, openMap(fm, meta, clean));
        }
        try {
            writeMeta(false);
        } catch (IOException e) {
            throw new StoreOpenException("cannot write " + dir.resolve(StoreFiles.META) + ": " + e, e);
        }
        for (FamilyMap fm : maps) {
            if (reused.get(fm.family)) {
                rebuildCounters(fm, !clean);
            }
        }
        LOG.info("swarm store open in {} ({}): {} v4 swarms with {} peers, {} v6 swarms with {} peers, {} ms", dir,
                meta == null ? "new" : clean ? "after a clean shutdown" : "after an UNCLEAN shutdown",
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

    private void writeMeta(boolean clean) throws IOException {
        Map<Family, StoreFiles.FileMeta> files = new EnumMap<>(Family.class);
        for (FamilyMap fm : maps) {
            fm.recordedLength = Files.size(fm.file);
            files.put(fm.family, new StoreFiles.FileMeta(fm.sizing.describe(), fm.recordedLength, fm.headerCrc));
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

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the swarm store is closed");
        }
    }

    @Override
    public void announce(AnnounceOp op, long nowMillis, PeerSample out) {
        checkOpen();
        Family family = op.family;
        AnnounceEvent event = op.event;
        if (family == null || event == null) {
            throw new IllegalArgumentException("AnnounceOp needs family and event (family=" + family + ", event="
                    + event + ")");
        }
        FamilyMap fm = maps[family.ordinal()];
        Scratch s = scratch.get();
        PackedSwarm ps = s.swarms[family.ordinal()];
        int now = PeerMeta.seconds(nowMillis);
        out.begin(family);
        s.key.write(0, op.infoHash, 0, SwarmLayout.KEY_BYTES);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = fm.map.queryContext(s.key, 0, SwarmLayout.KEY_BYTES)) {
            c.writeLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e != null) {
                wrap(ps, e);
                if (!ps.valid()) {
                    dropDamaged(fm, e);
                    e = null;
                }
            }
            if (e == null) {
                announceNew(op, fm, c, s, ps, now, out);
            } else {
                announceExisting(op, fm, c, s, ps, now, out);
            }
        }
    }

    private static void wrap(PackedSwarm ps, MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        ps.wrap((BytesStore<?, ?>) v.bytes(), v.offset(), v.size());
    }

    private void dropDamaged(FamilyMap fm, MapEntry<byte[], byte[]> e) {
        LOG.error("swarm store {}: a swarm value is damaged (size {}); dropping it", fm.file, e.value().size());
        e.doRemove();
        fm.swarms.decrementAndGet();
    }

    private void announceNew(AnnounceOp op, FamilyMap fm, ExternalMapQueryContext<byte[], byte[], ?> c, Scratch s,
                             PackedSwarm ps, int now, PeerSample out) {
        if (op.event == AnnounceEvent.STOPPED) {
            out.finish(Outcome.REMOVED, 0, 0, 0);
            return;
        }
        if (fm.swarms.incrementAndGet() > config.maxSwarms()) {
            fm.swarms.decrementAndGet();
            out.finish(Outcome.TOO_MANY_SWARMS, 0, 0, 0);
            return;
        }
        SwarmLayout layout = fm.layout;
        int capacity = layout.capacityOf(layout.chunksFor(1));
        long size = layout.valueSize(capacity);
        BytesStore<?, Void> staging = s.value(size);
        boolean completed = op.event == AnnounceEvent.COMPLETED;
        ps.wrap(staging, 0, size);
        ps.init(now, completed ? 1 : 0);
        ps.key(op.peer);
        ps.insert(op.peer, PeerMeta.of(op.seeder, completed, now));
        try {
            c.absentEntry().doInsert(c.wrapValueBytesAsData(staging, 0, size));
        } catch (RuntimeException ex) { // no room in the map, or the disk refused a new tier
            fm.swarms.decrementAndGet();
            warnCapacity(fm, ex);
            out.finish(Outcome.TOO_MANY_SWARMS, 0, 0, 0);
            return;
        }
        (op.seeder ? fm.seeders : fm.leechers).increment();
        out.finish(Outcome.OK, op.seeder ? 1 : 0, op.seeder ? 0 : 1, completed ? 1 : 0);
    }

    private void announceExisting(AnnounceOp op, FamilyMap fm, ExternalMapQueryContext<byte[], byte[], ?> c,
                                  Scratch s, PackedSwarm ps, int now, PeerSample out) {
        if (PeerMeta.sweepDue(ps.sweptSec(), now, timeoutSec)) {
            sweep(fm, ps, s, now);
        }
        ps.key(op.peer);
        int self = ps.find(op.seeder);
        Outcome outcome = Outcome.OK;
        if (op.event == AnnounceEvent.STOPPED) {
            if (self >= 0) {
                (ps.seederAt(self) ? fm.seeders : fm.leechers).decrement();
                ps.remove(self);
                ps.touch(now);
                shrinkIfSlack(c, c.entry(), ps, s);
            }
            out.finish(Outcome.REMOVED, ps.seeders(), ps.leechers(), ps.downloaded());
            return;
        }
        boolean completed = op.event == AnnounceEvent.COMPLETED;
        if (self >= 0) {
            int meta = ps.meta(self);
            boolean counted = PeerMeta.counted(meta);
            if (completed && !counted) {
                counted = true;
                ps.downloaded(ps.downloaded() + 1);
            }
            int fresh = PeerMeta.of(op.seeder, counted, now);
            if (ps.seederAt(self) != op.seeder) {
                self = ps.switchRegion(self, op.peer, fresh);
                (op.seeder ? fm.leechers : fm.seeders).decrement();
                (op.seeder ? fm.seeders : fm.leechers).increment();
            } else {
                ps.meta(self, fresh);
            }
        } else if (ps.count() >= fm.layout.maxPeers || ps.count() >= ps.capacity() && !grow(fm, c, ps, s)) {
            outcome = Outcome.SWARM_FULL;
        } else {
            if (completed) {
                ps.downloaded(ps.downloaded() + 1);
            }
            self = ps.insert(op.peer, PeerMeta.of(op.seeder, completed, now));
            (op.seeder ? fm.seeders : fm.leechers).increment();
        }
        ps.touch(now);
        int leechers = ps.leechers();
        int seeders = ps.seeders();
        int want = Math.min(Math.max(op.numWant, 0), out.maxPeers());
        int n = ps.sample(0, op.seeder ? leechers : leechers + seeders, self, want, now, timeoutSec, out.buffer());
        out.count(n);
        out.finish(outcome, seeders, leechers, ps.downloaded());
    }

    /** Sweeps one swarm in place and updates the counters; returns peers removed. */
    private int sweep(FamilyMap fm, PackedSwarm ps, Scratch s, int now) {
        int removed = ps.sweep(now, timeoutSec, s.removedSeeders);
        int seeders = s.removedSeeders[0];
        fm.seeders.add(-seeders);
        fm.leechers.add(-(removed - seeders));
        return removed;
    }

    /** Reallocates the value with room for at least one more peer; false if Chronicle has no room. */
    private boolean grow(FamilyMap fm, ExternalMapQueryContext<byte[], byte[], ?> c, PackedSwarm ps, Scratch s) {
        SwarmLayout layout = fm.layout;
        int n = ps.count();
        long size = layout.valueSize(layout.grownCapacity(ps.capacity(), n + 1));
        MapEntry<byte[], byte[]> e = c.entry();
        BytesStore<?, Void> staging = s.value(size);
        Data<byte[]> v = e.value();
        staging.write(0, v.bytes(), v.offset(), layout.valueSize(n));
        try {
            e.doReplaceValue(c.wrapValueBytesAsData(staging, 0, size));
        } catch (RuntimeException ex) { // no room in the map, or the disk refused a new tier
            warnCapacity(fm, ex);
            return false;
        } finally {
            wrap(ps, c.entry());
        }
        return true;
    }

    /** Reallocates the value smaller if it has much more room than peers. */
    private static void shrinkIfSlack(MapContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e, PackedSwarm ps,
                                      Scratch s) {
        SwarmLayout layout = ps.layout();
        int n = ps.count();
        int target = layout.shrunkCapacity(ps.capacity(), n);
        if (target >= ps.capacity()) {
            return;
        }
        long size = layout.valueSize(target);
        BytesStore<?, Void> staging = s.value(size);
        Data<byte[]> v = e.value();
        staging.write(0, v.bytes(), v.offset(), layout.valueSize(n));
        e.doReplaceValue(c.wrapValueBytesAsData(staging, 0, size));
        wrap(ps, e);
    }

    private void warnCapacity(FamilyMap fm, RuntimeException ex) {
        long now = System.currentTimeMillis();
        if (now - lastCapacityWarning >= WARN_EVERY_MILLIS) {
            lastCapacityWarning = now;
            LOG.warn("swarm store {} has no room for a new or bigger swarm ({}); the peer was not stored. Raise"
                    + " expected-swarms or expected-peers-per-swarm, or free disk space. (logged at most once a minute)",
                    fm.file, ex.toString());
        }
    }

    @Override
    public void scrape(byte[] infoHash, int off, long nowMillis, ScrapeHolder out) {
        checkOpen();
        Objects.checkFromIndexSize(off, SwarmLayout.KEY_BYTES, infoHash.length);
        out.clear();
        Scratch s = scratch.get();
        s.key.write(0, infoHash, off, SwarmLayout.KEY_BYTES);
        for (FamilyMap fm : maps) {
            if (fm.swarms.get() == 0) {
                continue; // the counter goes up before a swarm is inserted: zero means there is none to find
            }
            try (ExternalMapQueryContext<byte[], byte[], ?> c = fm.map.queryContext(s.key, 0, SwarmLayout.KEY_BYTES)) {
                c.readLock().lock();
                MapEntry<byte[], byte[]> e = c.entry();
                if (e != null) {
                    PackedSwarm ps = s.swarms[fm.family.ordinal()];
                    wrap(ps, e);
                    if (ps.valid()) {
                        out.add(ps.seeders(), ps.leechers(), ps.downloaded());
                    }
                }
            }
        }
    }

    /** Sweeps one segment of one map per call, v4 segments first, then v6. */
    @Override
    public int expireStep(long nowMillis) {
        synchronized (sweepLock) {
            checkOpen();
            int total = maps[0].map.segments() + maps[1].map.segments();
            int at = cursor;
            cursor = (at + 1) % total;
            FamilyMap fm = at < maps[0].map.segments() ? maps[0] : maps[1];
            int segment = fm == maps[0] ? at : at - maps[0].map.segments();
            sweeper.start(fm, scratch.get(), PeerMeta.seconds(nowMillis));
            try (MapSegmentContext<byte[], byte[], ?> c = fm.map.segmentContext(segment)) {
                c.forEachSegmentEntry(sweeper);
            }
            if (cursor == 0) {
                recordGrowth();
            }
            return sweeper.removed;
        }
    }

    /** Records grown map files in the sidecar, so that a later truncation below the new length is caught. */
    private void recordGrowth() {
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

    /** Visits the entries of one segment for {@link #expireStep}. */
    private final class Sweeper implements Consumer<MapEntry<byte[], byte[]>> {
        private FamilyMap fm;
        private Scratch s;
        private PackedSwarm ps;
        private int now;
        int removed;

        void start(FamilyMap familyMap, Scratch sc, int nowSec) {
            fm = familyMap;
            s = sc;
            ps = sc.swarms[familyMap.family.ordinal()];
            now = nowSec;
            removed = 0;
        }

        @Override
        public void accept(MapEntry<byte[], byte[]> e) {
            // The iteration holds the segment's update lock; slots are rewritten in place, so upgrade (Chronicle
            // downgrades it again after each entry, letting waiting requests in between swarms).
            ((SegmentLock) e.context()).writeLock().lock();
            wrap(ps, e);
            if (!ps.valid()) {
                dropDamaged(fm, e);
                return;
            }
            removed += sweep(fm, ps, s, now);
            if (ps.count() == 0) {
                e.doRemove();
                fm.swarms.decrementAndGet();
            } else {
                shrinkIfSlack(e.context(), e, ps, s);
            }
        }
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(maps[0].stats(), maps[1].stats());
    }

    @Override
    public int expireSlices() {
        checkOpen();
        return maps[0].map.segments() + maps[1].map.segments();
    }

    @Override
    public void close() {
        synchronized (sweepLock) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            for (FamilyMap fm : maps) {
                fm.map.close();
            }
            Scratch s;
            while ((s = scratches.poll()) != null) {
                s.release();
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
    }

    /** Cleans up after a failed open: closes what was opened, leaves the sidecar as it is. */
    private void abandon() {
        closed.set(true);
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

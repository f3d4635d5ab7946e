package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
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
 * <p>Opening ({@link PersistedMaps}) checks the files against the sidecar ({@link StoreFiles}) before
 * Chronicle maps them, checks a clean map cheaply ({@link MapCheck}), uses Chronicle's recovery after an
 * unclean shutdown or a failed check, and rebuilds the counters with one walk (after recovery it also verifies
 * every swarm, repairs unordered ones and drops damaged ones).
 *
 * <p>No request waits long for a damaged or full store: segment locks are tried for
 * {@value #REQUEST_LOCK_WAIT_MILLIS} ms, a failure inside the store becomes a {@link StoreUnavailableException}
 * (an ERROR log line, and the next start recovers), and growth goes only into disk space reserved ahead
 * ({@link GrowthReserve}), so a full disk refuses new swarms instead of faulting.
 */
public final class OffHeapSwarmStore implements SwarmStore {
    private static final Logger LOG = LoggerFactory.getLogger(OffHeapSwarmStore.class);
    private static final long WARN_EVERY_MILLIS = 60_000;
    private static final long ERROR_EVERY_MILLIS = 10_000;
    /**
     * Bound of a wait for a segment lock (Chronicle's default is 60 s, spinning). Locks are held for one swarm
     * update or one segment of a sweep, microseconds to milliseconds; a lock not free within this bound is a
     * damaged lock word, and the request is refused instead of holding its thread.
     */
    public static final int LOCK_TIMEOUT_SECONDS = 1;
    /** Bound of a request's wait for its segment lock, for the same reason; a request is refused after it. */
    static final long REQUEST_LOCK_WAIT_MILLIS = 250;

    private final SwarmStoreConfig config;
    private final int timeoutSec;
    private final PersistedMaps files;
    private final FamilyMap[] maps;
    private final ThreadLocal<Scratch> scratch;
    private final Queue<Scratch> scratches = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sweepLock = new Object();
    private final Sweeper sweeper;
    private final CompletionMemory completions = new CompletionMemory();
    private int cursor;
    private volatile long lastCapacityWarning;
    private volatile long lastFailureLog;
    private volatile long lastReserveLog;

    /** Per-thread, off-heap scratch space. */
    private static final class Scratch {
        final KeyData key = new KeyData();
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
            key.release();
            if (value != null) {
                value.releaseLast();
                value = null;
            }
        }
    }

    private OffHeapSwarmStore(SwarmStoreConfig config, PersistedMaps files) {
        this.config = config;
        this.timeoutSec = config.peerTimeoutSeconds();
        this.files = files;
        this.maps = files.maps();
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
     * <p>A map file that cannot be mapped safely (not a Chronicle Map file, shorter than the sidecar records, laid
     * out for another configuration, or not recoverable by Chronicle) is handled by {@code config.onCorrupt()}:
     * quarantined (the family starts empty) or reported with a {@link StoreOpenException}. A file the sidecar does
     * not vouch for (sidecar missing or damaged, other header CRC), one left unclean, or one whose quick check
     * fails ({@link MapCheck}) is recovered and verified. A missing map file starts its family empty.
     *
     * @throws StoreOpenException if the directory cannot be used (not creatable, locked by another
     *                            process, not enough disk space) or a file is unusable under the FAIL policy
     */
    public static OffHeapSwarmStore open(SwarmStoreConfig config) {
        Objects.requireNonNull(config.dataDir(), "config.dataDir");
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new StoreOpenException("the off-heap swarm store needs a little-endian CPU");
        }
        BigSegmentHeader.LOCK_TIMEOUT_SECONDS = LOCK_TIMEOUT_SECONDS;
        return new OffHeapSwarmStore(config, PersistedMaps.open(config));
    }

    /**
     * Turns a failure inside the store into a refusal: logs an ERROR (at most every 10 s), marks the store for
     * recovery at the next start, and returns the exception to throw.
     */
    private StoreUnavailableException failed(FamilyMap fm, String what, Throwable e) {
        files.markSuspect();
        long now = System.currentTimeMillis();
        if (now - lastFailureLog >= ERROR_EVERY_MILLIS) {
            lastFailureLog = now;
            LOG.error("swarm store {}: {} failed ({}); the request is refused with \"tracker storage unavailable\"."
                    + " The store may be damaged: restart the tracker, the next start recovers and verifies it"
                    + " (logged at most every 10 s)", fm.file, what, e.toString());
        }
        return new StoreUnavailableException("swarm store " + fm.file.getFileName() + ": " + what + " failed: " + e);
    }

    /**
     * Takes the swarm's write lock (waiting at most {@link #REQUEST_LOCK_WAIT_MILLIS}) and returns its entry wrapped
     * into {@code ps}; null when there is none or its value is damaged (then it is dropped).
     */
    private MapEntry<byte[], byte[]> lockedSwarm(FamilyMap fm, ExternalMapQueryContext<byte[], byte[], ?> c,
                                                 PackedSwarm ps, String what) throws InterruptedException {
        if (!c.writeLock().tryLock(REQUEST_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw failed(fm, what, new TimeoutException("segment lock not free within "
                    + REQUEST_LOCK_WAIT_MILLIS + " ms"));
        }
        MapEntry<byte[], byte[]> e = c.entry();
        if (e != null) {
            wrap(ps, e);
            if (!ps.valid()) {
                dropDamaged(fm, e);
                return null;
            }
        }
        return e;
    }

    /** A failure on the request path as the exception to throw: a refusal passes through, anything else is {@link #failed}. */
    private StoreUnavailableException refusal(FamilyMap fm, String what, Throwable e) {
        if (e instanceof StoreUnavailableException u) {
            return u;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return failed(fm, what, e);
    }

    /** One family's map, for tests that damage it. */
    FamilyMap familyMap(Family f) {
        return maps[f.ordinal()];
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
        try (ExternalMapQueryContext<byte[], byte[], ?> c = fm.map.queryContext(s.key.of(op.infoHash, 0))) {
            MapEntry<byte[], byte[]> e = lockedSwarm(fm, c, ps, "an announce");
            if (e == null) {
                announceNew(op, fm, c, s, ps, now, out);
            } else {
                announceExisting(op, fm, c, s, ps, now, out);
            }
        } catch (InterruptedException | RuntimeException | InternalError e) { // lock timeout, damaged map, a fault of the mapped file
            throw refusal(fm, "an announce", e);
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
        if (op.event == AnnounceEvent.PAUSED) { // not listed: no swarm is made for it
            out.finish(Outcome.OK, 0, 0, 0);
            return;
        }
        if (!op.createSwarm) {
            out.finish(Outcome.TOO_MANY_SWARMS, 0, 0, 0);
            return;
        }
        if (!fm.reserve.mayGrow()) {
            warnNoReserve(fm);
            throw new StoreUnavailableException("swarm store " + fm.file.getFileName()
                    + ": no disk space reserved for a new swarm");
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
        long fp = completed ? completions.fingerprint(op) : 0;
        boolean counts = completed && !completions.counted(fp);
        ps.wrap(staging, 0, size);
        ps.init(now, counts ? 1 : 0);
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
        if (counts) {
            completions.remember(fp);
        }
        (op.seeder ? fm.seeders : fm.leechers).increment();
        out.finish(Outcome.OK, op.seeder ? 1 : 0, op.seeder ? 0 : 1, counts ? 1 : 0);
        out.markCreated();
    }

    private void announceExisting(AnnounceOp op, FamilyMap fm, ExternalMapQueryContext<byte[], byte[], ?> c,
                                  Scratch s, PackedSwarm ps, int now, PeerSample out) {
        if (PeerMeta.wrapDue(ps.oldestSec(), now)) {
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
                shrinkIfSlack(fm, c, c.entry(), ps, s);
            }
            out.finish(Outcome.REMOVED, ps.seeders(), ps.leechers(), ps.downloaded());
            return;
        }
        if (op.event == AnnounceEvent.PAUSED) { // BEP 21: given peers, neither listed nor counted
            if (self >= 0) {
                (ps.seederAt(self) ? fm.seeders : fm.leechers).decrement();
                ps.remove(self);
                ps.touch(now);
                shrinkIfSlack(fm, c, c.entry(), ps, s);
            }
            int leechers = ps.leechers();
            int want = Math.min(Math.max(op.numWant, 0), out.maxPeers());
            out.count(ps.sample(0, op.seeder ? leechers : leechers + ps.seeders(), -1, want, now, timeoutSec,
                    out.buffer()));
            out.finish(Outcome.OK, ps.seeders(), leechers, ps.downloaded());
            return;
        }
        boolean completed = op.event == AnnounceEvent.COMPLETED;
        if (self >= 0) {
            int meta = ps.meta(self);
            boolean counted = PeerMeta.counted(meta);
            if (completed && !counted) {
                counted = true;
                if (firstCompletion(op)) {
                    ps.downloaded(ps.downloaded() + 1);
                }
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
            if (completed && firstCompletion(op)) {
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

    /**
     * Whether a {@code completed} of the requesting peer counts: not if one was counted for it before it last left
     * the swarm (see {@link CompletionMemory}); remembers it. Called under the swarm's segment lock.
     */
    private boolean firstCompletion(AnnounceOp op) {
        long fp = completions.fingerprint(op);
        if (completions.counted(fp)) {
            return false;
        }
        completions.remember(fp);
        return true;
    }

    /** One query under the swarm's write lock: a range search for the address in each region, then one shift. */
    @Override
    public int stopByAddress(AnnounceOp op, long nowMillis, PeerSample out) {
        checkOpen();
        Family family = op.family;
        if (family == null) {
            throw new IllegalArgumentException("AnnounceOp needs a family");
        }
        FamilyMap fm = maps[family.ordinal()];
        Scratch s = scratch.get();
        PackedSwarm ps = s.swarms[family.ordinal()];
        int now = PeerMeta.seconds(nowMillis);
        out.begin(family);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = fm.map.queryContext(s.key.of(op.infoHash, 0))) {
            MapEntry<byte[], byte[]> e = lockedSwarm(fm, c, ps, "a stop without a port");
            if (e == null) {
                out.finish(Outcome.REMOVED, 0, 0, 0);
                return 0;
            }
            if (PeerMeta.wrapDue(ps.oldestSec(), now)) {
                sweep(fm, ps, s, now);
            }
            int found = ps.countAddress(op.peer);
            if (found == 1) {
                int i = ps.addressAt();
                (ps.seederAt(i) ? fm.seeders : fm.leechers).decrement();
                ps.remove(i);
                ps.touch(now);
                shrinkIfSlack(fm, c, c.entry(), ps, s);
            }
            out.finish(Outcome.REMOVED, ps.seeders(), ps.leechers(), ps.downloaded());
            return found;
        } catch (InterruptedException | RuntimeException | InternalError e) { // lock timeout, damaged map, a fault of the mapped file
            throw refusal(fm, "a stop without a port", e);
        }
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
        if (!fm.reserve.mayGrow()) {
            // Refused, not SWARM_FULL: a full-swarm answer would tell the client it was listed when it was not.
            warnNoReserve(fm);
            throw new StoreUnavailableException("swarm store " + fm.file.getFileName()
                    + ": no disk space reserved for a bigger swarm");
        }
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

    /**
     * Reallocates the value smaller if it has much more room than peers (and disk space is reserved: a
     * reallocation may take a new tier).
     */
    private static void shrinkIfSlack(FamilyMap fm, MapContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e,
                                      PackedSwarm ps, Scratch s) {
        SwarmLayout layout = ps.layout();
        int n = ps.count();
        int target = layout.shrunkCapacity(ps.capacity(), n);
        if (target >= ps.capacity() || !fm.reserve.mayGrow()) {
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

    /** The ERROR for refused growth, at most once a minute (the sweeper tops the reserve up when it can). */
    private void warnNoReserve(FamilyMap fm) {
        long now = System.currentTimeMillis();
        if (now - lastReserveLog >= WARN_EVERY_MILLIS) {
            lastReserveLog = now;
            String why = fm.reserve.lastFailure();
            LOG.error("swarm store {}: no disk space is reserved for growth ({}); new swarms, and new peers of swarms"
                    + " that would have to grow, are refused with \"tracker storage unavailable\" until space is freed."
                    + " Free disk space on that filesystem. (logged at most once a minute)", fm.file,
                    why != null ? why : "the reserve is being refilled");
        }
    }

    @Override
    public void scrape(byte[] infoHash, int off, long nowMillis, ScrapeHolder out) {
        checkOpen();
        Objects.checkFromIndexSize(off, SwarmLayout.KEY_BYTES, infoHash.length);
        out.clear();
        Scratch s = scratch.get();
        s.key.of(infoHash, off);
        for (FamilyMap fm : maps) {
            if (fm.swarms.get() == 0) {
                continue; // the counter goes up before a swarm is inserted: zero means there is none to find
            }
            try (ExternalMapQueryContext<byte[], byte[], ?> c = fm.map.queryContext(s.key)) {
                if (!c.readLock().tryLock(REQUEST_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw failed(fm, "a scrape", new TimeoutException("segment lock not free within "
                            + REQUEST_LOCK_WAIT_MILLIS + " ms"));
                }
                MapEntry<byte[], byte[]> e = c.entry();
                if (e != null) {
                    PackedSwarm ps = s.swarms[fm.family.ordinal()];
                    wrap(ps, e);
                    if (ps.valid()) {
                        out.add(ps.seeders(), ps.leechers(), ps.downloaded());
                    }
                }
            } catch (InterruptedException | RuntimeException | InternalError e) { // lock timeout, damaged map, a fault of the mapped file
                throw refusal(fm, "a scrape", e);
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
            } catch (RuntimeException | InternalError e) {
                throw failed(fm, "the expiry sweep of segment " + segment, e);
            }
            String noReserve = files.topUpReserves();
            if (noReserve != null) {
                long now = System.currentTimeMillis();
                if (now - lastReserveLog >= WARN_EVERY_MILLIS) {
                    lastReserveLog = now;
                    LOG.error("swarm store: {}. New swarms and new peers of swarms that must grow are refused until space"
                            + " is freed; free disk space on that filesystem. (logged at most once a minute)", noReserve);
                }
            }
            if (cursor == 0) {
                files.recordGrowth();
            }
            return sweeper.removed;
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
            wrap(ps, e);
            if (ps.valid() && ps.count() > 0 && !PeerMeta.mayHoldExpired(ps.oldestSec(), now, timeoutSec)) {
                return; // every peer was seen within the timeout: nothing to do (the common case)
            }
            // The iteration holds the segment's update lock; slots are rewritten in place, so upgrade (Chronicle
            // downgrades it again after each entry, letting waiting requests in between swarms).
            ((SegmentLock) e.context()).writeLock().lock();
            if (!ps.valid()) {
                dropDamaged(fm, e);
                return;
            }
            removed += sweep(fm, ps, s, now);
            if (ps.count() == 0) {
                e.doRemove();
                fm.swarms.decrementAndGet();
            } else {
                shrinkIfSlack(fm, e.context(), e, ps, s);
            }
        }
    }

    /**
     * Walks segment by segment: copies a segment's keys and counts under its lock (a {@link TorrentBatch}), then,
     * with no lock held, adds the torrent's IPv6 counts (IPv4 pass) or skips torrents that have an IPv4 swarm
     * (IPv6 pass, they were visited with it), and calls the visitor.
     */
    @Override
    public void forEachTorrent(TorrentVisitor visitor) {
        checkOpen();
        TorrentBatch batch = new TorrentBatch();
        ScrapeHolder other = new ScrapeHolder();
        byte[] hash = new byte[SwarmLayout.KEY_BYTES];
        for (FamilyMap fm : maps) {
            boolean v4 = fm.family == Family.V4;
            FamilyMap otherMap = maps[v4 ? Family.V6.ordinal() : Family.V4.ordinal()];
            PackedSwarm ps = new PackedSwarm(fm.layout);
            for (int segment = 0; segment < fm.map.segments(); segment++) {
                batch.clear();
                synchronized (sweepLock) { // close() takes it too: the maps stay open while a segment is copied
                    checkOpen();
                    try (MapSegmentContext<byte[], byte[], ?> c = fm.map.segmentContext(segment)) {
                        c.forEachSegmentEntry(e -> {
                            wrap(ps, e);
                            if (ps.valid()) {
                                Data<byte[]> k = e.key();
                                batch.add(k.bytes(), k.offset(), ps.seeders(), ps.leechers(), ps.downloaded());
                            }
                        });
                    }
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.key(i, hash);
                    long seeders = batch.seeders(i);
                    long leechers = batch.leechers(i);
                    long downloaded = batch.downloaded(i);
                    boolean inOther = lookup(otherMap, hash, other);
                    if (!v4 && inOther) {
                        continue;
                    }
                    if (v4 && inOther) {
                        seeders += other.seeders();
                        leechers += other.leechers();
                        downloaded += other.downloaded();
                    }
                    if (!visitor.visit(hash, seeders, leechers, downloaded)) {
                        return;
                    }
                }
            }
        }
    }

    /** Reads the counts of one swarm of one family into {@code out}; false (and zeros) if there is none. */
    private boolean lookup(FamilyMap fm, byte[] hash, ScrapeHolder out) {
        out.clear();
        synchronized (sweepLock) {
            checkOpen();
            Scratch s = scratch.get();
            try (ExternalMapQueryContext<byte[], byte[], ?> c = fm.map.queryContext(s.key.of(hash, 0))) {
                c.readLock().lock();
                MapEntry<byte[], byte[]> e = c.entry();
                if (e == null) {
                    return false;
                }
                PackedSwarm ps = s.swarms[fm.family.ordinal()];
                wrap(ps, e);
                if (ps.valid()) {
                    out.add(ps.seeders(), ps.leechers(), ps.downloaded());
                }
                return true;
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
            files.close();
            Scratch s;
            while ((s = scratches.poll()) != null) {
                s.release();
            }
        }
    }
}

package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A plain-Java store on the heap: a concurrent map of swarms, each a hash map of peers plus a list for
 * sampling, guarded by the swarm's monitor. Nothing is persisted. It exists for tests and as an
 * independent reference for the off-heap store (it shares the contract, not the code); it allocates
 * per request and its heap grows with the number of peers.
 */
public final class HeapSwarmStore implements SwarmStore {
    /** Swarms examined per {@link #expireStep} call. */
    static final int SWARMS_PER_STEP = 256;

    private final SwarmStoreConfig config;
    private final int timeoutSec;
    private final Families[] families = {new Families(), new Families()};
    private final Object sweepLock = new Object();
    private final CompletionMemory completions = new CompletionMemory();
    private volatile boolean closed;
    private int sweepFamily;
    private Iterator<Map.Entry<Key, Swarm>> sweepCursor;

    private static final class Families {
        final ConcurrentHashMap<Key, Swarm> swarms = new ConcurrentHashMap<>();
        final AtomicLong swarmCount = new AtomicLong();
        final LongAdder seeders = new LongAdder();
        final LongAdder leechers = new LongAdder();
    }

    /** An info-hash or a compact peer, compared by content. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static final class Peer {
        final byte[] record;
        boolean seeder;
        boolean counted;
        int lastSeenSec;
        int index;

        Peer(byte[] record) {
            this.record = record;
        }
    }

    /** Guarded by its own monitor. {@code dead} once removed from the map. */
    private static final class Swarm {
        final Map<Key, Peer> byKey = new HashMap<>();
        final List<Peer> list = new ArrayList<>();
        long downloaded;
        int seeders;
        boolean dead;

        void add(Peer p) {
            p.index = list.size();
            list.add(p);
            byKey.put(new Key(p.record), p);
            seeders += p.seeder ? 1 : 0;
        }

        void remove(Peer p) {
            Peer last = list.remove(list.size() - 1);
            if (last != p) {
                list.set(p.index, last);
                last.index = p.index;
            }
            byKey.remove(new Key(p.record));
            seeders -= p.seeder ? 1 : 0;
        }

        int leechers() {
            return list.size() - seeders;
        }
    }

    public HeapSwarmStore(SwarmStoreConfig config) {
        this.config = config;
        this.timeoutSec = config.peerTimeoutSeconds();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the swarm store is closed");
        }
    }

    private boolean expired(Peer p, int now) {
        return now - p.lastSeenSec > timeoutSec;
    }

    @Override
    public void announce(AnnounceOp op, long nowMillis, PeerSample out) {
        checkOpen();
        if (op.family == null || op.event == null) {
            throw new IllegalArgumentException("AnnounceOp needs family and event (family=" + op.family + ", event="
                    + op.event + ")");
        }
        Families f = families[op.family.ordinal()];
        Key key = new Key(op.infoHash.clone());
        out.begin(op.family);
        while (true) {
            Swarm swarm = f.swarms.get(key);
            boolean created = false;
            if (swarm == null) {
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
                if (f.swarmCount.incrementAndGet() > config.maxSwarms()) {
                    f.swarmCount.decrementAndGet();
                    out.finish(Outcome.TOO_MANY_SWARMS, 0, 0, 0);
                    return;
                }
                Swarm fresh = new Swarm();
                swarm = f.swarms.putIfAbsent(key, fresh);
                if (swarm == null) {
                    swarm = fresh;
                    created = true;
                } else {
                    f.swarmCount.decrementAndGet();
                }
            }
            synchronized (swarm) {
                if (!swarm.dead) {
                    announce(op, f, swarm, PeerMeta.seconds(nowMillis), out);
                    if (created) {
                        out.markCreated();
                    }
                    return;
                }
            }
        }
    }

    private void announce(AnnounceOp op, Families f, Swarm swarm, int now, PeerSample out) {
        byte[] record = Arrays.copyOf(op.peer, op.family.recordLength());
        Peer self = swarm.byKey.get(new Key(record));
        if (op.event == AnnounceEvent.STOPPED) {
            if (self != null) {
                swarm.remove(self);
                (self.seeder ? f.seeders : f.leechers).decrement();
            }
            out.finish(Outcome.REMOVED, swarm.seeders, swarm.leechers(), swarm.downloaded);
            return;
        }
        if (op.event == AnnounceEvent.PAUSED) { // BEP 21: given peers, neither listed nor counted
            if (self != null) {
                swarm.remove(self);
                (self.seeder ? f.seeders : f.leechers).decrement();
            }
            sample(swarm, null, op, now, out);
            out.finish(Outcome.OK, swarm.seeders, swarm.leechers(), swarm.downloaded);
            return;
        }
        boolean completed = op.event == AnnounceEvent.COMPLETED;
        Outcome outcome = Outcome.OK;
        if (self == null) {
            if (swarm.list.size() >= config.maxPeersPerSwarm()) {
                outcome = Outcome.SWARM_FULL;
            } else {
                self = new Peer(record);
                self.seeder = op.seeder;
                swarm.add(self);
                (op.seeder ? f.seeders : f.leechers).increment();
            }
        } else if (self.seeder != op.seeder) {
            (self.seeder ? f.seeders : f.leechers).decrement();
            (op.seeder ? f.seeders : f.leechers).increment();
            swarm.seeders += op.seeder ? 1 : -1;
            self.seeder = op.seeder;
        }
        if (self != null) {
            self.lastSeenSec = now;
            if (completed && !self.counted) {
                self.counted = true;
                long fp = completions.fingerprint(op);
                if (!completions.counted(fp)) {
                    completions.remember(fp);
                    swarm.downloaded++;
                }
            }
        }
        sample(swarm, self, op, now, out);
        out.finish(outcome, swarm.seeders, swarm.leechers(), swarm.downloaded);
    }

    /** A linear scan of the swarm's peers for the address (this store is the reference, not the fast path). */
    @Override
    public int stopByAddress(AnnounceOp op, long nowMillis, PeerSample out) {
        checkOpen();
        if (op.family == null) {
            throw new IllegalArgumentException("AnnounceOp needs a family");
        }
        Families f = families[op.family.ordinal()];
        out.begin(op.family);
        Swarm swarm = f.swarms.get(new Key(op.infoHash.clone()));
        if (swarm == null) {
            out.finish(Outcome.REMOVED, 0, 0, 0);
            return 0;
        }
        synchronized (swarm) {
            int found = 0;
            Peer only = null;
            int addressLength = op.family.addressLength();
            if (!swarm.dead) {
                for (Peer p : swarm.list) {
                    if (Arrays.equals(p.record, 0, addressLength, op.peer, 0, addressLength)) {
                        found++;
                        only = p;
                    }
                }
            }
            if (found == 1) {
                swarm.remove(only);
                (only.seeder ? f.seeders : f.leechers).decrement();
            }
            out.finish(Outcome.REMOVED, swarm.seeders, swarm.leechers(), swarm.downloaded);
            return found;
        }
    }

    /** Partial Fisher-Yates shuffle over the eligible peers. */
    private void sample(Swarm swarm, Peer self, AnnounceOp op, int now, PeerSample out) {
        int want = Math.min(Math.max(op.numWant, 0), out.maxPeers());
        if (want == 0) {
            return;
        }
        List<Peer> eligible = new ArrayList<>();
        for (Peer p : swarm.list) {
            if (p != self && !expired(p, now) && !(op.seeder && p.seeder)) {
                eligible.add(p);
            }
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int n = Math.min(want, eligible.size());
        for (int i = 0; i < n; i++) {
            int j = i + rnd.nextInt(eligible.size() - i);
            Peer pick = eligible.get(j);
            eligible.set(j, eligible.get(i));
            out.add(pick.record, 0);
        }
    }

    @Override
    public void scrape(byte[] infoHash, int off, long nowMillis, ScrapeHolder out) {
        checkOpen();
        Objects.checkFromIndexSize(off, 20, infoHash.length);
        out.clear();
        Key key = new Key(Arrays.copyOfRange(infoHash, off, off + 20));
        for (Families f : families) {
            Swarm swarm = f.swarms.get(key);
            if (swarm != null) {
                synchronized (swarm) {
                    if (!swarm.dead) {
                        out.add(swarm.seeders, swarm.leechers(), swarm.downloaded);
                    }
                }
            }
        }
    }

    @Override
    public int expireStep(long nowMillis) {
        synchronized (sweepLock) {
            checkOpen();
            int now = PeerMeta.seconds(nowMillis);
            int removed = 0;
            int visited = 0;
            int switches = 0;
            while (visited < SWARMS_PER_STEP) {
                if (sweepCursor == null || !sweepCursor.hasNext()) {
                    if (++switches > families.length) {
                        break;
                    }
                    sweepFamily = sweepCursor == null ? 0 : (sweepFamily + 1) % families.length;
                    sweepCursor = families[sweepFamily].swarms.entrySet().iterator();
                    continue;
                }
                Map.Entry<Key, Swarm> e = sweepCursor.next();
                removed += sweep(families[sweepFamily], e.getKey(), e.getValue(), now);
                visited++;
            }
            return removed;
        }
    }

    private int sweep(Families f, Key key, Swarm swarm, int now) {
        synchronized (swarm) {
            if (swarm.dead) {
                return 0;
            }
            int removed = 0;
            for (int i = swarm.list.size() - 1; i >= 0; i--) {
                Peer p = swarm.list.get(i);
                if (expired(p, now)) {
                    swarm.remove(p);
                    (p.seeder ? f.seeders : f.leechers).decrement();
                    removed++;
                }
            }
            if (swarm.list.isEmpty()) {
                swarm.dead = true;
                f.swarms.remove(key, swarm);
                f.swarmCount.decrementAndGet();
            }
            return removed;
        }
    }

    @Override
    public void forEachTorrent(TorrentVisitor visitor) {
        checkOpen();
        byte[] hash = new byte[20];
        long[] counts = new long[3];
        for (int family = 0; family < families.length; family++) {
            for (Map.Entry<Key, Swarm> e : families[family].swarms.entrySet()) {
                checkOpen();
                Key key = e.getKey();
                boolean listedWithV4 = family > 0 && families[0].swarms.containsKey(key);
                if (listedWithV4 || !read(e.getValue(), counts, true)) {
                    continue;
                }
                for (int other = family + 1; other < families.length; other++) {
                    Swarm s = families[other].swarms.get(key);
                    if (s != null) {
                        read(s, counts, false);
                    }
                }
                System.arraycopy(key.bytes(), 0, hash, 0, 20);
                if (!visitor.visit(hash, counts[0], counts[1], counts[2])) {
                    return;
                }
            }
        }
    }

    /** Sets ({@code first}) or adds the swarm's seeders, leechers, downloads; false if it was removed meanwhile. */
    private static boolean read(Swarm swarm, long[] counts, boolean first) {
        synchronized (swarm) {
            if (swarm.dead) {
                return false;
            }
            if (first) {
                counts[0] = 0;
                counts[1] = 0;
                counts[2] = 0;
            }
            counts[0] += swarm.seeders;
            counts[1] += swarm.leechers();
            counts[2] += swarm.downloaded;
            return true;
        }
    }

    @Override
    public int expireSlices() {
        return (int) (stats().swarms() / SWARMS_PER_STEP) + 2;
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(stats(families[0]), stats(families[1]));
    }

    private static StoreStats.FamilyStats stats(Families f) {
        return new StoreStats.FamilyStats(f.swarmCount.get(), f.seeders.sum(), f.leechers.sum());
    }

    @Override
    public void close() {
        closed = true;
    }
}

package dev.swarm.tracker.swarm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * Reusable flyweight over one swarm value (layout in {@link SwarmLayout}) in off-heap memory: lookup,
 * insert, remove, region moves, sweep and sampling, all in place and allocation-free. The caller holds
 * the entry's lock (the write lock for anything that writes) and keeps the capacity sufficient.
 *
 * <p>Slots are read and written with native-order (little-endian) 8-, 4- and 2-byte accesses; peer
 * keys are compared as big-endian numbers, i.e. by address bytes, then port.
 */
final class PackedSwarm {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final SwarmLayout layout;
    private final int slot;
    private final int record;
    private final boolean v4;

    private BytesStore<?, ?> bs;
    private long base;
    private int capacity;

    /** Requester key: IPv4 address+port as a 48-bit number, or the IPv6 address as two longs and the port. */
    private long keyHi;
    private long keyLo;
    private int keyPort;
    /** Scratch of {@link #sweep}: the largest age kept. */
    private int maxAge;
    /** Result of {@link #countAddress}: the first peer of the address, or -1. */
    private int addressAt;

    PackedSwarm(SwarmLayout layout) {
        this.layout = layout;
        this.slot = layout.slot;
        this.record = layout.record;
        this.v4 = layout.family == Family.V4;
    }

    SwarmLayout layout() {
        return layout;
    }

    PackedSwarm wrap(BytesStore<?, ?> store, long offset, long size) {
        bs = store;
        base = offset;
        capacity = size < SwarmLayout.HEADER ? -1 : (int) Math.min(Integer.MAX_VALUE, (size - SwarmLayout.HEADER) / slot);
        return this;
    }

    /** The header's counts fit the value's size. */
    boolean valid() {
        if (capacity < 0) {
            return false;
        }
        int l = leechers();
        int s = seeders();
        return l >= 0 && s >= 0 && (long) l + s <= capacity;
    }

    /** Every region is strictly ascending and every seeder bit matches its region. */
    boolean ordered() {
        int l = leechers();
        int n = l + seeders();
        for (int i = 0; i < n; i++) {
            if (PeerMeta.seeder(meta(i)) != (i >= l)) {
                return false;
            }
            if (i > 0 && i != l && compareSlots(i - 1, i) >= 0) {
                return false;
            }
        }
        return true;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Makes an unordered value (left by a crash in the middle of a write) ordered again, dropping only
     * duplicates: every counted slot goes to the region its seeder bit names (not the one its position
     * names: a crash in a shift across the region boundary leaves a peer on the wrong side), each region is
     * sorted, and of equal peers in a region one is kept. The write paths keep every stored peer within the
     * counted slots at every moment, so nothing but a duplicate (or a peer torn by the interrupted write) is
     * dropped. Needs {@link #valid()}.
     *
     * @return peers dropped
     */
    int repair() {
        int n = count();
        byte[][] slots = new byte[n][];
        for (int i = 0; i < n; i++) {
            slots[i] = new byte[slot];
            bs.read(slotAt(i), slots[i], 0, slot);
        }
        java.util.Arrays.sort(slots, (a, b) -> {
            boolean sa = PeerMeta.seeder(metaOf(a));
            boolean sb = PeerMeta.seeder(metaOf(b));
            if (sa != sb) {
                return sa ? 1 : -1;
            }
            return java.util.Arrays.compareUnsigned(a, 0, record, b, 0, record);
        });
        int leechers = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            boolean seeder = PeerMeta.seeder(metaOf(slots[i]));
            if (kept > 0 && PeerMeta.seeder(metaOf(slots[kept - 1])) == seeder
                    && java.util.Arrays.equals(slots[kept - 1], 0, record, slots[i], 0, record)) {
                continue;
            }
            slots[kept++] = slots[i];
            if (!seeder) {
                leechers++;
            }
        }
        for (int i = 0; i < kept; i++) {
            bs.write(slotAt(i), slots[i], 0, slot);
        }
        counts(leechers, kept - leechers);
        return n - kept;
    }

    /** The meta word of a slot copied to the heap (native order: little-endian). */
    private int metaOf(byte[] copy) {
        return (copy[record] & 0xFF) | (copy[record + 1] & 0xFF) << 8;
    }

    int refSec() {
        return bs.readInt(base + SwarmLayout.REF_SEC);
    }

    void refSec(int sec) {
        bs.writeInt(base + SwarmLayout.REF_SEC, sec);
    }

    int oldestSec() {
        return bs.readInt(base + SwarmLayout.OLDEST_SEC);
    }

    long downloaded() {
        return bs.readLong(base + SwarmLayout.DOWNLOADED);
    }

    void downloaded(long d) {
        bs.writeLong(base + SwarmLayout.DOWNLOADED, d);
    }

    int leechers() {
        return bs.readInt(base + SwarmLayout.LEECHERS);
    }

    int seeders() {
        return bs.readInt(base + SwarmLayout.SEEDERS);
    }

    int count() {
        return leechers() + seeders();
    }

    /** Writes both counts with one 8-byte store (they are adjacent ints): a crash leaves the old pair or the new one. */
    private void counts(int leechers, int seeders) {
        bs.writeLong(base + SwarmLayout.LEECHERS, leechers & 0xFFFFFFFFL | (long) seeders << 32);
    }

    /** Writes a fresh header: no peers, both times {@code nowSec}. */
    void init(int nowSec, long downloaded) {
        bs.writeInt(base + SwarmLayout.REF_SEC, nowSec);
        bs.writeInt(base + SwarmLayout.OLDEST_SEC, nowSec);
        downloaded(downloaded);
        counts(0, 0);
    }

    /** Records a write at {@code nowSec}: the reference second moves forward, the oldest second back if the clock did. */
    void touch(int nowSec) {
        if (nowSec - refSec() > 0) {
            refSec(nowSec);
        }
        if (nowSec - oldestSec() < 0) {
            bs.writeInt(base + SwarmLayout.OLDEST_SEC, nowSec);
        }
    }

    /** Sets the key that {@link #find}, {@link #insert} and the region moves look for. */
    void key(byte[] peer) {
        if (v4) {
            keyHi = (peer[0] & 0xFFL) << 40 | (peer[1] & 0xFFL) << 32 | (peer[2] & 0xFFL) << 24
                    | (peer[3] & 0xFFL) << 16 | (peer[4] & 0xFFL) << 8 | (peer[5] & 0xFFL);
        } else {
            keyHi = (long) LONG_BE.get(peer, 0);
            keyLo = (long) LONG_BE.get(peer, 8);
            keyPort = (peer[16] & 0xFF) << 8 | (peer[17] & 0xFF);
        }
    }

    private long slotAt(int i) {
        return base + SwarmLayout.HEADER + (long) i * slot;
    }

    int meta(int i) {
        return bs.readShort(slotAt(i) + record) & 0xFFFF;
    }

    void meta(int i, int meta) {
        bs.writeShort(slotAt(i) + record, (short) meta);
    }

    boolean seederAt(int i) {
        return i >= leechers();
    }

    /** Sign of (key of slot i) - (requester key). */
    private int compareToKey(int i) {
        long off = slotAt(i);
        if (v4) {
            return Long.compare(Long.reverseBytes(bs.readLong(off)) >>> 16, keyHi);
        }
        int c = Long.compareUnsigned(Long.reverseBytes(bs.readLong(off)), keyHi);
        if (c == 0) {
            c = Long.compareUnsigned(Long.reverseBytes(bs.readLong(off + 8)), keyLo);
        }
        return c != 0 ? c : Integer.compare(Short.reverseBytes(bs.readShort(off + 16)) & 0xFFFF, keyPort);
    }

    private int compareSlots(int i, int j) {
        long a = slotAt(i);
        long b = slotAt(j);
        if (v4) {
            return Long.compare(Long.reverseBytes(bs.readLong(a)) >>> 16, Long.reverseBytes(bs.readLong(b)) >>> 16);
        }
        int c = Long.compareUnsigned(Long.reverseBytes(bs.readLong(a)), Long.reverseBytes(bs.readLong(b)));
        if (c == 0) {
            c = Long.compareUnsigned(Long.reverseBytes(bs.readLong(a + 8)), Long.reverseBytes(bs.readLong(b + 8)));
        }
        return c != 0 ? c : Integer.compare(Short.reverseBytes(bs.readShort(a + 16)) & 0xFFFF,
                Short.reverseBytes(bs.readShort(b + 16)) & 0xFFFF);
    }

    /** Binary search for the key in slots [lo, hi): its index, or {@code -(insertion point) - 1}. */
    private int search(int lo, int hi) {
        int low = lo;
        int high = hi - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = compareToKey(mid);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    /** Index of the key in either region (the announced one first), or -1. */
    int find(boolean seederFirst) {
        int l = leechers();
        int n = l + seeders();
        int i = seederFirst ? search(l, n) : search(0, l);
        if (i >= 0) {
            return i;
        }
        i = seederFirst ? search(0, l) : search(l, n);
        return i >= 0 ? i : -1;
    }

    /**
     * Counts the peers, in both regions, whose address is that of {@code peer} (its port ignored): each region is
     * sorted by address then port, so they are one range per region, found by two binary searches. Remembers the
     * first of them for {@link #addressAt()}. Sets the key.
     */
    int countAddress(byte[] peer) {
        key(peer);
        int l = leechers();
        int n = l + seeders();
        keyPort(0);
        int leechersFrom = lowerBound(0, l);
        int seedersFrom = lowerBound(l, n);
        keyPort(0xFFFF);
        int leechersTo = upperBound(0, l);
        int seedersTo = upperBound(l, n);
        addressAt = leechersTo > leechersFrom ? leechersFrom : seedersTo > seedersFrom ? seedersFrom : -1;
        return leechersTo - leechersFrom + seedersTo - seedersFrom;
    }

    /** Index of the first peer {@link #countAddress} found, or -1 when it found none. */
    int addressAt() {
        return addressAt;
    }

    /** Replaces the port of the key. */
    private void keyPort(int port) {
        if (v4) {
            keyHi = keyHi & ~0xFFFFL | port;
        } else {
            keyPort = port;
        }
    }

    /** First index in [lo, hi) whose slot is not below the key. */
    private int lowerBound(int lo, int hi) {
        int i = search(lo, hi);
        return i >= 0 ? i : -i - 1;
    }

    /** First index in [lo, hi) whose slot is above the key (keys are unique within a region). */
    private int upperBound(int lo, int hi) {
        int i = search(lo, hi);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /**
     * Moves {@code slots} slots from {@code from} to {@code to} one whole slot at a time, in the direction
     * that reads each slot before it is overwritten, so a crash at any moment leaves every slot either
     * whole or a duplicate of its neighbour (a byte-wise memmove of unaligned slots could leave a torn one).
     */
    private void shift(int from, int to, int slots) {
        if (slots <= 0 || from == to) {
            return;
        }
        if (to > from) {
            for (int k = slots - 1; k >= 0; k--) {
                copySlot(from + k, to + k);
            }
        } else {
            for (int k = 0; k < slots; k++) {
                copySlot(from + k, to + k);
            }
        }
    }

    private void writeSlot(int i, byte[] peer, int meta) {
        long off = slotAt(i);
        if (v4) { // one 8-byte store: a crash cannot leave the slot half written
            long v = (peer[0] & 0xFFL) | (peer[1] & 0xFFL) << 8 | (peer[2] & 0xFFL) << 16 | (peer[3] & 0xFFL) << 24
                    | (peer[4] & 0xFFL) << 32 | (peer[5] & 0xFFL) << 40 | (meta & 0xFFFFL) << 48;
            bs.writeLong(off, v);
            return;
        }
        bs.write(off, peer, 0, record);
        bs.writeShort(off + record, (short) meta);
    }

    /**
     * Inserts the requester (absent; capacity must allow) in its region; returns its index.
     *
     * <p>Crash-safe order: the last peer is first copied one slot further and the count raised to cover
     * the copy, so the shift below never pushes a peer past the counted slots; a crash in between leaves
     * duplicates and peers on the wrong side of the region boundary, which {@link #repair()} resolves
     * without losing any.
     */
    int insert(byte[] peer, int meta) {
        int l = leechers();
        int s = seeders();
        int n = l + s;
        boolean seeder = PeerMeta.seeder(meta);
        int pos = seeder ? -search(l, n) - 1 : -search(0, l) - 1;
        if (pos < n) {
            copySlot(n - 1, n);
            if (s > 0) {
                counts(l, s + 1);
            } else {
                counts(l + 1, s);
            }
            shift(pos, pos + 1, n - 1 - pos);
        }
        writeSlot(pos, peer, meta);
        counts(seeder ? l : l + 1, seeder ? s + 1 : s);
        return pos;
    }

    /** Removes slot i. */
    void remove(int i) {
        int l = leechers();
        int s = seeders();
        shift(i + 1, i, l + s - i - 1);
        counts(i < l ? l - 1 : l, i < l ? s : s - 1);
    }

    /** Moves the requester at slot i to the other region with a new meta word; returns its new index. */
    int switchRegion(int i, byte[] peer, int meta) {
        int l = leechers();
        int s = seeders();
        if (i < l) {
            int ins = -search(l, l + s) - 1;
            shift(i + 1, i, ins - i - 1);
            writeSlot(ins - 1, peer, meta);
            counts(l - 1, s + 1);
            return ins - 1;
        }
        int ins = -search(0, l) - 1;
        shift(ins, ins + 1, i - ins);
        writeSlot(ins, peer, meta);
        counts(l + 1, s - 1);
        return ins;
    }

    /**
     * Removes expired peers, keeping order, and records the exact oldest last-seen second of the rest.
     *
     * @param removedSeeders receives the number of seeders removed in element 0
     * @return peers removed
     */
    int sweep(int nowSec, int timeoutSec, int[] removedSeeders) {
        int ref = refSec();
        int l = leechers();
        int n = l + seeders();
        maxAge = 0;
        int kept = compact(0, l, 0, ref, nowSec, timeoutSec);
        int keptLeechers = kept;
        kept = compact(l, n, kept, ref, nowSec, timeoutSec);
        counts(keptLeechers, kept - keptLeechers);
        removedSeeders[0] = (n - l) - (kept - keptLeechers);
        if (nowSec - ref > 0) {
            refSec(nowSec);
        }
        bs.writeInt(base + SwarmLayout.OLDEST_SEC, nowSec - maxAge);
        return n - kept;
    }

    private int compact(int from, int to, int w, int ref, int nowSec, int timeoutSec) {
        for (int i = from; i < to; i++) {
            int age = PeerMeta.age(meta(i), ref, nowSec);
            if (age <= timeoutSec) {
                maxAge = Math.max(maxAge, age);
                if (w != i) {
                    copySlot(i, w);
                }
                w++;
            }
        }
        return w;
    }

    private void copySlot(int from, int to) {
        long src = slotAt(from);
        long dst = slotAt(to);
        bs.writeLong(dst, bs.readLong(src));
        if (!v4) {
            bs.writeLong(dst + 8, bs.readLong(src + 8));
            bs.writeInt(dst + 16, bs.readInt(src + 16));
        }
    }

    /**
     * Copies a random sample of up to {@code want} live peers from slots [lo, hi), leaving out slot
     * {@code self}, as compact records into {@code out} from offset 0; returns how many. Writes up to
     * {@link PeerSample#SLACK} bytes past the last record.
     *
     * <p>When there are more candidates than wanted, the candidates (self removed, rotated by a random
     * offset) are cut into {@code want} equal buckets and one random live peer is taken from each: no
     * duplicates, every peer has a chance, and the cost is O(want) unless whole buckets have expired.
     */
    int sample(int lo, int hi, int self, int want, int nowSec, int timeoutSec, byte[] out) {
        int ref = refSec();
        int selfRel = self >= lo && self < hi ? self - lo : -1;
        int n = hi - lo - (selfRel >= 0 ? 1 : 0);
        if (want <= 0 || n <= 0) {
            return 0;
        }
        int got = 0;
        if (n <= want) {
            for (int i = lo; i < hi; i++) {
                if (i != self && copyIfLive(i, out, got * record, ref, nowSec, timeoutSec)) {
                    got++;
                }
            }
            return got;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int rotate = rnd.nextInt(n);
        for (int k = 0; k < want; k++) {
            int start = (int) ((long) k * n / want);
            int size = (int) ((long) (k + 1) * n / want) - start;
            int first = rnd.nextInt(size);
            for (int t = 0; t < size; t++) {
                int v = first + t;
                if (v >= size) {
                    v -= size;
                }
                int virt = start + v + rotate;
                if (virt >= n) {
                    virt -= n;
                }
                int phys = lo + (selfRel >= 0 && virt >= selfRel ? virt + 1 : virt);
                if (copyIfLive(phys, out, got * record, ref, nowSec, timeoutSec)) {
                    got++;
                    break;
                }
            }
        }
        return got;
    }

    private boolean copyIfLive(int i, byte[] out, int pos, int ref, int nowSec, int timeoutSec) {
        long off = slotAt(i);
        if (v4) {
            long v = bs.readLong(off);
            if (PeerMeta.expired((int) (v >>> 48), ref, nowSec, timeoutSec)) {
                return false;
            }
            LONG.set(out, pos, v);
            return true;
        }
        int tail = bs.readInt(off + 16);
        if (PeerMeta.expired(tail >>> 16, ref, nowSec, timeoutSec)) {
            return false;
        }
        LONG.set(out, pos, bs.readLong(off));
        LONG.set(out, pos + 8, bs.readLong(off + 8));
        SHORT.set(out, pos + 16, (short) tail);
        return true;
    }
}

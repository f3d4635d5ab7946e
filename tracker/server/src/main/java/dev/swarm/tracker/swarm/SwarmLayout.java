package dev.swarm.tracker.swarm;

/**
 * Byte layout of one swarm in the off-heap map, and the arithmetic of its size in Chronicle chunks.
 *
 * <p>Entry = 20-byte key (the info-hash; constant size, so no size prefix) + stop-bit value size
 * (1-3 bytes) + value; no checksum, no alignment. The entry occupies whole chunks, so the value is
 * always as large as its chunks allow: the free tail of the last chunk becomes peer capacity instead
 * of waste.
 *
 * <pre>
 * value:  header (24 bytes, native byte order)
 *           0  int   reference second: time of the latest write (decodes peer stamps, see PeerMeta)
 *           4  int   oldest second: no stored peer was last seen before it (exact after a sweep,
 *                    a lower bound in between, since peers only get younger)
 *           8  long  downloads counted
 *          16  int   leechers L
 *          20  int   seeders S
 *         slots [0, L) leechers, [L, L+S) seeders, each region sorted by address+port, then free capacity
 * slot:   compact peer (address, big-endian port: 6 or 18 bytes) + meta (2 bytes, native order) = 8 or 20
 * </pre>
 */
final class SwarmLayout {
    static final int KEY_BYTES = 20;
    static final int HEADER = 24;
    static final int REF_SEC = 0;
    static final int OLDEST_SEC = 4;
    static final int DOWNLOADED = 8;
    static final int LEECHERS = 16;
    static final int SEEDERS = 20;

    final Family family;
    /** Compact peer bytes: 6 or 18. */
    final int record;
    /** Stored bytes per peer: record + meta. */
    final int slot;
    final int chunkSize;
    final int maxPeers;

    SwarmLayout(Family family, int chunkSize, int maxPeers) {
        this.family = family;
        this.record = family.recordLength();
        this.slot = record + 2;
        this.chunkSize = chunkSize;
        this.maxPeers = maxPeers;
    }

    /** Chunk size per family: small enough that the half-chunk lost per entry stays below one peer's bytes. */
    static int chunkSizeFor(Family family) {
        return family == Family.V4 ? 32 : 64;
    }

    static int sizePrefixBytes(long size) {
        int n = 1;
        while (size >= 0x80) {
            size >>>= 7;
            n++;
        }
        return n;
    }

    long valueSize(int capacity) {
        return HEADER + (long) capacity * slot;
    }

    long entryBytes(int capacity) {
        long v = valueSize(capacity);
        return KEY_BYTES + sizePrefixBytes(v) + v;
    }

    int chunksFor(int capacity) {
        return (int) ((entryBytes(capacity) + chunkSize - 1) / chunkSize);
    }

    /** The largest capacity (at most maxPeers) whose entry fits in {@code chunks} chunks. */
    int capacityOf(int chunks) {
        long avail = (long) chunks * chunkSize - KEY_BYTES - HEADER;
        long best = 0;
        for (int prefix = 1; prefix <= 4; prefix++) {
            long cap = (avail - prefix) / slot;
            if (cap >= 0 && sizePrefixBytes(HEADER + cap * slot) <= prefix) {
                best = Math.max(best, cap);
            }
        }
        return (int) Math.min(best, maxPeers);
    }

    /** Capacity to grow to when {@code needed} peers do not fit in {@code current}: at least one chunk or 1/8 more. */
    int grownCapacity(int current, int needed) {
        int chunks = chunksFor(current);
        int target = Math.max(chunksFor(needed), chunks + Math.max(1, chunks / 8));
        return Math.max(needed, capacityOf(target));
    }

    /**
     * Capacity to shrink to for {@code count} peers, or {@code current} if the slack is small (at most a
     * quarter of the needed chunks, at least one chunk): grown and shrunk sizes differ enough that
     * a swarm hovering around one size does not reallocate on every join and leave.
     */
    int shrunkCapacity(int current, int count) {
        int need = chunksFor(count);
        if (chunksFor(current) <= need + Math.max(1, need / 4)) {
            return current;
        }
        return Math.max(count, capacityOf(need + need / 16));
    }
}

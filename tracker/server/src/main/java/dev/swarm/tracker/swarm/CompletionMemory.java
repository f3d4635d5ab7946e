package dev.swarm.tracker.swarm;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which (swarm, peer) pairs have had a {@code completed} counted, remembered after the peer leaves the swarm, so that
 * a peer alternating {@code completed} and {@code stopped} counts one download, not one per cycle (a stored peer's own
 * "counted" flag goes with it on {@code stopped}).
 *
 * <p>Bounded: a fixed array of {@link #SLOTS} 64-bit fingerprints ({@link #BYTES} of heap) in sets of {@link #WAYS};
 * a completion whose set is full replaces one of its entries (picked by the fingerprint), which may then count once
 * more. With 4 ways a set overflows only when five of the remembered completions fall into it: for a few thousand of
 * them that is about never (direct-mapped, 1,200 already collided in most runs), and honest completions are far
 * fewer than the slots within the time a peer would take to repeat itself. The fingerprint is a
 * hash of (family, info-hash, compact peer) keyed with a per-process random seed, so nobody can aim collisions; a
 * collision (about 2^-64 per lookup) costs one uncounted download. Not persisted: after a restart a peer may count
 * once more.
 */
final class CompletionMemory {
    /** Fingerprints kept: 2^20. */
    static final int SLOTS = 1 << 20;
    /** Entries of a set. */
    static final int WAYS = 4;
    /** Heap taken by the table. */
    static final long BYTES = SLOTS * 8L;

    private final long seed = new SecureRandom().nextLong() | 1;
    private final AtomicLongArray fingerprints;
    private final int mask;

    CompletionMemory() {
        this(SLOTS);
    }

    /** @param slots a power of two, at least {@link #WAYS} */
    CompletionMemory(int slots) {
        if (Integer.bitCount(slots) != 1 || slots < WAYS) {
            throw new IllegalArgumentException("slots must be a power of two of at least " + WAYS + ": " + slots);
        }
        this.fingerprints = new AtomicLongArray(slots);
        this.mask = slots / WAYS - 1;
    }

    /** The fingerprint of the peer {@code op.peer} in the swarm of {@code op.infoHash} and {@code op.family}; never 0. */
    long fingerprint(AnnounceOp op) {
        long h = seed ^ op.family.ordinal();
        h = mix(h ^ longAt(op.infoHash, 0));
        h = mix(h ^ longAt(op.infoHash, 8));
        h = mix(h ^ (longAt(op.infoHash, 12) + 0x9E37_79B9_7F4A_7C15L));
        int len = op.family.recordLength();
        for (int off = 0; off < len; off += 8) {
            long v = 0;
            for (int i = off; i < Math.min(len, off + 8); i++) {
                v = v << 8 | (op.peer[i] & 0xFF);
            }
            h = mix(h ^ v ^ ((long) off << 56));
        }
        return h == 0 ? 1 : h;
    }

    private static long longAt(byte[] b, int off) {
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }

    private long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return (z ^ (z >>> 33)) + seed;
    }

    /** Whether a completion of the peer with fingerprint {@code fp} was counted before (and is still remembered). */
    boolean counted(long fp) {
        int base = setOf(fp);
        for (int i = 0; i < WAYS; i++) {
            if (fingerprints.get(base + i) == fp) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers that a completion of the peer with fingerprint {@code fp} was counted: in a free entry of its set, or
     * in place of one picked by the fingerprint when the set is full. Callers serialize calls for the same peer (the
     * swarm's lock); calls for other peers of the same set may race, and then at worst one of them is not remembered.
     */
    void remember(long fp) {
        int base = setOf(fp);
        for (int i = 0; i < WAYS; i++) {
            long v = fingerprints.get(base + i);
            if (v == fp || v == 0 && fingerprints.compareAndSet(base + i, 0, fp)) {
                return;
            }
        }
        fingerprints.set(base + (int) (fp >>> 62), fp);
    }

    private int setOf(long fp) {
        return ((int) (fp ^ (fp >>> 32)) & mask) * WAYS;
    }
}

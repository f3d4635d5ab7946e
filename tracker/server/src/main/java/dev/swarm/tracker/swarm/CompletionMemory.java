package dev.swarm.tracker.swarm;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which (swarm, peer) pairs have had a {@code completed} counted, remembered after the peer leaves the swarm, so that
 * a peer alternating {@code completed} and {@code stopped} counts one download, not one per cycle (a stored peer's own
 * "counted" flag goes with it on {@code stopped}).
 *
 * <p>Bounded: a fixed array of {@link #SLOTS} 64-bit fingerprints ({@link #BYTES} of heap), direct-mapped; a newer
 * completion whose fingerprint maps to a taken slot replaces the older one, which may then count once more. Honest
 * completions are far fewer than the slots within the time a peer would take to repeat itself. The fingerprint is a
 * hash of (family, info-hash, compact peer) keyed with a per-process random seed, so nobody can aim collisions; a
 * collision (about 2^-64 per lookup) costs one uncounted download. Not persisted: after a restart a peer may count
 * once more.
 */
final class CompletionMemory {
    /** Fingerprints kept: 2^20. */
    static final int SLOTS = 1 << 20;
    /** Heap taken by the table. */
    static final long BYTES = SLOTS * 8L;

    private final long seed = new SecureRandom().nextLong() | 1;
    private final AtomicLongArray fingerprints;
    private final int mask;

    CompletionMemory() {
        this(SLOTS);
    }

    /** @param slots a power of two */
    CompletionMemory(int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.fingerprints = new AtomicLongArray(slots);
        this.mask = slots - 1;
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
        return fingerprints.get(slotOf(fp)) == fp;
    }

    /** Remembers that a completion of the peer with fingerprint {@code fp} was counted. */
    void remember(long fp) {
        fingerprints.set(slotOf(fp), fp);
    }

    private int slotOf(long fp) {
        return (int) (fp ^ (fp >>> 32)) & mask;
    }
}

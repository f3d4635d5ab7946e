package dev.swarm.peerbridge.health;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * Swarm figures from the peers' bitfields. Pure functions, no state.
 *
 * <p>Availability is "distributed copies" as libtorrent ({@code piece_picker::distributed_copies})
 * and the encyclopedia define it: the number of peers holding the rarest piece, plus the fraction of
 * pieces held by more peers than that. One seed and two peers holding the same half of the pieces
 * make 1.5: the first half has three copies, the second one, so one full copy plus half of the
 * pieces beyond it. The bridge holds no pieces, so only the peers count.
 */
public final class Availability {
    /** Buckets of {@link #completionHistogram}: ten 10 % steps and one for complete peers. */
    public static final int HISTOGRAM_BUCKETS = 11;

    private Availability() {
    }

    /**
     * @param pieceCount the torrent's piece count, -1 (or any negative) when unknown
     * @param peers      each peer's pieces (bits beyond {@code pieceCount} are ignored)
     * @return the distributed copies, or null when the piece count is unknown or zero
     */
    public static Double distributedCopies(int pieceCount, Collection<BitSet> peers) {
        if (pieceCount <= 0) {
            return null;
        }
        int[] count = new int[pieceCount];
        for (BitSet p : peers) {
            for (int i = p.nextSetBit(0); i >= 0 && i < pieceCount; i = p.nextSetBit(i + 1)) {
                count[i]++;
            }
        }
        int min = Integer.MAX_VALUE;
        for (int c : count) {
            min = Math.min(min, c);
        }
        int above = 0;
        for (int c : count) {
            if (c > min) {
                above++;
            }
        }
        return min + (double) above / pieceCount;
    }

    /**
     * Peers by completion: bucket {@code k} (0..9) holds peers with [10k, 10k+10) % of the pieces,
     * bucket 10 the complete ones.
     *
     * @return 11 counts, or null when the piece count is unknown or zero
     */
    public static List<Integer> completionHistogram(int pieceCount, Collection<BitSet> peers) {
        if (pieceCount <= 0) {
            return null;
        }
        int[] buckets = new int[HISTOGRAM_BUCKETS];
        for (BitSet p : peers) {
            int have = p.get(0, pieceCount).cardinality();
            int bucket = have == pieceCount ? 10 : (int) Math.min(9, (long) have * 10 / pieceCount);
            buckets[bucket]++;
        }
        List<Integer> out = new ArrayList<>(HISTOGRAM_BUCKETS);
        for (int b : buckets) {
            out.add(b);
        }
        return out;
    }

    /** Peers holding every piece; null when the piece count is unknown or zero. */
    public static Integer seeds(int pieceCount, Collection<BitSet> peers) {
        if (pieceCount <= 0) {
            return null;
        }
        int n = 0;
        for (BitSet p : peers) {
            if (p.get(0, pieceCount).cardinality() == pieceCount) {
                n++;
            }
        }
        return n;
    }
}

package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilityTest {
    private static BitSet range(int from, int to) {
        BitSet b = new BitSet();
        b.set(from, to);
        return b;
    }

    @Test
    void oneSeedAndTwoPeersWithTheSameHalfMakeOneAndAHalf() {
        List<BitSet> peers = List.of(range(0, 100), range(0, 50), range(0, 50));
        assertEquals(1.5, Availability.distributedCopies(100, peers), 1e-9);
    }

    @Test
    void noPeersIsZeroAndOneSeedIsOne() {
        assertEquals(0.0, Availability.distributedCopies(10, List.of()), 1e-9);
        assertEquals(1.0, Availability.distributedCopies(10, List.of(range(0, 10))), 1e-9);
        assertEquals(2.0, Availability.distributedCopies(10, List.of(range(0, 10), range(0, 10))), 1e-9);
    }

    @Test
    void aMissingPieceGivesLessThanOneCopy() {
        // two peers together hold 9 of 10 pieces: the rarest piece has 0 copies, 9 of 10 pieces have more
        assertEquals(0.9, Availability.distributedCopies(10, List.of(range(0, 5), range(5, 9))), 1e-9);
    }

    @Test
    void complementaryHalvesMakeOneCopy() {
        assertEquals(1.0, Availability.distributedCopies(8, List.of(range(0, 4), range(4, 8))), 1e-9);
    }

    @Test
    void bitsBeyondThePieceCountAreIgnored() {
        assertEquals(1.0, Availability.distributedCopies(4, List.of(range(0, 8))), 1e-9);
        assertEquals(1, Availability.seeds(4, List.of(range(0, 8))));
    }

    @Test
    void unknownPieceCountGivesNullNotANumber() {
        List<BitSet> peers = List.of(range(0, 3));
        assertNull(Availability.distributedCopies(-1, peers));
        assertNull(Availability.completionHistogram(-1, peers));
        assertNull(Availability.seeds(-1, peers));
    }

    @Test
    void histogramBucketsByTenPercentAndCompleteApart() {
        List<Integer> h = Availability.completionHistogram(10,
                List.of(range(0, 10), range(0, 9), range(0, 0), range(0, 5), range(0, 1)));
        assertEquals(List.of(1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1), h);
        assertEquals(1, Availability.seeds(10, List.of(range(0, 10), range(0, 9))));
    }
}

package dev.swarm.tracker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The 14-bit peer timestamps of {@link PeerMeta}: packing, ages across the wrap, expiry. */
class SwarmTimestampsTest {

    @Test
    void flagsAndStampArePacked() {
        int m = PeerMeta.of(true, false, 0x12345);
        assertTrue(PeerMeta.seeder(m));
        assertFalse(PeerMeta.counted(m));
        assertEquals(0x12345 & PeerMeta.STAMP_MASK, m & PeerMeta.STAMP_MASK);
        assertTrue(PeerMeta.counted(PeerMeta.of(false, true, 7)));
    }

    @Test
    void agesAreExactAcrossTheWrap() {
        int ref = PeerMeta.WRAP * 1000 + 5;
        int stamped = ref - 10;
        int m = PeerMeta.of(false, false, stamped);
        assertEquals(10, PeerMeta.age(m, ref, ref));
        assertEquals(110, PeerMeta.age(m, ref, ref + 100));
        int beforeWrap = PeerMeta.of(false, false, PeerMeta.WRAP * 7 - 3);
        assertEquals(8, PeerMeta.age(beforeWrap, PeerMeta.WRAP * 7 + 5, PeerMeta.WRAP * 7 + 5), "stamp 16381, ref 5");
        assertEquals(PeerMeta.WRAP + 20, PeerMeta.age(m, ref, ref + PeerMeta.WRAP + 10), "the reference carries whole wraps");
    }

    @Test
    void aClockThatStepsBackGivesAgeZero() {
        int m = PeerMeta.of(true, true, 1000);
        assertEquals(0, PeerMeta.age(m, 1000, 990));
    }

    @Test
    void expiryIsNeverEarly() {
        int m = PeerMeta.of(false, false, 100);
        assertFalse(PeerMeta.expired(m, 100, 160, 60));
        assertTrue(PeerMeta.expired(m, 100, 161, 60));
    }

    @Test
    void secondsAreFlooredAndNegativeSafe() {
        assertEquals(1, PeerMeta.seconds(1999));
        assertEquals(-1, PeerMeta.seconds(-1));
    }

    @Test
    void aSweepIsDueLongBeforeStampsCouldBeAmbiguous() {
        assertFalse(PeerMeta.wrapDue(100, 100 + PeerMeta.WRAP / 2 - 1));
        assertTrue(PeerMeta.wrapDue(100, 100 + PeerMeta.WRAP / 2));
        int beforeOverflow = Integer.MAX_VALUE - 10;
        assertTrue(PeerMeta.wrapDue(beforeOverflow, beforeOverflow + PeerMeta.WRAP / 2), "in 2038 the int wraps; differences still work");
    }

    @Test
    void aSwarmWhoseOldestPeerIsWithinTheTimeoutHoldsNoExpiredPeer() {
        assertFalse(PeerMeta.mayHoldExpired(1000, 1060, 60));
        assertTrue(PeerMeta.mayHoldExpired(1000, 1061, 60));
    }
}

package dev.swarm.tracker.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One full scrape per address per interval, on a passed-in clock. */
class FullScrapeLimitTest {
    private static final byte[] A = {127, 0, 0, 2};
    private static final byte[] B = {127, 0, 0, 3};
    private static final byte[] V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    @Test
    void aSecondFullScrapeWithinTheIntervalIsRefusedWithTheWait() {
        FullScrapeLimit l = new FullScrapeLimit(1024, Duration.ofSeconds(60));
        long t = 1_000_000;
        assertEquals(0, l.acquire(A, t));
        assertEquals(60_000, l.acquire(A, t));
        assertEquals(15_000, l.acquire(A, t + 45_000));
        assertEquals(0, l.acquire(B, t + 1), "another address has its own");
        assertEquals(0, l.acquire(V6, t + 1), "IPv6 too");
        assertEquals(0, l.acquire(A, t + 60_000), "again after the interval");
        assertTrue(l.acquire(A, t + 60_001) > 0);
    }

    @Test
    void aCollidingAddressWaitsForTheSlotInsteadOfWashingTheLimitOut() {
        FullScrapeLimit l = new FullScrapeLimit(16, Duration.ofSeconds(10));
        long t = 5_000_000;
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (l.acquire(new byte[] {10, 0, 0, (byte) i}, t) == 0) {
                allowed++;
            }
        }
        assertTrue(allowed <= 16, "at most one per slot: " + allowed);
        for (int i = 0; i < 100; i++) {
            assertTrue(l.acquire(new byte[] {10, 0, 0, (byte) i}, t + 1) > 0, "every address waits: " + i);
        }
    }

    @Test
    void zeroIntervalMeansNoLimit() {
        FullScrapeLimit l = new FullScrapeLimit(16, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, l.acquire(A, 1000));
        }
    }
}

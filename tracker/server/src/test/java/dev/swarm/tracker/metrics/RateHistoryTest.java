package dev.swarm.tracker.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-minute counts from a running total, on a passed-in clock. */
class RateHistoryTest {
    private static final long T0 = 1_800_000_000_000L - 1_800_000_000_000L % 60_000; // a minute's start

    @Test
    void eachMinuteGetsWhatWasCountedInIt() {
        AtomicLong total = new AtomicLong(1000);
        RateHistory h = new RateHistory(total::get);
        h.sample(T0 + 5_000);
        total.addAndGet(7);
        h.sample(T0 + 59_999);
        total.addAndGet(3);
        h.sample(T0 + 60_000); // minute 1 starts: minute 0 had 10 (from its first sample on)
        total.addAndGet(5);
        h.sample(T0 + 120_001); // minute 2 starts: minute 1 had 5
        total.addAndGet(2);
        long[] hour = h.lastHour(T0 + 130_000);
        assertEquals(-1, hour[0], "before the first sample");
        assertEquals(-1, hour[57], "before the first sample");
        assertEquals(10, hour[58]);
        assertEquals(5, hour[59]);
        assertEquals(2, h.currentMinute(T0 + 130_000));
    }

    @Test
    void anHourLaterTheOldMinutesAreGoneAndUnsampledMinutesCountZero() {
        AtomicLong total = new AtomicLong();
        RateHistory h = new RateHistory(total::get);
        for (int m = 0; m < 90; m++) {
            h.sample(T0 + m * 60_000L);
            total.addAndGet(m);
        }
        long[] hour = h.lastHour(T0 + 90 * 60_000L);
        long[] expected = new long[60];
        Arrays.setAll(expected, i -> 30 + i);
        assertArrayEquals(expected, hour);
        // no sample for three minutes: their counts land in the last sampled minute, the others show 0
        total.addAndGet(40);
        long[] later = h.lastHour(T0 + 94 * 60_000L);
        assertEquals(89, later[55]);
        assertEquals(40, later[56], "minute 90, the last sampled one");
        assertEquals(0, later[57]);
        assertEquals(0, later[59]);
    }
}

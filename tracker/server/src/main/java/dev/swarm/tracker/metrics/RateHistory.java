package dev.swarm.tracker.metrics;

import java.util.function.LongSupplier;

/**
 * Counts per minute over the last hour, taken from a running total (e.g. the announce counters): the total is
 * sampled at each minute's start, and a minute's count is the difference to the next minute's sample. Someone must
 * call {@link #sample} at least once a minute (the HTTP frontend does every few seconds); a minute without a sample
 * is attributed to the last sampled minute. Time is passed in; thread-safe.
 */
public final class RateHistory {
    /** Minutes kept. */
    public static final int MINUTES = 60;
    private static final long MINUTE_MILLIS = 60_000;

    private final LongSupplier total;
    /** totalAt[m % (MINUTES + 1)]: the total at the start of minute m, for the last MINUTES + 1 minutes. */
    private final long[] totalAt = new long[MINUTES + 1];
    private long firstMinute = -1;
    private long lastMinute = -1;

    public RateHistory(LongSupplier total) {
        this.total = total;
    }

    /** Records the total if a new minute has begun since the last call. */
    public synchronized void sample(long nowMillis) {
        long m = Math.floorDiv(nowMillis, MINUTE_MILLIS);
        if (m <= lastMinute) {
            return;
        }
        long t = total.getAsLong();
        if (firstMinute < 0) {
            firstMinute = m;
        }
        for (long k = Math.max(lastMinute + 1, m - MINUTES); k <= m; k++) {
            totalAt[slot(k)] = t;
        }
        lastMinute = m;
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute, (long) (MINUTES + 1));
    }

    /**
     * The counts of the last {@link #MINUTES} whole minutes, oldest first (the current minute is not included);
     * -1 for a minute before the first sample.
     */
    public synchronized long[] lastHour(long nowMillis) {
        sample(nowMillis);
        long[] out = new long[MINUTES];
        long current = Math.floorDiv(nowMillis, MINUTE_MILLIS);
        for (int i = 0; i < MINUTES; i++) {
            long m = current - MINUTES + i;
            out[i] = firstMinute < 0 || m < firstMinute ? -1 : totalAt[slot(m + 1)] - totalAt[slot(m)];
        }
        return out;
    }

    /** The count so far in the current minute. */
    public synchronized long currentMinute(long nowMillis) {
        sample(nowMillis);
        return total.getAsLong() - totalAt[slot(Math.floorDiv(nowMillis, MINUTE_MILLIS))];
    }
}

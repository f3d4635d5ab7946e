package dev.swarm.tracker.cluster;

import java.util.Arrays;

/**
 * Replication lag of the changes applied here: from the origin node's clock reading when it accepted the change to
 * this node's when it applied it (so it includes the outbox, the publish, the stream and the applier; nodes'
 * clocks are assumed synchronised, e.g. by NTP). Keeps the last {@link #SIZE} samples for percentiles. Thread-safe.
 */
final class LagRecorder {
    static final int SIZE = 4096;
    private final long[] ring = new long[SIZE];
    private long count;
    private long last = -1;

    synchronized void record(long millis) {
        ring[(int) (count++ % SIZE)] = millis;
        last = millis;
    }

    /** The lag of the last applied change, or -1 when none was applied yet. */
    synchronized long last() {
        return last;
    }

    /** The {@code p}-th percentile (0 to 100) of the kept samples, or -1 when there are none. */
    synchronized long percentile(double p) {
        int n = (int) Math.min(count, SIZE);
        if (n == 0) {
            return -1;
        }
        long[] copy = Arrays.copyOf(ring, n);
        Arrays.sort(copy);
        int at = (int) Math.ceil(p / 100.0 * n) - 1;
        return copy[Math.max(0, Math.min(n - 1, at))];
    }

    synchronized long count() {
        return count;
    }
}

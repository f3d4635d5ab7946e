package dev.swarm.peerbridge.trackers;

import java.time.Duration;

/**
 * Retry delay after failed announces, libtorrent's formula: {@code 5 + 5 × 2.5 × fails²} seconds
 * (17, 55, 117, 205, ... s), capped at 60 minutes, and never shorter than a retry interval the
 * tracker itself asked for.
 */
public final class Backoff {
    /** libtorrent {@code tracker_retry_delay_min}. */
    public static final long MIN_SECONDS = 5;
    /** libtorrent {@code tracker_backoff} = 250 %. */
    public static final double RATIO = 2.5;
    /** libtorrent {@code tracker_retry_delay_max}. */
    public static final long MAX_SECONDS = 3600;

    private Backoff() {
    }

    /**
     * @param consecutiveFailures failures in a row, at least 1
     * @param trackerRetry        the retry interval the tracker asked for, or {@link Duration#ZERO}
     */
    public static Duration delay(int consecutiveFailures, Duration trackerRetry) {
        long f = Math.max(1, Math.min(consecutiveFailures, 1000));
        long seconds = Math.min(MAX_SECONDS, MIN_SECONDS + (long) (MIN_SECONDS * RATIO * f * f));
        return Duration.ofSeconds(Math.max(seconds, trackerRetry.toSeconds()));
    }
}

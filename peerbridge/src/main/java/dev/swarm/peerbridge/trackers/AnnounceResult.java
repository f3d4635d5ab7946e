package dev.swarm.peerbridge.trackers;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** The outcome of one announce: a valid response (the tracker is verified by it) or a failure. */
public sealed interface AnnounceResult {
    /** How long the announce took. */
    Duration latency();

    /**
     * A valid announce response: HTTP body bdecodes, has no {@code failure reason} and carries
     * {@code peers} or {@code peers6}; UDP: a BEP 15 announce reply to our transaction.
     *
     * @param interval    seconds until the next announce the tracker asks for
     * @param minInterval the tracker's {@code min interval} in seconds, 0 if none
     */
    record Success(List<InetSocketAddress> peers, int interval, int minInterval, long seeders, long leechers,
            Duration latency) implements AnnounceResult {
        public Success {
            peers = List.copyOf(peers);
        }
    }

    /**
     * No valid response: timeout, network error, HTTP status other than 200, undecodable body,
     * {@code failure reason}, UDP error packet.
     *
     * @param retryAfter a retry interval the tracker asked for, {@link Duration#ZERO} if none
     */
    record Failure(String reason, Duration retryAfter, Duration latency) implements AnnounceResult {
    }
}

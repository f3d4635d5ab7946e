package dev.swarm.protocol.client;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * An HTTP tracker's announce response as the client sees it; fields the tracker did not send are null.
 *
 * @param interval      seconds until the next regular announce
 * @param minInterval   {@code min interval}: seconds the client must wait at least
 * @param complete      seeders
 * @param incomplete    leechers
 * @param peers         peers from the compact {@code peers} string (BEP 23), the dictionary model
 *                      {@code peers} list (BEP 3, literal addresses only) and {@code peers6} (BEP 7);
 *                      immutable, empty if none
 * @param failureReason the tracker's {@code failure reason}: the announce failed; other fields may be null
 * @param warning       the tracker's {@code warning message}
 */
public record TrackerAnnounceResponse(Integer interval, Integer minInterval, Long complete, Long incomplete,
                                      List<InetSocketAddress> peers, String failureReason, String warning) {

    /** @throws NullPointerException if {@code peers} is null */
    public TrackerAnnounceResponse {
        peers = List.copyOf(peers);
    }

    /** Whether the tracker answered with a {@code failure reason}. */
    public boolean failed() {
        return failureReason != null;
    }
}

package dev.swarm.peerbridge.health;

/**
 * One point of a tracker's history: a single result (resolution {@code raw}) or a rollup of the
 * results in one minute or hour (the bucket's start in {@code atMillis}).
 *
 * @param atMillis         the result's time, or the bucket's start
 * @param resolution       {@code raw}, {@code minute} or {@code hour}
 * @param probes           probes in the point
 * @param probesOk         successful probes
 * @param announces        announces in the point
 * @param announcesOk      successful announces
 * @param uptime           probesOk / probes in percent, null without probes
 * @param latencyMillis    mean latency of the successful probes, null if none
 * @param seeders          last seeders reported in the point, null if none
 * @param leechers         last leechers reported, null if none
 * @param downloads        last downloads reported, null if none
 */
public record HistoryPoint(long atMillis, String resolution, int probes, int probesOk, int announces,
        int announcesOk, Double uptime, Double latencyMillis, Long seeders, Long leechers, Long downloads) {
}

package dev.swarm.peerbridge.health;

/**
 * One point of a torrent's history: a sample ({@code raw}) or the mean of the samples of a minute or an hour.
 *
 * @param atMillis       sample time or bucket start
 * @param resolution     {@code raw}, {@code minute} or {@code hour}
 * @param samples        samples in the point
 * @param peers          peers connected (mean in a rollup)
 * @param seeds          seeds by bitfield (mean), null when unknown
 * @param leechers       leechers by bitfield (mean), null when unknown
 * @param availability   distributed copies (mean; {@code minAvailability} the lowest), null when unknown
 * @param minAvailability lowest availability in the point, null when unknown
 */
public record TorrentPoint(long atMillis, String resolution, int samples, double peers, Double seeds,
        Double leechers, Double availability, Double minAvailability) {
}

package dev.swarm.peerbridge.health;

import java.util.List;

/**
 * The read model of the bridge's health monitor, for the API, the dashboard and the published
 * lists. Every method is safe to call from any thread and never blocks on the bridge's event loop.
 */
public interface HealthView {
    /** Every tracker the bridge knows, best (up, highest uptime) first. */
    List<TrackerHealth> trackers();

    /** One tracker, or null if unknown. */
    TrackerHealth tracker(String url);

    /** Every torrent's current swarm figures. */
    List<TorrentHealth> torrents();

    /** A tracker's history in [fromMillis, toMillis), at a resolution fitting the span (raw, minute, hour). */
    List<HistoryPoint> trackerHistory(String url, long fromMillis, long toMillis);

    /** A torrent's history in [fromMillis, toMillis), by hex info-hash. */
    List<TorrentPoint> torrentHistory(String infoHash, long fromMillis, long toMillis);

    /** The last {@code n} probe and announce results of a tracker, newest first, with their errors. */
    List<ProbeResult> responseLog(String url, int n);

    /** The last alerts, newest first. */
    List<Alert> alerts(int n);
}

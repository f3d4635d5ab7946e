package dev.swarm.peerbridge.health;

import java.util.List;

/**
 * Where probe and announce results and torrent samples are kept across restarts. Recording never
 * blocks the caller (the bridge's event loop): it queues, and the store commits in batches on its
 * own thread. Reads may be called from any thread.
 */
public interface HistoryStore extends AutoCloseable {
    /** Queues one probe or announce result. */
    void record(ProbeResult result);

    /** Queues one torrent sample. */
    void record(TorrentHealth sample);

    /** A tracker's history in [from, to): raw results for spans up to 2 h, minute rollups up to 3 days, else hourly. */
    List<HistoryPoint> trackerHistory(String url, long fromMillis, long toMillis);

    /** A torrent's history in [from, to), resolution chosen as for trackers. */
    List<TorrentPoint> torrentHistory(String infoHash, long fromMillis, long toMillis);

    /** The last {@code n} results of a tracker, newest first (probes and announces). */
    List<ProbeResult> recent(String url, int n);

    /** Percentage of successful probes of a tracker in [from, to), null if it was not probed then. */
    Double uptime(String url, long fromMillis, long toMillis);

    /** Every tracker URL with results in the store. */
    List<String> trackerUrls();

    /** Blocks (bounded) until everything recorded before the call is committed. */
    void flush();

    /** Results queued but dropped because the queue was full (the store fell behind). */
    long dropped();

    @Override
    void close();
}

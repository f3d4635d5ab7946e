package dev.swarm.peerbridge.web;

import java.util.List;

/** The JSON shapes of the web API that are not published lists (Jackson writes records as objects). */
public final class Views {
    private Views() {
    }

    /** Every 4xx/5xx answer of the API: one line saying what was wrong. */
    public record ApiError(String error) {
    }

    /**
     * {@code GET /api/health}: HTTP 200 when {@code status} is {@code ok} or {@code idle}, 503 when {@code down}.
     *
     * @param status           {@code ok}: the peer listener is open and at least one torrent has a working tracker
     *                         or a connected peer; {@code idle}: listener open, no torrent; {@code down}: otherwise
     * @param listening        the peer listener is bound and open
     * @param torrents         torrents the bridge is in
     * @param torrentsWorking  torrents with a verified tracker or a connected peer
     * @param reasons          why it is down (empty when not)
     */
    public record Health(String status, boolean listening, int torrents, int torrentsWorking, List<String> reasons) {
        public boolean up() {
            return !"down".equals(status);
        }
    }

    /** {@code POST /api/torrents} answered 201: the torrent added. */
    public record Added(String infoHash, String name, int trackers) {
    }

    /** {@code DELETE /api/torrents/{hash}} answered 200: the torrent is gone, {@code stopped} sent to its trackers. */
    public record Removed(String infoHash, boolean removed) {
    }

    /** {@code GET /api/dashboard}: everything the page shows, fetched every few seconds. */
    public record Dashboard(long nowMillis, Health health, List<TrackerRow> trackers, List<TorrentRow> torrents) {
    }

    /**
     * A tracker on the dashboard: its published row, its history and its response log.
     *
     * @param history series for uPlot: {@code [times (s), latency ms (null on failure), uptime % of the last 10]}
     * @param log     the last results, newest first
     */
    public record TrackerRow(PublishedTracker tracker, List<List<Number>> history, List<LogEntry> log) {
    }

    /** One announce result in a tracker's response log. */
    public record LogEntry(long timeMillis, String infoHash, boolean ok, long latencyMillis, int peers, long seeders,
            long leechers, String error) {
    }

    /**
     * A torrent on the dashboard.
     *
     * @param seeds      connected peers with a complete bitfield
     * @param leechers   connected peers without one
     * @param history    series for uPlot: {@code [times (s), seeds, leechers, connected, tracker seeders, tracker
     *                   leechers]}
     * @param magnet     path of its magnet link with the ranked trackers, null for a private torrent
     * @param torrent    path of its rewritten .torrent, null without metainfo or for a private torrent
     */
    public record TorrentRow(String infoHash, String name, String source, boolean isPrivate, int connected, int seeds,
            int leechers, int knownPeers, Long trackerSeeders, Long trackerLeechers, int workingTrackers,
            int trackers, List<List<Number>> history, String magnet, String torrent) {
    }
}

package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.health.Alert;
import dev.swarm.peerbridge.health.ProbeResult;
import dev.swarm.peerbridge.health.TorrentHealth;

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

    /**
     * {@code GET /api/dashboard}: everything the page shows, fetched every few seconds.
     *
     * @param spanMillis the span of the histories (ending now)
     * @param alerts     the last alerts, newest first
     */
    public record Dashboard(long nowMillis, long spanMillis, Health health, List<TrackerRow> trackers,
            List<TorrentRow> torrents, List<Alert> alerts) {
    }

    /**
     * A tracker on the dashboard: its published row, its history and its response log.
     *
     * @param history series for uPlot: {@code [times (s), probe latency ms, uptime %, seeders, leechers]}, one
     *                column per history point (raw results, or minute/hour rollups for long spans); null where the
     *                point has no such figure
     * @param log     the last probe and announce results, newest first, with their errors
     */
    public record TrackerRow(PublishedTracker tracker, List<List<Number>> history, List<ProbeResult> log) {
    }

    /**
     * A torrent on the dashboard.
     *
     * @param figures  the health monitor's current figures (seeds/leechers by bitfield, availability, completion
     *                 histogram), null before the first sample
     * @param history  series for uPlot: {@code [times (s), seeds, leechers, peers connected, availability]}
     * @param magnet   path of its magnet link with the ranked trackers, null for a private torrent
     * @param torrent  path of its rewritten .torrent, null without metainfo or for a private torrent
     */
    public record TorrentRow(String infoHash, String name, String source, boolean isPrivate, int connected,
            int knownPeers, int workingTrackers, int trackers, TorrentHealth figures, List<List<Number>> history,
            String magnet, String torrent) {
    }
}

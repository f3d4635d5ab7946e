package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.health.HealthView;
import dev.swarm.peerbridge.health.HistoryPoint;
import dev.swarm.peerbridge.health.TorrentHealth;
import dev.swarm.peerbridge.health.TorrentPoint;
import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.tex.TrackerSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds what the dashboard shows ({@link Views.Dashboard}) from the bridge's snapshot, the published tracker rows and
 * the health monitor's read model (figures, history, response logs, alerts). No I/O of its own.
 */
final class DashboardModel {
    private DashboardModel() {
    }

    static Views.Dashboard build(long now, long spanMillis, Views.Health health, List<PublishedTracker> published,
            List<TorrentSnapshot> torrents, HealthView view, int logSize) {
        long from = now - spanMillis;
        List<Views.TrackerRow> trackers = new ArrayList<>();
        for (PublishedTracker p : published) {
            trackers.add(new Views.TrackerRow(p, trackerSeries(view.trackerHistory(p.url(), from, now + 1)),
                    view.responseLog(p.url(), logSize)));
        }
        Map<String, TorrentHealth> figures = new HashMap<>();
        for (TorrentHealth h : view.torrents()) {
            figures.put(h.infoHash(), h);
        }
        List<Views.TorrentRow> rows = new ArrayList<>();
        for (TorrentSnapshot t : torrents) {
            String key = t.spec().infoHash().toHex();
            int working = (int) t.trackers().stream().filter(tr -> tr.status() == TrackerSet.Status.VERIFIED).count();
            boolean priv = t.isPrivate();
            rows.add(new Views.TorrentRow(key, t.name(), t.spec().source(), priv, t.peers().size(),
                    t.knownPeers(), working, t.trackers().size(), figures.get(key),
                    torrentSeries(view.torrentHistory(key, from, now + 1)), priv ? null : "/torrents/" + key + "/magnet",
                    priv || (t.spec().metainfo() == null && t.info() == null) ? null : "/torrents/" + key + ".torrent"));
        }
        return new Views.Dashboard(now, spanMillis, health, trackers, rows, view.alerts(20));
    }

    private static List<List<Number>> trackerSeries(List<HistoryPoint> points) {
        List<Number> t = new ArrayList<>();
        List<Number> latency = new ArrayList<>();
        List<Number> uptime = new ArrayList<>();
        List<Number> seeders = new ArrayList<>();
        List<Number> leechers = new ArrayList<>();
        for (HistoryPoint p : points) {
            t.add(p.atMillis() / 1000.0);
            latency.add(p.latencyMillis());
            uptime.add(p.uptime());
            seeders.add(p.seeders());
            leechers.add(p.leechers());
        }
        return Arrays.asList(t, latency, uptime, seeders, leechers);
    }

    private static List<List<Number>> torrentSeries(List<TorrentPoint> points) {
        List<Number> t = new ArrayList<>();
        List<Number> seeds = new ArrayList<>();
        List<Number> leechers = new ArrayList<>();
        List<Number> peers = new ArrayList<>();
        List<Number> availability = new ArrayList<>();
        for (TorrentPoint p : points) {
            t.add(p.atMillis() / 1000.0);
            seeds.add(p.seeds());
            leechers.add(p.leechers());
            peers.add(p.peers());
            availability.add(p.availability());
        }
        return Arrays.asList(t, seeds, leechers, peers, availability);
    }
}

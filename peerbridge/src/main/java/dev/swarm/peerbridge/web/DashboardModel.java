package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.tex.TrackerSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds what the dashboard shows ({@link Views.Dashboard}) from the bridge's snapshot, the published tracker rows,
 * the announce history and the sampled torrent series; and takes the periodic torrent samples. No I/O.
 */
final class DashboardModel {
    /** Uptime on the charts: the share of valid answers among this many last announces. */
    static final int UPTIME_WINDOW = 10;

    private DashboardModel() {
    }

    /** One sample per torrent into {@code series}. */
    static void sample(long now, List<TorrentSnapshot> torrents, AnnounceHistory history, TorrentSeries series) {
        Set<String> keys = new HashSet<>();
        for (TorrentSnapshot t : torrents) {
            String key = t.spec().infoHash().toHex();
            keys.add(key);
            int seeds = (int) t.peers().stream().filter(PeerConnection.View::seed).count();
            Long[] reported = reported(history.lastFor(key));
            series.add(key, new TorrentSeries.Sample(now, t.peers().size(), seeds, t.peers().size() - seeds,
                    reported[0], reported[1]));
        }
        series.retain(keys);
    }

    /** The largest seeder and leecher counts among the trackers' last valid answers (null when none). */
    private static Long[] reported(Map<String, AnnounceHistory.Result> last) {
        Long seeders = null;
        Long leechers = null;
        for (AnnounceHistory.Result r : last.values()) {
            if (r.ok()) {
                seeders = seeders == null ? r.seeders() : Math.max(seeders, r.seeders());
                leechers = leechers == null ? r.leechers() : Math.max(leechers, r.leechers());
            }
        }
        return new Long[] {seeders, leechers};
    }

    static Views.Dashboard build(long now, Views.Health health, List<PublishedTracker> published,
            List<TorrentSnapshot> torrents, AnnounceHistory history, TorrentSeries series, int logSize) {
        List<Views.TrackerRow> trackers = new ArrayList<>();
        for (PublishedTracker p : published) {
            List<AnnounceHistory.Result> all = history.of(p.url());
            List<Views.LogEntry> log = new ArrayList<>();
            for (AnnounceHistory.Result r : AnnounceHistory.newestFirst(all, logSize)) {
                log.add(new Views.LogEntry(r.timeMillis(), r.infoHash(), r.ok(), r.latencyMillis(), r.peers(),
                        r.seeders(), r.leechers(), r.error()));
            }
            trackers.add(new Views.TrackerRow(p, trackerSeries(all), log));
        }
        List<Views.TorrentRow> rows = new ArrayList<>();
        for (TorrentSnapshot t : torrents) {
            String key = t.spec().infoHash().toHex();
            int seeds = (int) t.peers().stream().filter(PeerConnection.View::seed).count();
            Long[] reported = reported(history.lastFor(key));
            int working = (int) t.trackers().stream().filter(tr -> tr.status() == TrackerSet.Status.VERIFIED).count();
            boolean priv = t.spec().isPrivate();
            rows.add(new Views.TorrentRow(key, t.spec().name(), t.spec().source(), priv, t.peers().size(), seeds,
                    t.peers().size() - seeds, t.knownPeers(), reported[0], reported[1], working, t.trackers().size(),
                    torrentSeries(series.of(key)), priv ? null : "/torrents/" + key + "/magnet",
                    priv || t.spec().metainfo() == null ? null : "/torrents/" + key + ".torrent"));
        }
        return new Views.Dashboard(now, health, trackers, rows);
    }

    /** {@code [t (s), latency ms or null, uptime % over the last UPTIME_WINDOW]} per announce result. */
    private static List<List<Number>> trackerSeries(List<AnnounceHistory.Result> all) {
        List<Number> t = new ArrayList<>();
        List<Number> latency = new ArrayList<>();
        List<Number> uptime = new ArrayList<>();
        boolean[] ok = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            AnnounceHistory.Result r = all.get(i);
            ok[i] = r.ok();
            t.add(r.timeMillis() / 1000.0);
            latency.add(r.ok() ? r.latencyMillis() : null);
            int from = Math.max(0, i - UPTIME_WINDOW + 1);
            int good = 0;
            for (int j = from; j <= i; j++) {
                good += ok[j] ? 1 : 0;
            }
            uptime.add(Math.round(1000.0 * good / (i - from + 1)) / 10.0);
        }
        return Arrays.asList(t, latency, uptime);
    }

    private static List<List<Number>> torrentSeries(List<TorrentSeries.Sample> samples) {
        List<Number> t = new ArrayList<>();
        List<Number> seeds = new ArrayList<>();
        List<Number> leechers = new ArrayList<>();
        List<Number> connected = new ArrayList<>();
        List<Number> trackerSeeders = new ArrayList<>();
        List<Number> trackerLeechers = new ArrayList<>();
        for (TorrentSeries.Sample s : samples) {
            t.add(s.timeMillis() / 1000.0);
            seeds.add(s.seeds());
            leechers.add(s.leechers());
            connected.add(s.connected());
            trackerSeeders.add(s.trackerSeeders());
            trackerLeechers.add(s.trackerLeechers());
        }
        return Arrays.asList(t, seeds, leechers, connected, trackerSeeders, trackerLeechers);
    }
}

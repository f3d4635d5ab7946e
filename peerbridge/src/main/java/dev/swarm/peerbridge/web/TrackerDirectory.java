package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.health.HealthView;
import dev.swarm.peerbridge.health.TrackerHealth;
import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.tex.TrackerSet;
import dev.swarm.peerbridge.tex.TrackerUrl;
import dev.swarm.peerbridge.trackers.TrackerRanking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trackers the bridge publishes, from its torrents and its health monitor: one row per URL over all public
 * torrents, working ones first, in the order of the bridge's ranking (the one it advertises over lt_tex: most distinct
 * peers, most unique peers, best announce success rate, lowest latency). A tracker is working when it answered an
 * announce validly (verified), is not failing, and the probes do not hold it down. Trackers of private torrents
 * (BEP 27) are never published: their URLs carry passkeys. No I/O.
 */
final class TrackerDirectory {
    private TrackerDirectory() {
    }

    private static final class Acc {
        final String url;
        TrackerSet.Origin origin;
        boolean verified;
        boolean failing;
        long successes;
        long attempts;
        int torrents;
        String lastError;

        Acc(String url) {
            this.url = url;
        }
    }

    static List<PublishedTracker> build(List<TorrentSnapshot> torrents, List<TrackerRanking.Rank> overall,
            HealthView health) {
        Map<String, Acc> all = new LinkedHashMap<>();
        for (TorrentSnapshot t : torrents) {
            if (t.isPrivate()) {
                continue;
            }
            for (TrackerSet.Tracker tr : t.trackers()) {
                Acc a = all.computeIfAbsent(tr.url(), Acc::new);
                if (a.origin != TrackerSet.Origin.TORRENT) {
                    a.origin = tr.origin();
                }
                a.verified |= tr.status() == TrackerSet.Status.VERIFIED;
                a.failing |= tr.status() == TrackerSet.Status.FAILING;
                a.successes += tr.successes();
                a.attempts += tr.successes() + tr.failures();
                a.torrents++;
                String e = t.lastErrors().get(tr.url());
                if (e != null && a.lastError == null) {
                    a.lastError = e;
                }
            }
        }
        Map<String, Integer> position = new HashMap<>();
        Map<String, TrackerRanking.Rank> ranks = new HashMap<>();
        for (int i = 0; i < overall.size(); i++) {
            position.put(overall.get(i).url(), i);
            ranks.put(overall.get(i).url(), overall.get(i));
        }
        Map<String, TrackerHealth> healths = new HashMap<>();
        for (String url : all.keySet()) {
            TrackerHealth h = health.tracker(url);
            if (h != null) {
                healths.put(url, h);
            }
        }
        Map<String, String> status = new HashMap<>();
        for (Acc a : all.values()) {
            TrackerHealth h = healths.get(a.url);
            boolean downByProbes = h != null && "down".equals(h.state());
            status.put(a.url, a.verified && !downByProbes ? "working" : a.verified || a.failing || downByProbes ? "down"
                    : "unverified");
        }
        List<Acc> sorted = new ArrayList<>(all.values());
        sorted.sort((x, y) -> {
            boolean wx = status.get(x.url).equals("working");
            boolean wy = status.get(y.url).equals("working");
            if (wx != wy) {
                return wx ? -1 : 1;
            }
            int c = Integer.compare(position.getOrDefault(x.url, Integer.MAX_VALUE),
                    position.getOrDefault(y.url, Integer.MAX_VALUE));
            return c != 0 ? c : x.url.compareTo(y.url);
        });
        List<PublishedTracker> out = new ArrayList<>(sorted.size());
        int rank = 0;
        for (Acc a : sorted) {
            TrackerRanking.Rank r = ranks.get(a.url);
            TrackerHealth h = healths.get(a.url);
            String s = status.get(a.url);
            Double announceUptime = a.attempts == 0 ? null : Math.round(1000.0 * a.successes / a.attempts) / 10.0;
            Double uptime = h != null && h.uptimeLastN() != null ? h.uptimeLastN() : announceUptime;
            String lastError = h != null && h.lastError() != null ? h.lastError() : a.lastError;
            out.add(new PublishedTracker(a.url, s, s.equals("working") ? ++rank : 0, uptime,
                    h == null ? null : h.uptime24h(), h == null ? null : h.uptime7d(), h == null ? null : h.uptime30d(),
                    r == null || r.latencyMillis() < 0 ? null : r.latencyMillis(),
                    h == null ? null : h.latencyP50Millis(), h == null ? null : h.latencyP95Millis(),
                    r == null ? 0 : r.distinctPeers(), r == null ? 0 : r.uniquePeers(),
                    h == null ? null : h.seeders(), h == null ? null : h.leechers(), h == null ? null : h.downloads(),
                    h == null ? 0 : h.workingForMillis(), h == null ? 0 : h.downForMillis(), a.successes, a.attempts,
                    TrackerUrl.scheme(a.url).toLowerCase(Locale.ROOT), families(a.url, h),
                    a.origin.name().toLowerCase(Locale.ROOT), a.torrents, lastError, h));
        }
        return out;
    }

    /** The families the probes found up; before any per-family probe, the family of an address literal. */
    static List<String> families(String url, TrackerHealth h) {
        if (h != null && !h.families().isEmpty()) {
            List<String> out = new ArrayList<>();
            for (TrackerHealth.FamilyHealth f : h.families()) {
                if ("up".equals(f.state())) {
                    out.add(f.family().equals("ipv6") ? "6" : "4");
                }
            }
            return out;
        }
        String literal = literalFamily(url);
        return literal == null ? List.of() : List.of(literal);
    }

    /** {@code 4} or {@code 6} when the URL's host is an address literal, null for a host name. */
    static String literalFamily(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return null;
        }
        String rest = url.substring(start + 3);
        int at = rest.indexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            rest = rest.substring(at + 1);
        }
        if (rest.startsWith("[")) {
            return "6";
        }
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
            end++;
        }
        return rest.substring(0, end).matches("\\d{1,3}(\\.\\d{1,3}){3}") ? "4" : null;
    }
}

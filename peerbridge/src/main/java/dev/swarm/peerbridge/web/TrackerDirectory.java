package dev.swarm.peerbridge.web;

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
 * The trackers the bridge publishes, from its torrents: one row per URL over all public torrents, working ones first
 * in the order of the overall ranking (most distinct peers, most unique peers, best success rate, lowest latency).
 * Trackers of private torrents (BEP 27) are never published: their URLs carry passkeys. No I/O.
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

    static List<PublishedTracker> build(List<TorrentSnapshot> torrents, List<TrackerRanking.Rank> overall) {
        Map<String, Acc> all = new LinkedHashMap<>();
        for (TorrentSnapshot t : torrents) {
            if (t.spec().isPrivate()) {
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
        List<Acc> sorted = new ArrayList<>(all.values());
        sorted.sort((x, y) -> {
            if (x.verified != y.verified) {
                return x.verified ? -1 : 1;
            }
            int c = Integer.compare(position.getOrDefault(x.url, Integer.MAX_VALUE),
                    position.getOrDefault(y.url, Integer.MAX_VALUE));
            return c != 0 ? c : x.url.compareTo(y.url);
        });
        List<PublishedTracker> out = new ArrayList<>(sorted.size());
        int rank = 0;
        for (Acc a : sorted) {
            TrackerRanking.Rank r = ranks.get(a.url);
            String status = a.verified ? "working" : a.failing ? "down" : "unverified";
            out.add(new PublishedTracker(a.url, status,
                    a.attempts == 0 ? null : Math.round(1000.0 * a.successes / a.attempts) / 10.0,
                    r == null || r.latencyMillis() < 0 ? null : r.latencyMillis(),
                    r == null ? 0 : r.distinctPeers(), r == null ? 0 : r.uniquePeers(), a.successes, a.attempts,
                    TrackerUrl.scheme(a.url).toLowerCase(Locale.ROOT), family(a.url),
                    a.origin.name().toLowerCase(Locale.ROOT), a.torrents, a.verified ? null : a.lastError,
                    a.verified ? ++rank : 0));
        }
        return out;
    }

    /** {@code 4} or {@code 6} when the URL's host is an address literal, {@code any} for a host name. */
    static String family(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return "any";
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
        String host = rest.substring(0, end);
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") ? "4" : "any";
    }
}

package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.tex.TrackerSet;
import dev.swarm.peerbridge.trackers.TrackerRanking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trackers of one torrent in the order the bridge republishes them (magnet {@code tr}, .torrent
 * {@code announce-list}): the working (verified) ones best ranked first, each its own BEP 12 tier so a client tries
 * them in rank order, then the torrent's own trackers that are not verified now, together in a last tier. Learned
 * trackers that never answered are left out. No I/O.
 */
final class RankedTrackers {
    private RankedTrackers() {
    }

    static List<List<String>> tiers(TorrentSnapshot t) {
        Map<String, Integer> position = new HashMap<>();
        List<TrackerRanking.Rank> ranking = t.ranking();
        for (int i = 0; i < ranking.size(); i++) {
            position.put(ranking.get(i).url(), i);
        }
        List<String> verified = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (TrackerSet.Tracker tr : t.trackers()) {
            if (tr.status() == TrackerSet.Status.VERIFIED) {
                verified.add(tr.url());
            } else if (tr.origin() == TrackerSet.Origin.TORRENT) {
                rest.add(tr.url());
            }
        }
        verified.sort((a, b) -> Integer.compare(position.getOrDefault(a, Integer.MAX_VALUE),
                position.getOrDefault(b, Integer.MAX_VALUE)));
        List<List<String>> tiers = new ArrayList<>();
        for (String u : verified) {
            tiers.add(List.of(u));
        }
        if (!rest.isEmpty()) {
            tiers.add(List.copyOf(rest));
        }
        return tiers;
    }

    static List<String> flat(TorrentSnapshot t) {
        return tiers(t).stream().flatMap(List::stream).toList();
    }
}

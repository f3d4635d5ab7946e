package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.tex.TrackerSet;

import java.util.ArrayList;
import java.util.List;

/** What {@code /api/health} says, from the listener state and the torrents (see {@link Views.Health}). No I/O. */
final class HealthCheck {
    private HealthCheck() {
    }

    static boolean working(TorrentSnapshot t) {
        return !t.peers().isEmpty() || t.trackers().stream().anyMatch(tr -> tr.status() == TrackerSet.Status.VERIFIED);
    }

    static Views.Health of(boolean listening, List<TorrentSnapshot> torrents) {
        int working = (int) torrents.stream().filter(HealthCheck::working).count();
        List<String> reasons = new ArrayList<>();
        if (!listening) {
            reasons.add("the peer listener is not open");
        }
        if (!torrents.isEmpty() && working == 0) {
            reasons.add("no torrent has a working tracker or a connected peer");
        }
        String status = !reasons.isEmpty() ? "down" : torrents.isEmpty() ? "idle" : "ok";
        return new Views.Health(status, listening, torrents.size(), working, List.copyOf(reasons));
    }

    /** The bridge's loop did not answer (closed or stuck): down, whatever else holds. */
    static Views.Health unresponsive(boolean listening, String why) {
        List<String> reasons = new ArrayList<>();
        if (!listening) {
            reasons.add("the peer listener is not open");
        }
        reasons.add("the bridge does not answer: " + why);
        return new Views.Health("down", listening, 0, 0, List.copyOf(reasons));
    }
}

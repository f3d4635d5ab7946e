package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.health.HealthView;
import dev.swarm.peerbridge.health.TrackerHealth;
import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.tex.TrackerSet;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /api/health} says, from the listener state, the torrents and the health monitor (see
 * {@link Views.Health}). A torrent is working when a peer is connected or one of its trackers answered an announce
 * validly and is not held down by the probes. No I/O.
 */
final class HealthCheck {
    private HealthCheck() {
    }

    static boolean working(TorrentSnapshot t, HealthView health) {
        if (!t.peers().isEmpty()) {
            return true;
        }
        for (TrackerSet.Tracker tr : t.trackers()) {
            if (tr.status() == TrackerSet.Status.VERIFIED) {
                TrackerHealth h = health.tracker(tr.url());
                if (h == null || !"down".equals(h.state())) {
                    return true;
                }
            }
        }
        return false;
    }

    static Views.Health of(boolean listening, List<TorrentSnapshot> torrents, HealthView health) {
        int working = (int) torrents.stream().filter(t -> working(t, health)).count();
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

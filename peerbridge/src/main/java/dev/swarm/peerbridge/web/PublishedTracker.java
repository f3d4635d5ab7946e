package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.health.TrackerHealth;

import java.util.List;

/**
 * One tracker as {@code /api/trackers} publishes it (fields in the spirit of newTrackon's API). Figures the bridge
 * has no data for are null.
 *
 * @param url              exactly as the bridge holds it (as the torrent or the peer gave it)
 * @param status           {@code working}: answered an announce validly and not down by the probes (published in
 *                         {@code /trackers.txt}); {@code down}: failing announces or two failed probes in a row;
 *                         {@code unverified}: never answered validly yet
 * @param rank             1 for the best working tracker, 2 for the next...; 0 for one that is not working
 * @param uptime           percentage of the last probes answered (health {@code uptimeLastN}); before the first
 *                         probe, of the announces answered; null with neither
 * @param uptime24h        percentage of probes answered over the last 24 h, null without probes
 * @param uptime7d         same over 7 days
 * @param uptime30d        same over 30 days
 * @param latencyMillis    announce round trip (moving average), null before the first success
 * @param latencyP50Millis median probe latency, null without a successful probe
 * @param latencyP95Millis 95th percentile probe latency
 * @param distinctPeers    peers it returned within the ranking window (summed over torrents)
 * @param uniquePeers      of those, peers no other tracker of the same torrent returned (its marginal yield)
 * @param seeders          seeders it last reported (summed over the bridge's torrents), null if never
 * @param leechers         leechers it last reported, null if never
 * @param downloads        completed downloads it last reported (scrape), null if never
 * @param workingForMillis how long it has been up by the probes (0 unless up)
 * @param downForMillis    how long it has been down by the probes (0 unless down)
 * @param successes        valid announce responses
 * @param attempts         announces made
 * @param proto            {@code udp}, {@code http} or {@code https}
 * @param families         address families it answers on: from the per-family probes once probed, else from an
 *                         address literal in the URL ({@code 4} or {@code 6}); empty for a host name not probed yet
 * @param origin           {@code torrent} (named by a torrent) or {@code learned} (from a peer over lt_tex)
 * @param torrents         how many of the bridge's (public) torrents use it
 * @param lastError        the last announce or probe error, null when the last one was ok
 * @param health           everything the health monitor knows about it (per family too), null if nothing yet
 */
public record PublishedTracker(String url, String status, int rank, Double uptime, Double uptime24h,
        Double uptime7d, Double uptime30d, Long latencyMillis, Long latencyP50Millis, Long latencyP95Millis,
        int distinctPeers, int uniquePeers, Long seeders, Long leechers, Long downloads, long workingForMillis,
        long downForMillis, long successes, long attempts, String proto, List<String> families, String origin,
        int torrents, String lastError, TrackerHealth health) {

    public PublishedTracker {
        families = List.copyOf(families);
    }

    public boolean working() {
        return "working".equals(status);
    }
}

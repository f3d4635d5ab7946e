package dev.swarm.peerbridge.health;

import java.util.List;

/**
 * What the bridge knows about one tracker's health, over every torrent it serves. Figures that
 * the bridge has no data for are null (never 0 pretending to be a measurement).
 *
 * @param url                the tracker URL
 * @param state              {@code "up"}, {@code "down"} (two probes failed in a row in every family) or
 *                           {@code "unknown"} (not probed yet)
 * @param advertised         false while down: then not sent in {@code lt_tex} nor published (a torrent advertises
 *                           a tracker when it is also verified there: see {@code advertising} in the status)
 * @param uptime24h          percentage of successful probes over the last 24 h (0..100), null without probes
 * @param uptime7d           same over 7 days
 * @param uptime30d          same over 30 days
 * @param uptimeLastN        same over the last {@code lastN} probes
 * @param lastN              how many probes {@code uptimeLastN} covers (at most the configured N)
 * @param latencyP50Millis   median latency of successful probes (over the last {@code latencySamples})
 * @param latencyP95Millis   95th percentile latency of successful probes
 * @param latencySamples     how many samples the percentiles are taken from
 * @param stateSinceMillis   when the current state began (clock millis), null if unknown
 * @param workingForMillis   how long it has been up, 0 unless up
 * @param downForMillis      how long it has been down, 0 unless down
 * @param seeders            seeders the tracker last reported (summed over the bridge's torrents), null if never
 * @param leechers           leechers the tracker last reported, null if never
 * @param downloads          completed downloads the tracker last reported (scrape), null if never
 * @param peersReturned      peers in the last announce responses (summed over torrents)
 * @param distinctPeers      distinct peers it returned within the ranking window
 * @param marginalPeers      of those, peers no other source returned (marginal yield)
 * @param lastProbeMillis    when it was last probed, null if never
 * @param lastError          the last probe or announce error, null if the last one was ok
 * @param families           per address family the probe state (one entry per family the host has)
 */
public record TrackerHealth(String url, String state, boolean advertised, Double uptime24h, Double uptime7d,
        Double uptime30d, Double uptimeLastN, int lastN, Long latencyP50Millis, Long latencyP95Millis,
        int latencySamples, Long stateSinceMillis, long workingForMillis, long downForMillis, Long seeders,
        Long leechers, Long downloads, int peersReturned, int distinctPeers, int marginalPeers,
        Long lastProbeMillis, String lastError, List<FamilyHealth> families) {

    public TrackerHealth {
        families = List.copyOf(families);
    }

    /**
     * The probe state of one address family of a tracker host.
     *
     * @param family             {@code ipv4} or {@code ipv6}
     * @param state              {@code up}, {@code down} or {@code unknown}
     * @param consecutiveFailed  probes failed in a row (each after its retry)
     * @param uptimeLastN        percentage of the last probes of this family that succeeded, null if none
     * @param lastLatencyMillis  latency of the last successful probe, null if none
     * @param lastError          last failure, null if the last probe was ok
     */
    public record FamilyHealth(String family, String state, int consecutiveFailed, Double uptimeLastN,
            Long lastLatencyMillis, String lastError) {
    }
}

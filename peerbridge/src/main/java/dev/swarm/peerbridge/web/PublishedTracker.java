package dev.swarm.peerbridge.web;

/**
 * One tracker as {@code /api/trackers} publishes it (fields in the spirit of newTrackon's API).
 *
 * @param url            exactly as the bridge holds it (as the torrent or the peer gave it)
 * @param status         {@code working} (verified by a valid announce response and not failing), {@code down}
 *                       (was verified, now failing) or {@code unverified} (never answered validly yet)
 * @param uptime         percentage of announces answered validly over the bridge's run, null before the first one
 * @param latencyMillis  moving average of the announce round trip, null before the first success
 * @param distinctPeers  peers it returned within the ranking window (summed over torrents)
 * @param uniquePeers    of those, peers no other tracker of the same torrent returned (its marginal yield)
 * @param successes      valid announce responses
 * @param attempts       announces made
 * @param proto          {@code udp}, {@code http} or {@code https}
 * @param family         {@code 4} or {@code 6} for an address literal, {@code any} for a host name
 * @param origin         {@code torrent} (named by a torrent) or {@code learned} (from a peer over lt_tex)
 * @param torrents       how many of the bridge's torrents use it
 * @param lastError      the last announce error while it is failing, else null
 * @param rank           1 for the best working tracker; 0 for a tracker that is not working
 */
public record PublishedTracker(String url, String status, Double uptime, Long latencyMillis, int distinctPeers,
        int uniquePeers, long successes, long attempts, String proto, String family, String origin, int torrents,
        String lastError, int rank) {

    public boolean working() {
        return "working".equals(status);
    }
}

package dev.swarm.peerbridge.health;

/**
 * One result in a tracker's response log: a probe (per address family) or an announce the bridge made.
 *
 * @param url           the tracker URL as the bridge uses it
 * @param family        {@code "ipv4"} or {@code "ipv6"} for a probe; null for an announce (the announcer picks)
 * @param atMillis      when the result arrived (bridge clock, epoch milliseconds)
 * @param kind          {@link Kind} in lower case: {@code udp-connect}, {@code http-scrape}, {@code http-announce},
 *                      {@code announce}
 * @param ok            true when the tracker answered validly
 * @param latencyMillis how long the exchange took (failed ones too: the time until the failure)
 * @param seeders       seeders the tracker reported (scrape {@code complete}, announce), or null if it did not say
 * @param leechers      leechers the tracker reported, or null
 * @param downloads     completed downloads the tracker reported (scrape {@code downloaded}), or null
 * @param peers         peers the tracker returned (announces), or null for a probe
 * @param error         why it failed, null when ok
 * @param torrent       the info-hash (hex) the figures are about, or null when the probe named none
 */
public record ProbeResult(String url, String family, long atMillis, String kind, boolean ok, long latencyMillis,
        Long seeders, Long leechers, Long downloads, Integer peers, String error, String torrent) {

    /** What produced a result. */
    public enum Kind {
        /** BEP 15 connect (and scrape, when the tracker serves torrents the bridge has). */
        UDP_CONNECT,
        /** HTTP scrape (BEP 48 URL form). */
        HTTP_SCRAPE,
        /** HTTP announce, where the URL has no scrape form. */
        HTTP_ANNOUNCE,
        /** A regular announce of the bridge. */
        ANNOUNCE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** True for a probe (not an announce). */
    public boolean isProbe() {
        return !Kind.ANNOUNCE.text().equals(kind);
    }
}

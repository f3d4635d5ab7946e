package dev.swarm.tracker.logic;

/**
 * A check on scrapes (passkey, access list), in two parts: the request as a whole, then each info-hash.
 * Implementations must be thread-safe, fast and non-blocking.
 */
public interface ScrapePolicy {
    /**
     * @param path the part after {@code /scrape} for HTTP ({@code <passkey>} of {@code /scrape/<passkey>}), empty
     *             for UDP (BEP 41 URL data exists only on announces)
     * @return null to go on, or the failure reason to send instead of any counts
     */
    String checkRequest(AnnounceContext.Transport transport, String path);

    /**
     * As {@link #checkRequest(AnnounceContext.Transport, String)}, for a request from {@code clientAddress} (4 or 16
     * bytes, or null when unknown), for checks that keep per-address state.
     */
    default String checkRequest(AnnounceContext.Transport transport, String path, byte[] clientAddress) {
        return checkRequest(transport, path);
    }

    /** Whether the counts of {@code hashes[off..off+20)} may be shown; hidden hashes are left out (HTTP) or zero (UDP). */
    boolean mayShow(byte[] hashes, int off);
}

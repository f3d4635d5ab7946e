package dev.swarm.tracker.logic;

/**
 * How often an address may take a full scrape (a scrape without info_hash, which walks the whole store and sends
 * every torrent). Implementations must be thread-safe and fast.
 */
@FunctionalInterface
public interface FullScrapePolicy {
    /** No limit: every full scrape may go ahead (the frontend still sends one at a time). */
    FullScrapePolicy UNLIMITED = (address, nowMillis) -> 0;

    /**
     * Takes the address's full scrape, if it may have one now.
     *
     * @param address the client's address (4 or 16 bytes)
     * @return 0 if the full scrape may go ahead (and is now counted), else the milliseconds until it may
     */
    long acquire(byte[] address, long nowMillis);
}

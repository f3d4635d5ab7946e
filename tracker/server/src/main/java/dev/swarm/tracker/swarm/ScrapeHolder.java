package dev.swarm.tracker.swarm;

/**
 * Reusable, per-thread output of one scrape: the counts of one torrent summed over its IPv4 and
 * IPv6 swarms; all zero for an unknown info-hash. Overwritten by every scrape that uses it.
 */
public final class ScrapeHolder {
    private long seeders;
    private long leechers;
    private long downloaded;

    /** Seeders ({@code complete}). */
    public long seeders() {
        return seeders;
    }

    /** Leechers ({@code incomplete}). */
    public long leechers() {
        return leechers;
    }

    /** Completed downloads counted ({@code downloaded}). */
    public long downloaded() {
        return downloaded;
    }

    void clear() {
        seeders = 0;
        leechers = 0;
        downloaded = 0;
    }

    void add(long seederCount, long leecherCount, long downloadedCount) {
        seeders += seederCount;
        leechers += leecherCount;
        downloaded += downloadedCount;
    }
}

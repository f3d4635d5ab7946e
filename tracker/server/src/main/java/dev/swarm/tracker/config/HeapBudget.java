package dev.swarm.tracker.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the configured limits can take of the Java heap at most, checked against the heap at start: a configuration
 * whose tables cannot fit is refused with a message naming the key that takes the most, instead of running into
 * {@code OutOfMemoryError} under load (issue 11: a million accounting sessions in a 256 MiB heap).
 *
 * <p>Bytes per entry: accounting sessions and accounts measured with {@code AccountingFootprintMain} (JDK 25, G1,
 * compressed oops: 274 B a session at rest, 186 B an account), rounded up for the dirty-set entry and the flush copy
 * each holds while changed; users and torrents counted from their objects (two map entries, two strings, the record;
 * an info-hash, the record, one map entry). Fixed tables are exact. The swarms themselves are off the heap (the
 * heap store, for tests only, is not budgeted).
 *
 * @param items what each limit can take, largest first
 * @param total the sum, including {@link #RESERVE}
 */
public record HeapBudget(List<Item> items, long total) {
    static final long SESSION_BYTES = 400;
    static final long ACCOUNT_BYTES = 300;
    static final long USER_BYTES = 300;
    static final long TORRENT_BYTES = 150;
    /** A slot of a per-address table (TokenBuckets, InvalidIdBans): two key longs, a flag, two 8-byte fields, rounded. */
    static final long ADDRESS_SLOT_BYTES = 40;
    /** Undertow's and XNIO's objects of one open HTTP connection (its buffers are direct, off the heap), rounded up. */
    static final long HTTP_CONNECTION_BYTES = 3 * 1024;
    /**
     * A torrent in a full scrape's listing ({@code FullScrapeListing}: about 44 bytes at rest, its arrays doubling as
     * it fills, plus the sort's keys), rounded up. One full scrape runs at a time.
     */
    static final long FULL_SCRAPE_TORRENT_BYTES = 64;
    /** The stores' memory of counted completions (2^20 fingerprints). */
    static final long COMPLETION_MEMORY_BYTES = 8L << 20;
    /** Everything else: classes' static data, Netty, Chronicle and Undertow state, per-request garbage, GC headroom. */
    static final long RESERVE = 64L << 20;

    /** One limit's share: the configuration key and the bytes it can take. */
    public record Item(String key, long bytes) {
    }

    /** The budget of {@code cfg}; the registry counts when it is opened (private mode or the admin API). */
    public static HeapBudget of(TrackerConfig cfg) {
        List<Item> items = new ArrayList<>();
        boolean registry = cfg.mode() == TrackerConfig.Mode.PRIVATE || cfg.admin().listen() != null;
        if (registry) {
            TrackerConfig.Registry r = cfg.registry();
            items.add(new Item("registry.max-sessions", r.maxSessions() * SESSION_BYTES));
            items.add(new Item("registry.max-accounts", r.maxAccounts() * ACCOUNT_BYTES));
            items.add(new Item("registry.max-users", r.maxUsers() * USER_BYTES));
            items.add(new Item("registry.max-torrents", r.maxTorrents() * TORRENT_BYTES));
        }
        TrackerConfig.Limits l = cfg.limits();
        TrackerConfig.FullScrape full = cfg.scrape().full();
        boolean fullScrape = full.servedIn(cfg.mode()) && cfg.http().listen() != null;
        int tables = (l.announcesPerMinute() > 0 ? 1 : 0) + (l.newSwarmsPerMinute() > 0 ? 1 : 0)
                + (l.banAfterInvalidIds() > 0 ? 1 : 0)
                + (cfg.mode() == TrackerConfig.Mode.PRIVATE && l.unknownPasskeysPerMinute() > 0 ? 1 : 0)
                + (full.servedIn(cfg.mode()) && full.minInterval().toMillis() > 0 ? 1 : 0);
        items.add(new Item("limits.tracked-addresses", tables * (long) l.trackedAddresses() * ADDRESS_SLOT_BYTES));
        if (cfg.http().listen() != null) {
            items.add(new Item("http.max-connections", cfg.http().maxConnections() * HTTP_CONNECTION_BYTES));
        }
        if (fullScrape) {
            items.add(new Item("scrape.full.max-swarms", full.maxSwarms() * FULL_SCRAPE_TORRENT_BYTES));
        }
        items.add(new Item("(completion memory of the store)", COMPLETION_MEMORY_BYTES));
        items.add(new Item("(reserve)", RESERVE));
        items.sort(Comparator.comparingLong(Item::bytes).reversed());
        long total = 0;
        for (Item i : items) {
            total += i.bytes();
        }
        return new HeapBudget(List.copyOf(items), total);
    }

    /**
     * @param maxHeap the heap the JVM may use ({@code Runtime.maxMemory()}, i.e. about {@code -Xmx})
     * @throws ConfigException naming the largest configurable item when the budget exceeds {@code maxHeap}
     */
    public void check(long maxHeap) {
        if (total <= maxHeap) {
            return;
        }
        Item largest = items.stream().filter(i -> !i.key().startsWith("(")).findFirst().orElseThrow();
        StringBuilder parts = new StringBuilder();
        for (Item i : items) {
            if (i.bytes() > 0) {
                parts.append(parts.isEmpty() ? "" : ", ").append(i.key()).append(' ').append(mib(i.bytes()));
            }
        }
        throw new ConfigException(largest.key() + ": the configured limits can take " + mib(total)
                + " of heap, more than the " + mib(maxHeap) + " the JVM has (-Xmx); lower " + largest.key()
                + " (the largest) or raise -Xmx in conf/jvm.options (" + parts + ")");
    }

    private static String mib(long bytes) {
        return (bytes + (1 << 20) - 1 >> 20) + " MiB";
    }
}

package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11 item 4: limits that provably fit the heap, checked at start. */
class HeapBudgetTest {
    /** conf/jvm.options: -Xmx256m. */
    private static final long HEAP = 256L << 20;
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private static TrackerConfig privateWithAdmin(Map<String, String> more) {
        Map<String, String> o = new java.util.HashMap<>(Map.of("mode", "private", "admin.listen", "127.0.0.1:0",
                "admin.token", TOKEN));
        o.putAll(more);
        return ConfigLoader.load(null, o);
    }

    @Test
    void theDefaultsFitTheDefaultHeapInEveryMode() {
        assertDoesNotThrow(() -> HeapBudget.of(ConfigLoader.defaults()).check(HEAP));
        HeapBudget b = HeapBudget.of(privateWithAdmin(Map.of()));
        assertDoesNotThrow(() -> b.check(HEAP));
        assertTrue(b.total() > 200L << 20, "the private defaults use most of the heap, not a sliver: " + b);
    }

    @Test
    void theRegistryCountsOnlyWhenItIsOpened() {
        assertFalse(HeapBudget.of(ConfigLoader.defaults()).items().stream()
                .anyMatch(i -> i.key().startsWith("registry.")));
        assertTrue(HeapBudget.of(privateWithAdmin(Map.of())).items().stream()
                .anyMatch(i -> i.key().equals("registry.max-sessions")));
    }

    /** The figures of the issue: max-sessions 1,000,000 in the 256 MiB heap. */
    @Test
    void aConfigurationThatCannotFitIsRefusedNamingTheLargestKey() {
        HeapBudget b = HeapBudget.of(privateWithAdmin(Map.of("registry.max-sessions", "1000000")));
        ConfigException e = assertThrows(ConfigException.class, () -> b.check(HEAP));
        assertTrue(e.getMessage().startsWith("registry.max-sessions: "), e.getMessage());
        assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
        assertDoesNotThrow(() -> b.check(1L << 30), "fits a 1 GiB heap");
        ConfigException c = assertThrows(ConfigException.class, () -> HeapBudget.of(
                privateWithAdmin(Map.of("http.max-connections", "100000"))).check(HEAP));
        assertTrue(c.getMessage().startsWith("http.max-connections: "), c.getMessage());
    }

    @Test
    void everyEnabledAddressTableCounts() {
        long on = tracked(HeapBudget.of(privateWithAdmin(Map.of())));
        long off = tracked(HeapBudget.of(privateWithAdmin(Map.of("limits.announces-per-minute", "0",
                "limits.new-swarms-per-minute", "0", "limits.unknown-passkeys-per-minute", "0"))));
        assertEquals(3 * 65536 * HeapBudget.ADDRESS_SLOT_BYTES, on);
        assertEquals(0, off);
    }

    /** The full scrape (served in public mode by default): its per-address interval table and one listing. */
    @Test
    void theFullScrapeCountsWhereItIsServed() {
        HeapBudget pub = HeapBudget.of(ConfigLoader.defaults());
        assertEquals(3 * 65536 * HeapBudget.ADDRESS_SLOT_BYTES, tracked(pub), "rate limit, new-swarm cap, full scrape");
        assertEquals(100_000 * HeapBudget.FULL_SCRAPE_TORRENT_BYTES, item(pub, "scrape.full.max-swarms"));
        HeapBudget off = HeapBudget.of(ConfigLoader.load(null, Map.of("scrape.full.enabled", "off")));
        assertEquals(2 * 65536 * HeapBudget.ADDRESS_SLOT_BYTES, tracked(off));
        assertEquals(0, item(off, "scrape.full.max-swarms"));
        assertEquals(0, item(HeapBudget.of(privateWithAdmin(Map.of())), "scrape.full.max-swarms"), "auto: public only");
        ConfigException e = assertThrows(ConfigException.class, () -> HeapBudget.of(ConfigLoader.load(null,
                Map.of("scrape.full.max-swarms", "1000000"))).check(64L << 20));
        assertTrue(e.getMessage().contains("scrape.full.max-swarms 62 MiB"), e.getMessage());
    }

    private static long item(HeapBudget b, String key) {
        return b.items().stream().filter(i -> i.key().equals(key)).mapToLong(HeapBudget.Item::bytes).sum();
    }

    private static long tracked(HeapBudget b) {
        return b.items().stream().filter(i -> i.key().equals("limits.tracked-addresses")).mapToLong(HeapBudget.Item::bytes)
                .sum();
    }
}

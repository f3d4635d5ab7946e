package dev.swarm.peerbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.health.TrackerHealth;
import dev.swarm.peerbridge.torrent.MagnetLink;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.protocol.InfoHash;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The trackers.txt filters, the families a tracker is listed under, and the magnet links the bridge writes. */
@Timeout(10)
class ListFilterTest {
    static Map<String, Deque<String>> query(String... kv) {
        Map<String, Deque<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.computeIfAbsent(kv[i], k -> new ArrayDeque<>()).add(kv[i + 1]);
        }
        return m;
    }

    static PublishedTracker tracker(String url, Double uptime, List<String> families) {
        return new PublishedTracker(url, "working", 1, uptime, null, null, null, 10L, null, null, 3, 1, null, null, null,
                0, 0, 5, 5, dev.swarm.peerbridge.tex.TrackerUrl.scheme(url), families, "torrent", 1, null, null);
    }

    @Test
    void filtersMatchUptimeProtocolAndFamily() throws Exception {
        PublishedTracker udp6 = tracker("udp://[2001:db8::1]:6969/announce", 99.0, List.of("6"));
        PublishedTracker https4 = tracker("https://10.0.0.1/announce", 80.0, List.of("4"));
        PublishedTracker name = tracker("http://tracker.example/announce", null, List.of("4", "6"));
        ListFilter all = ListFilter.parse(query());
        assertTrue(all.matches(udp6) && all.matches(https4) && all.matches(name));
        ListFilter f = ListFilter.parse(query("min_uptime", "95", "proto", "udp", "family", "6"));
        assertTrue(f.matches(udp6));
        assertFalse(f.matches(https4));
        ListFilter http = ListFilter.parse(query("proto", "HTTP"));
        assertTrue(http.matches(https4) && http.matches(name), "http means http and https");
        assertFalse(http.matches(udp6));
        assertFalse(ListFilter.parse(query("proto", "https")).matches(name));
        assertFalse(ListFilter.parse(query("min_uptime", "50")).matches(name), "no uptime yet: not above any minimum");
        assertTrue(ListFilter.parse(query("min_uptime", "0")).matches(name));
        assertTrue(ListFilter.parse(query("family", "4")).matches(name));
        assertFalse(ListFilter.parse(query("family", "4")).matches(udp6));
    }

    @Test
    void badFiltersAreRefusedWithOneLine() {
        for (String[] q : new String[][] {{"min_uptime", "-1"}, {"min_uptime", "NaN"}, {"min_uptime", "1e9"},
                {"proto", "wss"}, {"family", "ipv4"}, {"family", ""}, {"limit", "3"}}) {
            ListFilter.BadFilter e = assertThrows(ListFilter.BadFilter.class, () -> ListFilter.parse(query(q)), String.join("=", q));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(q[0]), e.getMessage());
        }
        assertThrows(ListFilter.BadFilter.class, () -> ListFilter.parse(query("family", "4", "family", "6")));
        String longValue = "x".repeat(500) + "\n";
        ListFilter.BadFilter e = assertThrows(ListFilter.BadFilter.class, () -> ListFilter.parse(query("proto", longValue)));
        assertTrue(e.getMessage().length() < 120 && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void familiesComeFromTheProbesElseFromAnAddressLiteral() {
        assertEquals(List.of("4"), TrackerDirectory.families("http://127.0.0.1:80/announce", null));
        assertEquals(List.of("6"), TrackerDirectory.families("udp://[::1]:6969", null));
        assertEquals(List.of("4"), TrackerDirectory.families("http://user@192.168.1.2/a", null));
        assertEquals(List.of(), TrackerDirectory.families("http://tracker.example:80/announce", null));
        assertEquals(List.of(), TrackerDirectory.families("http://1.2.3.4.example/announce", null));
        TrackerHealth h = new TrackerHealth("http://tracker.example/announce", "up", true, 100.0, null, null, 100.0, 2, 5L,
                9L, 2, 0L, 1000, 0, null, null, null, 0, 0, 0, 0L, null,
                List.of(new TrackerHealth.FamilyHealth("ipv4", "down", 2, 0.0, null, "timeout"),
                        new TrackerHealth.FamilyHealth("ipv6", "up", 0, 100.0, 5L, null)));
        assertEquals(List.of("6"), TrackerDirectory.families(h.url(), h), "only the family whose probes answer");
    }

    @Test
    void magnetLinksRoundTripThroughTheParser() throws Exception {
        InfoHash ih = InfoHash.fromHex("00112233445566778899aabbccddeeff00112233");
        List<String> trs = List.of("http://a.example/announce?passkey=x&y=1", "udp://[::1]:6969/announce", "http://b/ü");
        String link = MagnetLinks.of(ih, "name with spaces & ümlaut", trs);
        assertFalse(link.contains(" "), link);
        TorrentSpec spec = MagnetLink.parse(link);
        assertEquals(ih, spec.infoHash());
        assertEquals("name with spaces & ümlaut", spec.name());
        assertEquals(List.of(trs), spec.tiers());
        assertEquals("magnet:?xt=urn:btih:" + ih.toHex(), MagnetLinks.of(ih, "", List.of()));
    }
}

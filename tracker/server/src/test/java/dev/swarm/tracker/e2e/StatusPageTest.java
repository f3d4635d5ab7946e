package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.Hex;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The status page at / shows the store's real counts, the announces per minute and the busiest swarms. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusPageTest {
    private static final long T0 = 1_800_000_000_000L - 1_800_000_000_000L % 60_000 + 5_000;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private Tracker tracker;
    private int port;

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "127.0.0.1:0", "udp.listen", "off",
                "store.type", "heap", "store.data-dir", dir.toString()));
        o.putAll(extra);
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, new DropwizardMetrics(new MetricRegistry()));
        port = tracker.httpAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private static byte[] hash(int i) {
        return String.format("status-page-hash%04d", i).getBytes(StandardCharsets.ISO_8859_1);
    }

    private void announce(String passkeyPath, int torrent, int peer) throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce" + passkeyPath + "?info_hash="
                + TestNet.percentEncode(hash(torrent)) + "&peer_id=-TT0001-" + String.format("%012d", peer) + "&port="
                + (7000 + peer) + "&uploaded=0&downloaded=0&left=" + (peer == 0 ? 0 : 5) + "&event=started");
        assertNull(r.get("failure reason"), r.toString());
    }

    private HttpResponse<String> page() throws Exception {
        try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String cell(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">(\\d+)<").matcher(html);
        assertTrue(m.find(), id + " not on the page:\n" + html);
        return m.group(1);
    }

    @Test
    void showsTheRealCountsTheAnnounceRateAndTheBusiestSwarms() throws Exception {
        start(Map.of());
        String empty = page().body();
        assertEquals("0", cell(empty, "swarms"));
        assertEquals("0", cell(empty, "peers"));

        // torrent t gets t + 1 peers: 1 + 2 + 3 + 4 = 10 peers in 4 swarms, 4 seeders
        for (int t = 0; t < 4; t++) {
            for (int p = 0; p <= t; p++) {
                announce("", t, p);
            }
        }
        HttpResponse<String> r = page();
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        String html = r.body();
        assertEquals("4", cell(html, "swarms"));
        assertEquals("10", cell(html, "peers"));
        assertEquals("4", cell(html, "seeders"));
        assertEquals("6", cell(html, "leechers"));
        int top = html.indexOf("id=\"top\"");
        assertTrue(top > 0, html);
        String busiest = Hex.encode(hash(3));
        assertTrue(html.indexOf(busiest, top) > 0 && html.indexOf(busiest, top) < html.indexOf(Hex.encode(hash(2)), top),
                "the swarm with 4 peers comes first:\n" + html);
        assertTrue(html.contains("4 torrents as of"), html);
        assertFalse(html.toLowerCase(java.util.Locale.ROOT).contains("<script"), "no script");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "no external assets or links");

        // the 10 announces were in the first minute; a minute later the page shows them as the last minute's
        clock.advance(60_000);
        String later = page().body();
        assertTrue(later.contains("last minute: <b>10</b>"), later);
        assertTrue(later.contains("this minute so far: <b>0</b>"), later);
    }

    @Test
    void aPrivateTrackerShowsCountsButNoTorrents() throws Exception {
        start(Map.of("mode", "private"));
        var alice = tracker.registry().addUser("alice", true, true);
        tracker.registry().putTorrent(dev.swarm.protocol.InfoHash.of(hash(0)), false);
        announce("/" + alice.passkey(), 0, 0);
        announce("/" + alice.passkey(), 0, 1);
        String html = page().body();
        assertEquals("2", cell(html, "peers"));
        assertFalse(html.contains("id=\"top\""), html);
        assertFalse(html.contains(Hex.encode(hash(0))), "the info-hash is not shown");
    }
}

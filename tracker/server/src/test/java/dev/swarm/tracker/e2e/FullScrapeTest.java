package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.registry.User;
import dev.swarm.tracker.swarm.AnnounceOp;
import dev.swarm.tracker.swarm.Family;
import dev.swarm.tracker.swarm.PeerSample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full scrape over real sockets: a scrape without info_hash lists every torrent with the counts a normal scrape
 * gives (heap and off-heap store), its keys sorted (decoded strictly), gzipped for curl --compressed, sent in chunks,
 * bounded by scrape.full.max-swarms, one per address per interval (on the hand-moved clock), refused where it is not
 * served.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FullScrapeTest {
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private final MetricRegistry registry = new MetricRegistry();
    private Tracker tracker;
    private int port;

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "127.0.0.1:0", "udp.listen", "off",
                "store.data-dir", dir.resolve("store").toString()));
        o.putAll(extra);
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, new DropwizardMetrics(registry));
        port = tracker.httpAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    static byte[] hash(int i) {
        return String.format("full-scrape-hash%04d", i).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Torrent i gets i % 4 + 1 peers over HTTP: the first a seeder that completed, the others leechers. */
    private void announceTorrents(String passkeyPath, int torrents) throws Exception {
        for (int i = 0; i < torrents; i++) {
            for (int p = 0; p <= i % 4; p++) {
                BDict r = TestNet.getBencoded(base() + "/announce" + passkeyPath + "?info_hash="
                        + TestNet.percentEncode(hash(i)) + "&peer_id=-TT0001-" + String.format("%012d", p)
                        + "&port=" + (7000 + p) + "&uploaded=0&downloaded=0&left=" + (p == 0 ? 0 : 100)
                        + (p == 0 ? "&event=completed" : "&event=started"));
                assertNull(r.get("failure reason"), r.toString());
            }
        }
    }

    /**
     * Strict: the decoder refuses a dictionary whose keys are not in ascending unsigned byte order or repeat, so
     * every listing decoded here came with its {@code files} keys sorted.
     */
    private static BDict decode(byte[] body) throws Exception {
        BValue v = Bencode.decode(body, new BencodeLimits(32, 1 << 20, 10_000_000, true));
        return (BDict) v;
    }

    private static HttpResponse<byte[]> get(String url, String acceptEncoding, InetAddress from) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (from != null) {
            b.localAddress(from);
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (acceptEncoding != null) {
            r.header("Accept-Encoding", acceptEncoding);
        }
        try (HttpClient c = b.build()) {
            return c.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "offheap"})
    void listsEveryTorrentWithTheCountsOfANormalScrape(String store) throws Exception {
        start(Map.of("store.type", store));
        announceTorrents("", 25);
        HttpResponse<byte[]> r = get(base() + "/scrape", null, null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Encoding").isEmpty(), "not gzipped unless asked");
        BDict full = decode(r.body());
        BDict files = full.dict("files");
        assertEquals(25, files.size());
        assertEquals(60L, full.dict("flags").integer("min_request_interval"));
        for (int i = 0; i < 25; i++) {
            BDict one = TestNet.getBencoded(base() + "/scrape?info_hash=" + TestNet.percentEncode(hash(i))).dict("files");
            String key = new String(hash(i), StandardCharsets.ISO_8859_1);
            assertEquals(one.dict(key), files.dict(key), "torrent " + i);
            assertEquals(1L, files.dict(key).integer("complete"));
            assertEquals((long) (i % 4), files.dict(key).integer("incomplete"));
            assertEquals(1L, files.dict(key).integer("downloaded"));
        }
        assertEquals(1, registry.meter("tracker.scrape.full").getCount());
        assertEquals(25, registry.meter("tracker.scrape.full.torrents").getCount());
    }

    @Test
    void curlCompressedGetsGzipAndTheSameListing() throws Exception {
        start(Map.of("store.type", "heap"));
        announceTorrents("", 12);
        Path headers = dir.resolve("headers.txt");
        Path body = dir.resolve("body.bin");
        Path raw = dir.resolve("raw.bin");
        // --compressed: curl asks for gzip and decodes it; a second curl without it shows what went over the wire
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "30", "--compressed", "-D", headers.toString(),
                "-o", body.toString(), base() + "/scrape").redirectErrorStream(true).start();
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        String h = Files.readString(headers).toLowerCase(java.util.Locale.ROOT);
        assertTrue(h.contains("content-encoding: gzip"), h);
        BDict listing = decode(Files.readAllBytes(body));
        assertEquals(12, listing.dict("files").size());

        clock.advance(60_000);
        Process q = new ProcessBuilder("curl", "-sS", "--max-time", "30", "-H", "Accept-Encoding: gzip", "-o",
                raw.toString(), base() + "/scrape").redirectErrorStream(true).start();
        assertTrue(q.waitFor(40, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, q.exitValue());
        byte[] wire = Files.readAllBytes(raw);
        assertEquals(0x1f, wire[0] & 0xff, "gzip magic");
        assertEquals(0x8b, wire[1] & 0xff, "gzip magic");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
            assertEquals(listing, decode(in.readAllBytes()));
        }
    }

    @Test
    void aSecondFullScrapeFromTheSameAddressIsRefusedUntilTheIntervalHasPassed() throws Exception {
        start(Map.of("store.type", "heap", "scrape.full.min-interval", "60s"));
        announceTorrents("", 3);
        assertEquals(3, decode(get(base() + "/scrape", null, null).body()).dict("files").size());

        clock.advance(15_000);
        HttpResponse<byte[]> again = get(base() + "/scrape", null, null);
        BDict refused = decode(again.body());
        assertEquals("full scrape: one per 60 s from an address; try again in 45 s", refused.string("failure reason"));
        assertNull(refused.get("files"));
        assertEquals("45", again.headers().firstValue("Retry-After").orElse(""));

        BDict other = decode(get(base() + "/scrape", null, loopback(2)).body());
        assertEquals(3, other.dict("files").size(), "another address has its own allowance");

        clock.advance(45_000);
        assertEquals(3, decode(get(base() + "/scrape", null, null).body()).dict("files").size(), "after the interval");
        assertEquals(1, registry.meter("tracker.scrape.full.refused").getCount());
    }

    @Test
    void maxSwarmsBoundsTheListing() throws Exception {
        start(Map.of("store.type", "offheap", "scrape.full.max-swarms", "10"));
        announceTorrents("", 25);
        assertEquals(10, decode(get(base() + "/scrape", null, null).body()).dict("files").size());
        assertEquals(1, registry.meter("tracker.scrape.full.truncated").getCount());
    }

    @Test
    void aLargeStoreIsStreamedInChunks() throws Exception {
        start(Map.of("store.type", "offheap", "store.expected-swarms", "60000", "scrape.full.max-swarms", "1000000"));
        int torrents = 50_000;
        AnnounceOp op = new AnnounceOp();
        PeerSample sample = new PeerSample(1);
        for (int i = 0; i < torrents; i++) { // filled through the store directly: 50,000 HTTP announces are slow
            for (int k = 0; k < 20; k++) {
                op.infoHash[k] = (byte) (i * 7 + k * 13 + (i >>> 8) * k);
            }
            op.infoHash[0] = (byte) (i >>> 16);
            op.infoHash[1] = (byte) (i >>> 8);
            op.infoHash[2] = (byte) i;
            op.family = Family.V4;
            op.peer[0] = 10;
            op.peer[3] = 1;
            op.peer[5] = 1;
            op.event = AnnounceEvent.STARTED;
            op.seeder = i % 2 == 0;
            op.numWant = 0;
            tracker.store().announce(op, T0, sample);
        }
        // the store walks them in its own order, far from sorted: the listing must put them in order itself
        List<String> walked = new ArrayList<>();
        tracker.store().forEachTorrent((hash, seeders, leechers, downloaded) ->
                walked.add(new String(hash, StandardCharsets.ISO_8859_1)));
        assertEquals(torrents, walked.size());
        assertFalse(walked.equals(walked.stream().sorted().toList()), "the store's walk is not in key order");
        HttpResponse<byte[]> r = get(base() + "/scrape", null, null);
        assertEquals("chunked", r.headers().firstValue("Transfer-Encoding").orElse("(none)"),
                "no Content-Length: the answer was not built whole before sending");
        BDict files = decode(r.body()).dict("files"); // strict: keys in ascending order, none repeated
        assertEquals(torrents, files.size());
        long seeders = 0;
        for (BValue v : files.entries().values()) {
            seeders += ((BDict) v).integer("complete");
        }
        assertEquals(torrents / 2, seeders);
    }

    @Test
    void offRefusesItInPublicMode() throws Exception {
        start(Map.of("store.type", "heap", "scrape.full.enabled", "off"));
        announceTorrents("", 2);
        assertEquals("full scrape is not served by this tracker: name the torrents with info_hash",
                decode(get(base() + "/scrape", null, null).body()).string("failure reason"));
    }

    @Test
    void privateModeRefusesItByDefaultAndListsOnlyRegisteredTorrentsWhenOn() throws Exception {
        start(Map.of("store.type", "heap", "mode", "private"));
        User alice = tracker.registry().addUser("alice", true, true);
        tracker.registry().putTorrent(InfoHash.of(hash(0)), false);
        tracker.registry().putTorrent(InfoHash.of(hash(1)), false);
        announceTorrents("/" + alice.passkey(), 2);
        BDict refused = decode(get(base() + "/scrape/" + alice.passkey(), null, null).body());
        assertEquals("full scrape is not served by this tracker: name the torrents with info_hash",
                refused.string("failure reason"));
        assertEquals(1, refused.size());
        tracker.close();

        // on: still needs the passkey, and shows registered torrents only
        start(Map.of("store.type", "heap", "mode", "private", "scrape.full.enabled", "on"));
        alice = tracker.registry().user("alice");
        announceTorrents("/" + alice.passkey(), 2);
        tracker.registry().removeTorrent(InfoHash.of(hash(1)));
        assertFalse(decode(get(base() + "/scrape", null, null).body()).containsKey("files"), "no passkey, no listing");
        BDict files = decode(get(base() + "/scrape/" + alice.passkey(), null, null).body()).dict("files");
        assertEquals(List.of(new String(hash(0), StandardCharsets.ISO_8859_1)), new ArrayList<>(files.entries().keySet()));
    }
}

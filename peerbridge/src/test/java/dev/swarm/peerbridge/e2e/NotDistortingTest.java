package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.trackers.AnnounceRequest;
import dev.swarm.peerbridge.trackers.AnnounceResult;
import dev.swarm.peerbridge.trackers.HttpAnnouncer;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.metrics.Metrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against this project's real tracker, in-process on loopback: over HTTP it announces with BEP 21
 * {@code event=paused}, gets the swarm's peers and is not counted (the tracker's scrape is unchanged); over UDP,
 * which has no paused, it is counted, and {@code stopped} takes it out again when the torrent is removed and
 * when the bridge closes.
 */
@Timeout(90)
class NotDistortingTest {
    static final String IH1 = "1111111111111111111111111111111111111111";
    static final String IH2 = "2222222222222222222222222222222222222222";

    @TempDir
    Path dir;

    private Tracker tracker;
    private final HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startTracker() throws Exception {
        tracker = Tracker.start(dev.swarm.tracker.config.ConfigLoader.load(null, Map.of("http.listen", "127.0.0.1:0",
                "udp.listen", "127.0.0.1:0", "store.type", "heap", "store.data-dir", dir.toString())),
                InstantSource.system(), Metrics.NOOP);
    }

    @AfterEach
    void stopTracker() {
        tracker.close();
    }

    String http() {
        return "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
    }

    String udp() {
        return "udp://127.0.0.1:" + tracker.udpAddress().getPort() + "/announce";
    }

    /** The tracker's HTTP scrape of one torrent: {complete, incomplete}. */
    long[] scrape(String ihHex) throws Exception {
        byte[] ih = HexFormat.of().parseHex(ihHex);
        StringBuilder q = new StringBuilder();
        for (byte b : ih) {
            q.append('%').append(HexFormat.of().toHexDigits(b));
        }
        HttpResponse<byte[]> r = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + tracker.httpAddress().getPort() + "/scrape?info_hash=" + q)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        BDict files = (BDict) ((BDict) Bencode.decode(r.body(), BencodeLimits.DEFAULT)).get("files");
        BDict f = (BDict) files.get(BDict.key(ih));
        return f == null ? new long[] {0, 0} : new long[] {f.integer("complete"), f.integer("incomplete")};
    }

    /** A test leecher (left 1000) announcing on HTTP from port {@code port}; returns the peers it was given. */
    List<InetSocketAddress> leecher(String ihHex, int port) throws Exception {
        try (HttpAnnouncer a = new HttpAnnouncer(Duration.ofSeconds(5), 4)) {
            AnnounceResult r = a.announce(http(), new AnnounceRequest(HexFormat.of().parseHex(ihHex),
                    ScriptedPeer.peerId("L" + port), port, 1000, AnnounceEvent.STARTED, 50, port)).get(10, TimeUnit.SECONDS);
            return assertInstanceOf(AnnounceResult.Success.class, r, r.toString()).peers();
        }
    }

    static Bridge bridge(String... torrentLines) throws Exception {
        Bridge b = Bridge.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                api: ""
                trackers:
                  announce-timeout: 2s
                  udp-bind: 127.0.0.1:0
                """));
        for (String line : torrentLines) {
            assertNull(b.addTorrent(TorrentInputs.line(line, "test")));
        }
        return b;
    }

    static Object trackerField(Bridge b, String ih, String url, String field) {
        Map<String, Object> t = Bridges.tracker(b, ih, url);
        return t == null ? null : t.get(field);
    }

    @Test
    void overHttpTheBridgeGetsPeersButIsNotCountedAsALeecher() throws Exception {
        leecher(IH1, 7001);
        assertEquals(1, scrape(IH1)[1], "one real leecher");
        try (Bridge b = bridge(IH1 + " " + http())) {
            await("the bridge verifies the tracker", 15_000,
                    () -> "verified".equals(trackerField(b, IH1, http(), "status")));
            await("the bridge got the real leecher from the tracker", 5_000,
                    () -> ((Number) Bridges.torrent(b, IH1).get("knownPeers")).intValue() >= 1);
            long[] counts = scrape(IH1);
            assertEquals(0, counts[0], "not a seeder");
            assertEquals(1, counts[1], "incomplete unchanged: the bridge is not a leecher");
            List<InetSocketAddress> given = leecher(IH1, 7002);
            int bridgePort = b.listenAddress().getPort();
            assertFalse(given.stream().anyMatch(p -> p.getPort() == bridgePort), "the bridge is not handed out: " + given);
            assertEquals(2, scrape(IH1)[1], "the second real leecher counts");
        }
    }

    @Test
    void aTrackerThatRefusesPausedIsAskedWithoutIt() throws Exception {
        // Like chihaya, which answers an unknown event with a failure: a loopback tracker scripted that way.
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer strict = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        strict.createContext("/announce", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            String event = q.replaceAll(".*[?&]?event=([a-z]*).*", "$1");
            events.add(q.contains("event=") ? event : "");
            byte[] body = (event.equals("paused") ? "d14:failure reason13:unknown evente"
                    : "d8:intervali1800e5:peers0:e").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        strict.start();
        String url = "http://127.0.0.1:" + strict.getAddress().getPort() + "/announce";
        try (Bridge b = bridge(IH1 + " " + url)) {
            await("verified after asking without paused", 10_000, () -> "verified".equals(trackerField(b, IH1, url, "status")));
            assertEquals("paused", events.get(0));
            assertTrue(events.get(1).equals("started") || events.get(1).isEmpty(), events.toString());
            assertEquals(0L, ((Number) trackerField(b, IH1, url, "failures")).longValue(), "not held against the tracker");
        } finally {
            strict.stop(0);
        }
    }

    @Test
    void stoppedTakesTheBridgeOutOnRemovalAndOnClose() throws Exception {
        Bridge b = bridge(IH1 + " " + udp(), IH2 + " " + udp());
        try {
            await("UDP (no paused in BEP 15) counts the bridge in both swarms", 15_000, () -> {
                try {
                    return scrape(IH1)[1] == 1 && scrape(IH2)[1] == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(b.removeTorrent(InfoHash.fromHex(IH1)));
            assertFalse(b.removeTorrent(InfoHash.fromHex(IH1)), "not there any more");
            await("stopped removed the bridge from the first swarm", 5_000, () -> {
                try {
                    return scrape(IH1)[1] == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(1, scrape(IH2)[1]);
            assertEquals(List.of(IH2), ((List<?>) b.status().get("torrents")).stream()
                    .map(t -> ((Map<?, ?>) t).get("infoHash")).toList());
        } finally {
            long start = System.nanoTime();
            b.close();
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 4000, "close is bounded: " + took + " ms");
        }
        assertEquals(0, scrape(IH2)[1], "close sent stopped and waited for it");
    }
}

package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.e2e.InProcessTracker;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.client.HttpAnnounceClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against this project's real tracker on loopback, time driven by a manual clock: probes
 * start only when due (no sleeping: each tick returns the probes it started, which the test joins),
 * two failed probes make a tracker down and unadvertised, the next answer brings it back, history,
 * figures and webhook alerts follow.
 */
@Timeout(120)
class HealthMonitorTest {
    static final long T0 = 1_800_000_000_000L;
    static final long INTERVAL = 10_000;

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(T0);
    final BlockingQueue<JsonNode> webhook = new LinkedBlockingQueue<>();
    final ObjectMapper json = new ObjectMapper();
    final byte[] infoHash = new byte[20];
    HttpServer receiver;
    InProcessTracker tracker;
    SqliteHistoryStore store;
    HealthMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        new SecureRandom().nextBytes(infoHash);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            webhook.add(json.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        tracker = new InProcessTracker("127.0.0.1", dir.resolve("tracker"));
        // a cold tracker in a cold JVM may miss the very first exchange: wait (bounded) until both ports answer
        try (NetProbeClient warm = new NetProbeClient(Duration.ofSeconds(2), System::currentTimeMillis)) {
            for (String u : List.of(tracker.udpUrl(), tracker.httpUrl())) {
                for (int i = 0; i < 10 && !warm.probe(u, List.of(), false).get(30, TimeUnit.SECONDS).get(0).ok(); i++) {
                    // asked again at once: each probe waits up to its timeout
                }
            }
        }
        BridgeConfig.Health cfg = new BridgeConfig.Health(dir, Duration.ofMillis(INTERVAL), Duration.ofMillis(1000),
                10, Duration.ofDays(7), Duration.ofDays(90), Duration.ofMillis(50),
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), Duration.ofSeconds(2), 10);
        store = SqliteHistoryStore.open(dir, clock::get, cfg.rawRetention(), cfg.rollupRetention(), cfg.flushInterval());
        monitor = new HealthMonitor(cfg, clock::get, new NetProbeClient(cfg.probeTimeout(), clock::get), store,
                new Alerts(cfg.webhook(), cfg.webhookTimeout(), cfg.webhookQueue()), List::of);
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (tracker != null) {
            tracker.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    Map<String, List<byte[]>> urls() {
        Map<String, List<byte[]>> m = new LinkedHashMap<>();
        m.put(tracker.udpUrl(), List.of(infoHash));
        m.put(tracker.httpUrl(), List.of(infoHash));
        return m;
    }

    int tickAndJoin(long at) {
        clock.set(at);
        List<CompletableFuture<Void>> started = monitor.tick(at, urls());
        started.forEach(f -> f.orTimeout(20, TimeUnit.SECONDS).join());
        return started.size();
    }

    /** A seeder announces to the tracker, as a client would. */
    void seed() throws Exception {
        byte[] peerId = "-XX0001-abcdefghijkl".getBytes();
        String q = HttpAnnounceClient.buildQuery(infoHash, peerId, 51413, 0, 0, 0, AnnounceEvent.STARTED, 0, null);
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(HttpAnnounceClient.appendQuery(tracker.httpUrl(), q))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
    }

    /** What the tracker's own scrape says, asked directly. */
    Scrape.Figures scrapeDirectly() throws Exception {
        String url = HttpAnnounceClient.appendQuery(Scrape.scrapeUrl(tracker.httpUrl()), Scrape.query(List.of(infoHash)));
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return Scrape.parse(r.body(), List.of(infoHash));
    }

    @Test
    void probesWhenDueGoDownAfterTwoFailuresAndComeBackWithHistoryAndAlerts() throws Exception {
        seed();
        String udp = tracker.udpUrl();
        String http = tracker.httpUrl();

        assertEquals(2, tickAndJoin(T0), "both trackers probed at once");
        assertEquals(0, tickAndJoin(T0 + 1_000), "nothing due before the interval");
        assertEquals(0, tickAndJoin(T0 + INTERVAL - 1), "nothing due before the interval");
        for (String u : List.of(udp, http)) {
            TrackerHealth h = monitor.tracker(u);
            assertEquals("up", h.state(), u);
            assertTrue(h.advertised());
            assertTrue(monitor.advertisable(u));
        }
        Scrape.Figures truth = scrapeDirectly();
        assertEquals(1, truth.seeders());
        for (String u : List.of(udp, http)) {
            TrackerHealth h = monitor.tracker(u);
            assertEquals(truth.seeders(), h.seeders(), "seeders as the tracker's scrape says: " + u);
            assertEquals(truth.leechers(), h.leechers(), u);
            assertEquals(truth.downloads(), h.downloads(), u);
        }
        assertEquals("ipv4", monitor.tracker(udp).families().get(0).family());
        assertEquals("udp-connect", monitor.responseLog(udp, 1).get(0).kind());
        assertEquals("http-scrape", monitor.responseLog(http, 1).get(0).kind());

        assertEquals(2, tickAndJoin(T0 + INTERVAL));
        tracker.stop();
        assertEquals(2, tickAndJoin(T0 + 2 * INTERVAL));
        for (String u : List.of(udp, http)) {
            TrackerHealth h = monitor.tracker(u);
            assertEquals("up", h.state(), "one failed probe is not down yet: " + u);
            assertTrue(monitor.advertisable(u));
            assertEquals(1, h.families().get(0).consecutiveFailed());
            assertNotNull(h.lastError());
        }
        assertEquals(2, tickAndJoin(T0 + 3 * INTERVAL));
        for (String u : List.of(udp, http)) {
            TrackerHealth h = monitor.tracker(u);
            assertEquals("down", h.state(), "two failed probes in a row: " + u);
            assertFalse(h.advertised());
            assertFalse(monitor.advertisable(u));
            assertEquals(0, h.workingForMillis());
        }
        assertAlerts("tracker-down", udp, http);

        tracker.restart();
        clock.set(T0 + 3 * INTERVAL + 4_000);
        assertEquals(4_000, monitor.tracker(udp).downForMillis(), "down for, by the injected clock");
        assertEquals(2, tickAndJoin(T0 + 4 * INTERVAL));
        for (String u : List.of(udp, http)) {
            TrackerHealth h = monitor.tracker(u);
            assertEquals("up", h.state(), "answers again: " + u);
            assertTrue(monitor.advertisable(u));
        }
        assertAlerts("tracker-up", udp, http);

        store.flush();
        for (String u : List.of(udp, http)) {
            TrackerHealth h = monitor.tracker(u);
            // probes: ok, ok, fail, fail, ok
            assertEquals(60.0, h.uptime24h(), 1e-9, u);
            assertEquals(60.0, h.uptime30d(), 1e-9, u);
            assertEquals(60.0, h.uptimeLastN(), 1e-9, u);
            assertEquals(5, h.lastN());
            assertEquals(3, h.latencySamples());
            assertTrue(h.latencyP50Millis() <= h.latencyP95Millis());
            List<ProbeResult> log = monitor.responseLog(u, 5);
            assertEquals(List.of(true, false, false, true, true), log.stream().map(ProbeResult::ok).toList(),
                    "newest first");
            assertNotNull(log.get(1).error());
            List<HistoryPoint> hist = monitor.trackerHistory(u, T0, T0 + 3_600_000);
            assertEquals(5, hist.size());
        }
    }

    @Test
    void aDownTrackerStaysWithdrawnAcrossARestartWithItsLog() throws Exception {
        String udp = tracker.udpUrl();
        assertEquals(2, tickAndJoin(T0));
        tracker.stop();
        tickAndJoin(T0 + INTERVAL);
        tickAndJoin(T0 + 2 * INTERVAL);
        assertEquals("down", monitor.tracker(udp).state());
        monitor.close();
        monitor = null;

        BridgeConfig.Health cfg = new BridgeConfig.Health(dir, Duration.ofMillis(INTERVAL), Duration.ofMillis(1000),
                10, Duration.ofDays(7), Duration.ofDays(90), Duration.ofMillis(50), null, Duration.ofSeconds(2), 10);
        store = SqliteHistoryStore.open(dir, clock::get, cfg.rawRetention(), cfg.rollupRetention(), cfg.flushInterval());
        monitor = new HealthMonitor(cfg, clock::get, new NetProbeClient(cfg.probeTimeout(), clock::get), store,
                new Alerts(null, cfg.webhookTimeout(), cfg.webhookQueue()), List::of);
        assertFalse(monitor.advertisable(udp), "still withdrawn before any new probe");
        clock.set(T0 + 2 * INTERVAL + 500);
        monitor.tick(clock.get(), Map.of());
        Map<String, List<byte[]>> one = Map.of(udp, List.of(infoHash));
        tracker.restart();
        clock.set(T0 + 3 * INTERVAL);
        List<CompletableFuture<Void>> started = monitor.tick(clock.get(), one);
        assertEquals(1, started.size());
        started.forEach(f -> f.orTimeout(20, TimeUnit.SECONDS).join());
        TrackerHealth h = monitor.tracker(udp);
        assertEquals("up", h.state(), "the first answer after the restart");
        assertTrue(monitor.advertisable(udp));
        assertEquals(List.of(true, false, false, true), monitor.responseLog(udp, 4).stream().map(ProbeResult::ok).toList(),
                "the log from before the restart is kept: " + monitor.responseLog(udp, 10));
        assertEquals(50.0, h.uptimeLastN(), 1e-9);
    }

    @Test
    void aTorrentFallingBelowOneCopyRaisesOneAlertAndAnUnknownCountNone() throws Exception {
        monitor.torrentSample(new TorrentHealth("aa", "t", T0, 2, 1, 1, 10, 1.5, List.of()));
        monitor.torrentSample(new TorrentHealth("aa", "t", T0 + 1000, 1, 0, 1, 10, 0.5, List.of()));
        monitor.torrentSample(new TorrentHealth("aa", "t", T0 + 2000, 1, 0, 1, 10, 0.4, List.of()));
        monitor.torrentSample(new TorrentHealth("bb", "magnet", T0, 1, null, null, null, null, null));
        JsonNode a = webhook.poll(10, TimeUnit.SECONDS);
        assertNotNull(a, "an availability alert reached the webhook");
        assertEquals("availability-low", a.path("kind").asText());
        assertEquals("aa", a.path("subject").asText());
        assertEquals(0.5, a.path("value").asDouble(), 1e-9);
        assertEquals(1, monitor.alerts(10).size(), "no second alert while it stays low");
        TorrentHealth unknown = monitor.torrents().stream().filter(t -> t.infoHash().equals("bb")).findFirst().orElseThrow();
        assertNull(unknown.availability());
    }

    void assertAlerts(String kind, String... subjects) throws InterruptedException {
        java.util.Set<String> want = new java.util.HashSet<>(List.of(subjects));
        while (!want.isEmpty()) {
            JsonNode a = webhook.poll(10, TimeUnit.SECONDS);
            assertNotNull(a, "webhook got " + kind + " for " + want);
            assertEquals(kind, a.path("kind").asText(), a.toString());
            assertTrue(want.remove(a.path("subject").asText()), a.toString());
        }
    }
}

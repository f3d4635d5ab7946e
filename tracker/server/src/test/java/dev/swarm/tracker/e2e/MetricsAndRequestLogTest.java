package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.Hex;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * /metrics of a running tracker with every optional part on: every tracker metric has a description, announces over
 * HTTP and UDP land in the latency histograms, the JVM's own metrics are there; and the request log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsAndRequestLogTest {
    private static final byte[] HASH = "metrics-test-hash-01".getBytes(StandardCharsets.ISO_8859_1);
    private static final String TOKEN = "metrics-test-admin-token-0123456789abcdef";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private Tracker tracker;
    private int port;
    private int udpPort;
    private final ListAppender<ILoggingEvent> requests = new ListAppender<>();
    private final Logger requestLogger = (Logger) LoggerFactory.getLogger("tracker.requests");

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "store.type", "heap", "store.data-dir", dir.resolve("d").toString()));
        o.putAll(extra);
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, new DropwizardMetrics(new MetricRegistry()));
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
    }

    @AfterEach
    void stop() {
        requestLogger.detachAppender(requests);
        if (tracker != null) {
            tracker.close();
        }
    }

    private BDict httpAnnounce(String path, int peer) throws Exception {
        return TestNet.getBencoded("http://127.0.0.1:" + port + path + "?info_hash=" + TestNet.percentEncode(HASH)
                + "&peer_id=-TT0001-" + String.format("%012d", peer) + "&port=" + (7000 + peer)
                + "&uploaded=0&downloaded=0&left=10&event=started&numwant=20");
    }

    @Test
    void everyTrackerMetricIsDescribedAndRequestsAreTimedPerProtocol() throws Exception {
        Path list = Files.writeString(dir.resolve("list.txt"), "# none\n");
        start(Map.of("admin.listen", "127.0.0.1:0", "admin.token", TOKEN,
                "access.info-hash-list", list.toString(), "limits.announces-per-minute", "600"));
        assertNull(httpAnnounce("/announce", 1).get("failure reason"));
        TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape?info_hash=" + TestNet.percentEncode(HASH));
        try (UdpTestClient udp = new UdpTestClient(udpPort)) {
            assertInstanceOf(AnnounceResponse.class, udp.announce(HASH, "-TT0001-000000000002".getBytes(StandardCharsets.ISO_8859_1),
                    0, 100, 0, AnnounceEvent.STARTED, 7002, null));
            udp.scrape(HASH);
        }
        String text = new String(TestNet.get("http://127.0.0.1:" + port + "/metrics"), StandardCharsets.UTF_8);
        List<String> undescribed = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") && (line.contains("(no description)") || line.contains("Generated from Dropwizard"))) {
                undescribed.add(line);
            }
        }
        assertEquals(List.of(), undescribed, "metrics without a description");
        assertTrue(text.contains("# HELP tracker_store_peers Peers in the store"), text);
        for (String series : new String[] {"protocol=\"http\",request=\"announce\"", "protocol=\"http\",request=\"scrape\"",
                "protocol=\"udp\",request=\"announce\"", "protocol=\"udp\",request=\"scrape\""}) {
            assertTrue(text.contains("tracker_request_duration_seconds_count{" + series + "} 1\n"), series + " in:\n" + text);
        }
        assertTrue(text.contains("\njvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics");
        assertTrue(text.contains("\nprocess_cpu_seconds_total "), "process metrics");
    }

    @Test
    void theRequestLogWritesOneLinePerSampledRequestWithoutPasskeys() throws Exception {
        requests.start();
        requestLogger.addAppender(requests);
        start(Map.of("request-log.enabled", "true"));
        assertNull(httpAnnounce("/announce/secret-passkey-123", 1).get("failure reason"));
        TestNet.getBencoded("http://127.0.0.1:" + port + "/announce?info_hash=short");
        TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape?info_hash=" + TestNet.percentEncode(HASH));
        List<String> lines = linesOnceStopped();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("http 127\\.0\\.0\\.1 announce " + Hex.encode(HASH)
                + " started left=10 numwant=20 -> ok peers=0 \\d+(us|ms)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("http 127.0.0.1 announce -> failure \""), lines.get(1));
        assertTrue(lines.get(2).matches("http 127\\.0\\.0\\.1 scrape hashes=1 -> ok \\d+(us|ms)"), lines.get(2));
        assertFalse(String.join("\n", lines).contains("secret-passkey-123"), "no passkey in the log");
    }

    @Test
    void theRequestLogWritesUdpRequestsInTheSameFormat() throws Exception {
        requests.start();
        requestLogger.addAppender(requests);
        start(Map.of("request-log.enabled", "true", "limits.ban-after-invalid-ids", "2"));
        String d = " \\d+(us|ms)";
        try (UdpTestClient udp = new UdpTestClient(udpPort)) {
            // BEP 41 URL data with a passkey path: not written
            assertInstanceOf(AnnounceResponse.class, udp.announce(HASH, "-TT0001-000000000002".getBytes(
                    StandardCharsets.ISO_8859_1), 0, 100, 0, AnnounceEvent.STARTED, 7002,
                    "/announce/secret-passkey-udp"));
            assertInstanceOf(ScrapeResponse.class, udp.scrape(HASH));
            byte[] forged = udp.announcePacket(0x1234_5678L, HASH, "-TT0001-000000000003".getBytes(
                    StandardCharsets.ISO_8859_1), 0, 100, 0, AnnounceEvent.STARTED, 7003, null);
            assertInstanceOf(ErrorResponse.class, udp.request(forged), "the first invalid ID is answered");
            udp.send(forged); // the second gets the address banned: dropped, no reply
            udp.connect();    // its reply (not an error) shows the forged one was handled and unanswered
            udp.send(new byte[] {1, 2, 3});
            udp.connect();
            byte[] unknownAction = new byte[16];
            unknownAction[11] = 99;
            assertInstanceOf(ErrorResponse.class, udp.request(unknownAction));
        }
        List<String> lines = linesOnceStopped();
        List<String> expected = List.of(
                "udp 127\\.0\\.0\\.1 connect -> ok" + d,
                "udp 127\\.0\\.0\\.1 announce " + Hex.encode(HASH) + " started left=100 numwant=50 -> ok peers=0" + d,
                "udp 127\\.0\\.0\\.1 connect -> ok" + d,
                "udp 127\\.0\\.0\\.1 scrape hashes=1 -> ok" + d,
                "udp 127\\.0\\.0\\.1 announce -> failure \"invalid connection id\"" + d,
                "udp 127\\.0\\.0\\.1 announce -> dropped \\(invalid connection id, address banned\\)" + d,
                "udp 127\\.0\\.0\\.1 connect -> ok" + d,
                "udp 127\\.0\\.0\\.1 request -> dropped \\(packet shorter than 16 bytes\\)" + d,
                "udp 127\\.0\\.0\\.1 connect -> ok" + d,
                "udp 127\\.0\\.0\\.1 request -> failure \"unknown action\"" + d);
        assertEquals(expected.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(lines.get(i).matches(expected.get(i)), "line " + i + ": " + lines.get(i));
        }
        assertFalse(String.join("\n", lines).contains("secret-passkey"), "no passkey in the log");
    }

    /**
     * The request log's lines, read once the tracker has stopped: a line is written just after its response goes out,
     * so a client can hold the response before the line exists; closing waits for the frontends' threads to end.
     */
    private List<String> linesOnceStopped() {
        tracker.close();
        return requests.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aSampledRequestLogWritesOneLineInN() throws Exception {
        requests.start();
        requestLogger.addAppender(requests);
        start(Map.of("request-log.enabled", "true", "request-log.sample", "3"));
        for (int i = 0; i < 9; i++) {
            httpAnnounce("/announce", i);
        }
        assertEquals(3, linesOnceStopped().size());
        requests.list.clear();
        start(Map.of());
        httpAnnounce("/announce", 1);
        try (UdpTestClient udp = new UdpTestClient(udpPort)) {
            assertInstanceOf(AnnounceResponse.class, udp.announce(HASH, "-TT0001-000000000002".getBytes(
                    StandardCharsets.ISO_8859_1), 0, 100, 0, AnnounceEvent.STARTED, 7002, null));
        }
        assertEquals(List.of(), linesOnceStopped(), "off by default, HTTP and UDP");
    }
}

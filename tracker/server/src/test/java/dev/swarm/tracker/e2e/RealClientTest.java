package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import com.codahale.metrics.MetricRegistry;
import java.time.InstantSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real BitTorrent clients from Debian (python3-libtorrent 2.0, aria2 1.36) download through the tracker on loopback.
 * scripts/test installs the packages; without them these tests fail rather than skip when CI=true.
 */
class RealClientTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/resources/e2e/lt_swarm.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The IANA dynamic port range, for clients that take a range instead of port 0. */
    private static final String EPHEMERAL_RANGE = "49152-65535";

    @TempDir
    Path dir;
    private Tracker tracker;
    private DropwizardMetrics metrics;
    private int port;
    private int udpPort;

    @BeforeEach
    void start() throws Exception {
        requireTool(PYTHON, "-c", "import libtorrent");
        TrackerConfig cfg = ConfigLoader.load(null, Map.of(
                "http.listen", "127.0.0.1:0",
                "udp.listen", "127.0.0.1:0",
                "store.data-dir", dir.resolve("store").toString()));
        metrics = new DropwizardMetrics(new MetricRegistry());
        tracker = Tracker.start(cfg, InstantSource.system(), metrics);
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    static void requireTool(String... cmd) throws IOException, InterruptedException {
        boolean ok;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(ok, "required tool missing: " + String.join(" ", cmd) + " (scripts/test installs it)");
        }
        assumeTrue(ok, "tool missing: " + cmd[0]);
    }

    /**
     * Runs the libtorrent swarm driver; returns its report and the process, still in the swarm until stdin closes.
     * Its sessions listen on port 0 (the driver's default): libtorrent binds a free port and announces it.
     */
    private Process startSwarm(String trackerUrl) throws Exception {
        return new ProcessBuilder(PYTHON, SCRIPT.toString(), "swarm", "--tracker", trackerUrl,
                "--workdir", dir.resolve("swarm").toString(), "--timeout", "45")
                .redirectError(dir.resolve("swarm.err").toFile())
                .start();
    }

    private JsonNode report(Process p) throws Exception {
        return JSON.readTree(readLineStartingWith(p, "{", dir.resolve("swarm.err")));
    }

    private static void finish(Process p) throws Exception {
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private BDict httpScrape(String infoHashHex) throws Exception {
        byte[] h = HexFormat.of().parseHex(infoHashHex);
        BDict reply = TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape?info_hash=" + TestNet.percentEncode(h));
        return reply.dict("files").dict(new String(h, StandardCharsets.ISO_8859_1));
    }

    private void assertDownloadThroughTracker(String url) throws Exception {
        Process p = startSwarm(url);
        try {
            assertSwarm(report(p));
        } finally {
            finish(p);
        }
        assertEquals(0, p.exitValue(), "driver exit: " + Files.readString(dir.resolve("swarm.err")));
    }

    private void assertSwarm(JsonNode r) throws Exception {
        assertTrue(r.get("seeded").asBoolean(), "seeder announced: " + r);
        assertTrue(r.get("finished").asBoolean(), "leecher finished: " + r);
        assertTrue(r.get("identical").asBoolean(), "downloaded file identical: " + r);
        assertTrue(r.get("completed_acknowledged").asBoolean(), "tracker answered the completed announce: " + r);
        assertEquals(0, r.get("tracker_errors").size(), "no tracker errors: " + r);
        boolean leecherGotPeer = false;
        for (JsonNode reply : r.get("tracker_replies")) {
            leecherGotPeer |= reply.get("who").asText().equals("leecher") && reply.get("num_peers").asInt() >= 1;
        }
        assertTrue(leecherGotPeer, "the tracker gave the leecher the seeder: " + r);
        // libtorrent's own scrape: both are seeders now.
        assertEquals(2, r.get("scrape").get("complete").asInt(), "libtorrent scrape: " + r);
        assertEquals(0, r.get("scrape").get("incomplete").asInt(), "libtorrent scrape: " + r);
        BDict files = httpScrape(r.get("info_hash").asText());
        assertEquals(2L, files.integer("complete"));
        assertEquals(0L, files.integer("incomplete"));
        assertEquals(1L, files.integer("downloaded"));
    }

    @Test
    void libtorrentSeederAndLeecherOverHttp() throws Exception {
        assertDownloadThroughTracker("http://127.0.0.1:" + port + "/announce");
    }

    @Test
    void libtorrentSeederAndLeecherOverUdp() throws Exception {
        assertDownloadThroughTracker("udp://127.0.0.1:" + udpPort + "/announce");
    }

    @Test
    void aria2DownloadsOverUdpTracker() throws Exception {
        requireTool("aria2c", "--version");
        Path work = dir.resolve("aria");
        Files.createDirectories(work);
        Process seeder = new ProcessBuilder(PYTHON, SCRIPT.toString(), "seed", "--tracker", "udp://127.0.0.1:" + udpPort + "/announce",
                "--workdir", work.toString(), "--timeout", "120")
                .redirectError(work.resolve("seed.err").toFile())
                .start();
        try {
            String ready = readLineStartingWith(seeder, "READY ", work.resolve("seed.err"));
            String[] parts = ready.split(" ");
            String infoHash = parts[1];
            Path torrent = Path.of(parts[2]);
            Path out = work.resolve("aria-out");
            List<String> cmd = new ArrayList<>(List.of("aria2c", "--dir=" + out, "--seed-time=0",
                    "--enable-dht=true", "--enable-dht6=false", "--dht-file-path=" + work.resolve("dht.dat"),
                    // Port ranges: aria2 binds the first free port of each (it takes no port 0).
                    "--dht-listen-port=" + EPHEMERAL_RANGE, "--listen-port=" + EPHEMERAL_RANGE,
                    "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--bt-stop-timeout=60",
                    "--summary-interval=0", "--console-log-level=warn", torrent.toString()));
            Process aria = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("aria.log").toFile()).start();
            boolean ended = aria.waitFor(90, TimeUnit.SECONDS);
            if (!ended) {
                aria.destroyForcibly();
            }
            assertTrue(ended && aria.exitValue() == 0, "aria2c finished: " + Files.readString(work.resolve("aria.log")));
            assertEquals(-1, Files.mismatch(work.resolve("seed/payload.bin"), out.resolve("payload.bin")), "identical file");
            // aria2 found the seeder only through the tracker (no DHT nodes, LPD or PEX here). With --seed-time=0 it
            // sends no 'completed' (it goes straight to 'stopped'), so the swarm is back to the seeder alone.
            assertTrue(metrics.counter("udp.announce").count() >= 3, "seeder started, aria2 started and stopped");
            BDict files = httpScrape(infoHash);
            assertEquals(1L, files.integer("complete"), "the seeder is still there");
            assertEquals(0L, files.integer("incomplete"), "aria2's stopped announce removed it");
        } finally {
            seeder.getOutputStream().close();
            if (!seeder.waitFor(20, TimeUnit.SECONDS)) {
                seeder.destroyForcibly();
            }
        }
    }

    /** The first stdout line of a driver process, which must start with {@code prefix}. */
    private static String readLineStartingWith(Process p, String prefix, Path errLog) throws IOException {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(line != null && line.startsWith(prefix), "expected '" + prefix + "...', got: " + line + " / " + Files.readString(errLog));
        return line;
    }

    /**
     * Transmission 3.00 seeds, a libtorrent leecher downloads from it: Transmission will not dial 127.x peers it
     * learns from a tracker, but it accepts them, so the leecher must find it through our tracker and connect to it.
     */
    @Test
    void libtorrentLeecherDownloadsFromATransmissionSeederFoundThroughTheTracker() throws Exception {
        requireTool("transmission-cli", "--version");
        Path work = dir.resolve("tr");
        Path config = work.resolve("transmission-config");
        Files.createDirectories(config);
        // Loopback only: no DHT, LPD, PEX, uTP or port mapping, and bound to 127.0.0.1.
        Files.writeString(config.resolve("settings.json"), """
                {"dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
                 "port-forwarding-enabled": false, "bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1",
                 "blocklist-enabled": false, "encryption": 0, "ratio-limit-enabled": false,
                 "peer-port-random-on-start": true, "peer-port-random-low": 49152, "peer-port-random-high": 65535}
                """);
        String url = "http://127.0.0.1:" + port + "/announce";
        Process make = new ProcessBuilder(PYTHON, SCRIPT.toString(), "make", "--tracker", url, "--workdir", work.toString())
                .redirectError(work.resolve("make.err").toFile()).start();
        String made = readLineStartingWith(make, "MADE ", work.resolve("make.err"));
        assertTrue(make.waitFor(60, TimeUnit.SECONDS) && make.exitValue() == 0);
        String infoHash = made.split(" ")[1];
        Path torrent = Path.of(made.split(" ")[2]);

        Process transmission = new ProcessBuilder("transmission-cli", "-g", config.toString(), "-w", work.resolve("seed").toString(),
                "-et", torrent.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("transmission.log").toFile()).start();
        Process leecher = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (httpScrape(infoHash).integer("complete") != 1L) {
                assertTrue(System.nanoTime() < deadline, "Transmission announced itself as a seeder: "
                        + Files.readString(work.resolve("transmission.log")));
                Thread.sleep(100);
            }
            leecher = new ProcessBuilder(PYTHON, SCRIPT.toString(), "leech", "--torrent", torrent.toString(),
                    "--workdir", work.toString(), "--timeout", "60")
                    .redirectError(work.resolve("leech.err").toFile()).start();
            JsonNode r = JSON.readTree(readLineStartingWith(leecher, "{", work.resolve("leech.err")));
            assertTrue(r.get("finished").asBoolean(), "libtorrent finished from Transmission: " + r
                    + " / " + Files.readString(work.resolve("transmission.log")));
            assertEquals(0, r.get("tracker_errors").size(), r.toString());
            assertEquals(-1, Files.mismatch(work.resolve("seed/payload.bin"), work.resolve("leech/payload.bin")));
            BDict files = httpScrape(infoHash);
            assertEquals(2L, files.integer("complete"), "both seed now");
            assertEquals(1L, files.integer("downloaded"));
        } finally {
            if (leecher != null) {
                finish(leecher);
            }
            transmission.destroy();
            if (!transmission.waitFor(20, TimeUnit.SECONDS)) {
                transmission.destroyForcibly();
            }
        }
    }
}

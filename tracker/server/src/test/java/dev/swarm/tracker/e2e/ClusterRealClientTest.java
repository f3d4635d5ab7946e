package dev.swarm.tracker.e2e;

import static dev.swarm.tracker.e2e.ClusterNodes.quietly;
import static dev.swarm.tracker.e2e.ClusterNodes.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.tracker.Tracker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients on three nodes of one cluster (one redis-server): a libtorrent seeder announces only to node A, a
 * libtorrent leecher only to node B, and the leecher downloads from the seeder (it can only have learned of it through
 * replication); then node C lists both, and aria2c, which knows only node C, downloads from them.
 */
class ClusterRealClientTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/resources/e2e/lt_swarm.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void seederOnALeecherOnBAndAria2OnCShareOneSwarm() throws Exception {
        RedisProcess.requireRedis();
        RealClientTest.requireTool(PYTHON, "-c", "import libtorrent");
        RealClientTest.requireTool("aria2c", "--version");
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            Tracker a = nodes.start("a", redis.url());
            Tracker b = nodes.start("b", redis.url());
            Tracker c = nodes.start("c", redis.url());
            Path work = dir.resolve("clients");
            Files.createDirectories(work);
            Process seeder = new ProcessBuilder(PYTHON, SCRIPT.toString(), "seed", "--tracker", url(a), "--workdir",
                    work.toString(), "--timeout", "150").redirectError(work.resolve("seed.err").toFile()).start();
            Process leecher = null;
            try {
                String[] ready = firstLine(seeder, work.resolve("seed.err")).split(" ");
                assertEquals("READY", ready[0], String.join(" ", ready));
                byte[] hash = HexFormat.of().parseHex(ready[1]);
                Path torrent = Path.of(ready[2]);
                leecher = new ProcessBuilder(PYTHON, SCRIPT.toString(), "leech", "--torrent", torrent.toString(),
                        "--tracker", url(b), "--workdir", work.toString(), "--timeout", "150")
                        .redirectError(work.resolve("leech.err").toFile()).start();
                JsonNode report = JSON.readTree(firstLine(leecher, work.resolve("leech.err")));
                assertTrue(report.get("finished").asBoolean(), "the leecher on B did not finish: " + report);
                assertEquals(-1, Files.mismatch(work.resolve("seed/payload.bin"), work.resolve("leech/payload.bin")));
                // Node C, which neither client talked to, lists both (two peers on 127.0.0.1, seeders now)
                Set<Integer> ports = new HashSet<>();
                assertTrue(within(10_000, quietly(() -> {
                    AnnounceResponse r = ClusterNodes.announce(c, hash, 9, 6999, false, AnnounceEvent.NONE);
                    ports.clear();
                    byte[] p = r.peers();
                    for (int i = 0; i + 6 <= p.length; i += 6) {
                        if (p[i] == 127 && p[i + 1] == 0 && p[i + 2] == 0 && p[i + 3] == 1) {
                            ports.add((p[i + 4] & 0xFF) << 8 | (p[i + 5] & 0xFF));
                        }
                    }
                    return ports.size() == 2 && r.seeders() == 2;
                })), "node C lists " + ports);
                ClusterNodes.announce(c, hash, 9, 6999, false, AnnounceEvent.STOPPED);
                // aria2c knows only node C; it gets the two libtorrent peers from it and downloads
                Path out = work.resolve("aria-out");
                Process aria = new ProcessBuilder(List.of("aria2c", "--dir=" + out, "--seed-time=0",
                        "--bt-exclude-tracker=*", "--bt-tracker=" + url(c), "--enable-dht=false", "--enable-dht6=false",
                        "--listen-port=49152-65535", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                        "--bt-stop-timeout=60", "--summary-interval=0", "--console-log-level=warn", torrent.toString()))
                        .redirectErrorStream(true).redirectOutput(work.resolve("aria.log").toFile()).start();
                boolean ended = aria.waitFor(90, TimeUnit.SECONDS);
                if (!ended) {
                    aria.destroyForcibly();
                }
                assertTrue(ended && aria.exitValue() == 0, "aria2c: " + Files.readString(work.resolve("aria.log")));
                assertEquals(-1, Files.mismatch(work.resolve("seed/payload.bin"), out.resolve("payload.bin")));
                // one completed download (the libtorrent leecher's, announced to B) is counted on every node
                for (Tracker t : List.of(a, b, c)) {
                    assertTrue(within(5_000, quietly(() -> ClusterNodes.scrape(t, hash)[1] == 1)),
                            "downloads on " + t.cluster().nodeName());
                }
            } finally {
                if (leecher != null) {
                    end(leecher);
                }
                end(seeder);
            }
        }
    }

    private static String url(Tracker t) {
        return "http://127.0.0.1:" + t.httpAddress().getPort() + "/announce";
    }

    private static String firstLine(Process p, Path err) throws Exception {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(line != null, "no output: " + Files.readString(err));
        return line;
    }

    private static void end(Process p) throws Exception {
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}

package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.health.ProbeResult;
import dev.swarm.peerbridge.health.SqliteHistoryStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge process (this module's Main on the test class path) probing a real tracker every 200 ms,
 * killed with SIGKILL: the history file opens cleanly afterwards ({@code quick_check} passes) and
 * holds every result up to the last seconds before the kill (commits every second, the default).
 */
@Timeout(120)
class HealthCrashTest {
    @TempDir
    Path dir;

    @Test
    void killMinusNineLosesAtMostTheLastSeconds() throws Exception {
        try (InProcessTracker tracker = new InProcessTracker("127.0.0.1", dir.resolve("tracker"))) {
            Path data = dir.resolve("bridge-data");
            String hash = HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                    17, 18, 19, 20});
            Path config = dir.resolve("peerbridge.yaml");
            Files.writeString(config, """
                    data-dir: "%s"
                    listen: 127.0.0.1:0
                    api: ""
                    trackers:
                      udp-bind: 127.0.0.1:0
                    health:
                      probe-interval: 200ms
                      probe-timeout: 1s
                    torrents:
                      - "%s %s %s"
                    """.formatted(data, hash, tracker.udpUrl(), tracker.httpUrl()));
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.swarm.peerbridge.Main", "run",
                    "--config", config.toString()));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                CompletableFuture<String> ready = new CompletableFuture<>();
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            if (l.startsWith("peerbridge ready")) {
                                ready.complete(l);
                            }
                        }
                    } catch (java.io.IOException e) {
                        // process ended
                    }
                    ready.complete(null);
                }, "bridge-stdout");
                reader.setDaemon(true);
                reader.start();
                String line = ready.get(60, TimeUnit.SECONDS);
                assertTrue(line != null, "bridge process printed its ready line");

                Path file = data.resolve(SqliteHistoryStore.FILE);
                // read the live file from this process (WAL lets a reader in) until enough probes are committed
                Bridges.await("the running bridge committed 20 probe results", 60_000, () -> count(file) >= 20);
                long seen = count(file);
                long killedAt = System.currentTimeMillis();
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, p.exitValue(), "killed by SIGKILL");

                try (SqliteHistoryStore store = SqliteHistoryStore.open(data, System::currentTimeMillis,
                        Duration.ofDays(7), Duration.ofDays(90), Duration.ofSeconds(1))) {
                    List<ProbeResult> udp = store.recent(tracker.udpUrl(), 100_000);
                    List<ProbeResult> http = store.recent(tracker.httpUrl(), 100_000);
                    assertTrue(udp.size() + http.size() >= seen, "nothing committed was lost: " + (udp.size()
                            + http.size()) + " < " + seen);
                    long newest = Math.max(udp.get(0).atMillis(), http.get(0).atMillis());
                    System.out.println("health crash: newest kept result " + (killedAt - newest)
                            + " ms before the kill, " + (udp.size() + http.size()) + " results kept");
                    assertTrue(killedAt - newest <= 2_500, "all but the last seconds: newest result "
                            + (killedAt - newest) + " ms before the kill");
                    assertTrue(udp.get(0).ok() && http.get(0).ok(), "the live tracker answered the last probes");
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static long count(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM results WHERE kind <> 'announce'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // not created yet
        }
    }
}

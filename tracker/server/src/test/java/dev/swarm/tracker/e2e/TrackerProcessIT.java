package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.bencode.BDict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tracker as an operator runs it, through {@code scripts/run}: readiness line, SIGTERM → exit 0 with
 * the store closed, peers still there after a restart, configuration errors named, the default config printed.
 */
class TrackerProcessIT {
    private static final byte[] HASH = "restart-test-hash-01".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private Process start(String... args) throws IOException {
        return ScriptRun.start(dir.resolve("stderr.log"), Map.of(), args);
    }

    private static String awaitReady(Process p, Path stderr) throws Exception {
        return ScriptRun.awaitReady(p, stderr);
    }

    /** Even peer ports are seeders (left=0), odd ones leechers, unless the event is completed. */
    private String announce(int port, int peerPort, String event) {
        boolean seeder = peerPort % 2 == 0 || event.equals("completed");
        return "http://127.0.0.1:" + port + "/announce?info_hash=" + TestNet.percentEncode(HASH)
                + "&peer_id=-IT0001-" + String.format("%012d", peerPort) + "&port=" + peerPort
                + "&uploaded=0&downloaded=0&left=" + (seeder ? 0 : 100) + "&event=" + event;
    }

    private static int stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tracker stopped within 30 s of SIGTERM");
        return p.exitValue();
    }

    @Test
    void peersSurviveARestartAndSigtermExitsZero() throws Exception {
        Path data = dir.resolve("data");
        Process p = start("--http", "127.0.0.1:0", "--udp", "127.0.0.1:0", "--data-dir", data.toString());
        int port;
        int udpPort;
        try {
            String ready = awaitReady(p, dir.resolve("stderr.log"));
            port = ScriptRun.port(ready, "http");
            udpPort = ScriptRun.port(ready, "udp");
            assertTrue(port != 0 && udpPort != 0, "the bound ports, not the configured 0: " + ready);
            for (int i = 0; i < 10; i++) {
                BDict r = TestNet.getBencoded(announce(port, 20000 + i, "started"));
                assertNull(r.get("failure reason"));
            }
            TestNet.getBencoded(announce(port, 20001, "completed"));
        } finally {
            assertEquals(0, stop(p), "exit code after SIGTERM; stderr: " + Files.readString(dir.resolve("stderr.log")));
        }
        String log = Files.readString(dir.resolve("stderr.log"));
        assertTrue(log.contains("store closed"), log);

        // The restart takes the ports of the first run, as an operator's restart does.
        Process again = start("--http", "127.0.0.1:" + port, "--udp", "127.0.0.1:" + udpPort, "--data-dir", data.toString());
        try {
            awaitReady(again, dir.resolve("stderr.log"));
            BDict files = TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape?info_hash=" + TestNet.percentEncode(HASH))
                    .dict("files").dict(new String(HASH, StandardCharsets.ISO_8859_1));
            assertEquals(6L, files.integer("complete"), "5 even ports are seeders, plus 20001 completed");
            assertEquals(4L, files.integer("incomplete"));
            assertEquals(1L, files.integer("downloaded"));
            BDict r = TestNet.getBencoded(announce(port, 30001, "started") + "&numwant=50");
            byte[] peers = r.bytes("peers");
            assertEquals(10 * 6, peers.length, "all ten peers from before the restart are returned");
        } finally {
            assertEquals(0, stop(again));
        }
    }

    @Test
    void configErrorsNameTheKeyAndExitNonZero() throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "udp:\n  listen: 127.0.0.1:6969\n  treads: 4\n");
        Process p = start("--config", cfg.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.log")).contains("udp.treads: unknown key"));
    }

    @Test
    void printsTheDefaultConfig() throws Exception {
        Process p = start("--print-default-config");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(Files.readString(Path.of("../../conf/tracker.yaml")), out);
    }

    @Test
    void aPortInUseIsAClearErrorNotAHang() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Process p = start("--http", "127.0.0.1:" + port, "--udp", "off", "--data-dir", dir.resolve("d").toString());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            String stderr = Files.readString(dir.resolve("stderr.log"));
            assertTrue(stderr.contains("tracker: cannot listen on http 127.0.0.1:" + port
                    + ": address in use (another process holds it)\n"), stderr);
            assertFalse(stderr.contains("null"), stderr);
            assertFalse(stderr.contains("Exception"), "no stack trace: " + stderr);
        }
    }
}

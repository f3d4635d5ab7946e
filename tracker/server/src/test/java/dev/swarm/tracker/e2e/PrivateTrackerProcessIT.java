package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.swarm.protocol.bencode.BDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tracker in private mode as an operator runs it: the admin token from TRACKER_ADMIN_TOKEN, --mode and
 * --admin flags, and a SIGKILL after the accounting flush: users, torrents, accounting and the session baseline are
 * all there after the restart, and the token is never in the log; a member's upload-only standing survives a SIGKILL.
 */
class PrivateTrackerProcessIT {
    private static final String HASH_HEX = "c0c1c2c3c4c5c6c7c8c9d0d1d2d3d4d5d6d7d8d9";

    @TempDir
    Path dir;

    /** Starts the tracker; 0 for a port lets the kernel pick (read it from the ready line). */
    private Process start(int port, int adminPort) throws IOException {
        Path cfg = dir.resolve("private.yaml");
        Files.writeString(cfg, "registry:\n  flush-interval: 200ms\nratio:\n  required: [0=0.5]\n");
        return ScriptRun.start(dir.resolve("stderr.log"), Map.of("TRACKER_ADMIN_TOKEN", AdminApiTest.TOKEN),
                "--config", cfg.toString(), "--mode", "private", "--admin", "127.0.0.1:" + adminPort,
                "--http", "127.0.0.1:" + port, "--udp", "off", "--data-dir", dir.resolve("data").toString());
    }

    private String awaitReady(Process p) throws Exception {
        return ScriptRun.awaitReady(p, dir.resolve("stderr.log"));
    }

    private static AdminApiTest.Reply admin(int adminPort, String method, String path, String body) throws Exception {
        return AdminApiTest.call(adminPort, method, path, body, "Bearer " + AdminApiTest.TOKEN);
    }

    private static void announce(int port, String passkey, long uploaded, String event) throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce/" + passkey + "?info_hash="
                + HASH_HEX.replaceAll("(..)", "%$1") + "&peer_id=-TT0001-000000000001&port=7001&uploaded=" + uploaded
                + "&downloaded=0&left=0" + (event == null ? "" : "&event=" + event));
        assertNull(r.get("failure reason"), r.toString());
    }

    /** An announce of alice's second client (peer 7002) on {@code hashHex}; the failure reason or null. */
    private static String announce2(int port, String passkey, String hashHex, long up, long down, long left, String event)
            throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce/" + passkey + "?info_hash="
                + hashHex.replaceAll("(..)", "%$1") + "&peer_id=-TT0001-000000000002&port=7002&uploaded=" + up
                + "&downloaded=" + down + "&left=" + left + (event == null ? "" : "&event=" + event));
        return r.get("failure reason") == null ? null : r.string("failure reason");
    }

    private static long uploaded(int adminPort) throws Exception {
        JsonNode rows = admin(adminPort, "GET", "/accounting?user=alice", null).body();
        return rows.size() == 0 ? -1 : rows.get(0).get("uploaded").asLong();
    }

    @Test
    void accountingSurvivesAKillAfterTheFlush() throws Exception {
        Path journal = dir.resolve("data/registry/registry.jsonl");
        Process p = start(0, 0);
        String passkey;
        int port;
        int adminPort;
        try {
            String ready = awaitReady(p);
            port = ScriptRun.port(ready, "http");
            adminPort = ScriptRun.port(ready, "admin");
            assertTrue(ready.contains("admin=127.0.0.1:" + adminPort) && adminPort != 0, ready);
            assertEquals(401, AdminApiTest.call(adminPort, "GET", "/users", null, null).status());
            passkey = admin(adminPort, "POST", "/users", "{\"name\":\"alice\"}").body().get("passkey").asText();
            assertEquals(201, admin(adminPort, "PUT", "/torrents/" + HASH_HEX, null).status());
            announce(port, passkey, 0, "started");
            announce(port, passkey, 1000, null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(journal) && Files.readString(journal).contains("\"uploaded\":1000"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling a file the tracker flushes every 200 ms, bounded by the deadline
            }
            assertTrue(Files.readString(journal).contains("\"uploaded\":1000"), "flushed within 20 s");
        } finally {
            p.destroyForcibly(); // SIGKILL: no clean shutdown, no last flush
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }

        // The restart takes the ports of the first run, as an operator's restart does.
        Process again = start(port, adminPort);
        try {
            awaitReady(again);
            assertEquals(passkey, admin(adminPort, "GET", "/users/alice", null).body().get("passkey").asText());
            assertEquals(200, admin(adminPort, "GET", "/torrents/" + HASH_HEX, null).status());
            assertEquals(1000, uploaded(adminPort));
            announce(port, passkey, 1500, null);
            assertEquals(1500, uploaded(adminPort), "the session baseline survived the kill too");
        } finally {
            again.destroy();
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
        }
        assertFalse(Files.readString(dir.resolve("stderr.log")).contains(AdminApiTest.TOKEN), "the token is not logged");
    }

    @Test
    void ratioStandingsSurviveAKill() throws Exception {
        String other = "e0e1e2e3e4e5e6e7e8e9f0f1f2f3f4f5f6f7f8f9";
        Path journal = dir.resolve("data/registry/registry.jsonl");
        Process p = start(0, 0);
        String passkey;
        int port;
        int adminPort;
        String refusal = "ratio 0.00 below the required 0.50: seeding only until it is met";
        try {
            String ready = awaitReady(p);
            port = ScriptRun.port(ready, "http");
            adminPort = ScriptRun.port(ready, "admin");
            passkey = admin(adminPort, "POST", "/users", "{\"name\":\"alice\"}").body().get("passkey").asText();
            assertEquals(201, admin(adminPort, "PUT", "/torrents/" + HASH_HEX, null).status());
            assertEquals(201, admin(adminPort, "PUT", "/torrents/" + other, null).status());
            assertNull(announce2(port, passkey, HASH_HEX, 0, 0, 1000, "started"));
            assertNull(announce2(port, passkey, HASH_HEX, 0, 1000, 0, "completed"));
            assertEquals(refusal, announce2(port, passkey, other, 0, 0, 1000, "started"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(journal) && Files.readString(journal).contains("\"state\":\"upload-only\""))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling a file the tracker flushes every 200 ms, bounded by the deadline
            }
            assertTrue(Files.readString(journal).contains("\"state\":\"upload-only\""), "flushed within 20 s");
        } finally {
            p.destroyForcibly(); // SIGKILL: no clean shutdown, no last flush
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }

        // The restart takes the ports of the first run, as an operator's restart does.
        Process again = start(port, adminPort);
        try {
            awaitReady(again);
            JsonNode m = admin(adminPort, "GET", "/members/alice", null).body();
            assertEquals("upload-only", m.get("state").asText(), m.toString());
            assertEquals(refusal, announce2(port, passkey, other, 0, 0, 1000, "started"));
            // The session baseline survived as well: 500 more uploaded bring the ratio to 0.5.
            assertNull(announce2(port, passkey, HASH_HEX, 500, 1000, 0, null));
            assertEquals("normal", admin(adminPort, "GET", "/members/alice", null).body().get("state").asText());
            assertNull(announce2(port, passkey, other, 0, 0, 1000, "started"));
        } finally {
            again.destroy();
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
        }
    }
}

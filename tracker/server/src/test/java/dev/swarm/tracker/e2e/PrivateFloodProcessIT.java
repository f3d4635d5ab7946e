package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.bencode.BDict;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 4 on the packaged tracker with its fixed 256 MiB heap (conf/jvm.options): one passkey floods private
 * mode with new peer_ids until every session of the default {@code registry.max-sessions} is taken (the announce rate
 * limit off and the per-user share raised to all of it, the worst case). The tracker stays up with the heap in its
 * bound (GC log: no full collections, no OutOfMemoryError), another user is served and accounted throughout, and
 * SIGTERM's last flush writes all of it (the flush interval is 5 minutes, longer than the test, so only that flush
 * can have written it).
 */
@Timeout(300)
class PrivateFloodProcessIT {
    private static final String HASH_HEX = "f0f1f2f3f4f5f6f7f8f9e0e1e2e3e4e5e6e7e8e9";
    private static final int MAX_SESSIONS = 150_000; // the default

    @TempDir
    Path dir;

    @Test
    void aFloodOfPeerIdsFromOnePasskeyFillsItsBoundAndNoMoreAndSigtermFlushes() throws Exception {
        Path cfg = dir.resolve("flood.yaml");
        Files.writeString(cfg, "registry:\n  flush-interval: 5m\n  max-sessions-per-user: " + MAX_SESSIONS
                + "\nlimits:\n  announces-per-minute: 0\n");
        Path gcLog = dir.resolve("gc.log");
        Process p = ScriptRun.start(dir.resolve("stderr.log"), Map.of("TRACKER_ADMIN_TOKEN", AdminApiTest.TOKEN,
                        "TRACKER_JAVA_OPTS", "-Xlog:gc:file=" + gcLog),
                "--config", cfg.toString(), "--mode", "private", "--admin", "127.0.0.1:0", "--http", "127.0.0.1:0",
                "--udp", "127.0.0.1:0", "--data-dir", dir.resolve("data").toString());
        try {
            String ready = ScriptRun.awaitReady(p, dir.resolve("stderr.log"));
            int http = ScriptRun.port(ready, "http");
            int udp = ScriptRun.port(ready, "udp");
            int admin = ScriptRun.port(ready, "admin");
            String mallory = admin(admin, "POST", "/users", "{\"name\":\"mallory\"}").body().get("passkey").asText();
            String alice = admin(admin, "POST", "/users", "{\"name\":\"alice\"}").body().get("passkey").asText();
            assertEquals(201, admin(admin, "PUT", "/torrents/" + HASH_HEX, null).status());
            byte[] hash = java.util.HexFormat.of().parseHex(HASH_HEX);
            announce(http, alice, 0, "started");
            int answered = 0;
            try (UdpTestClient flood = new UdpTestClient(udp, InetAddress.getByName("127.0.0.1"))) {
                long id = flood.connect();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                byte[] peer = "-TT0001-000000000000".getBytes(StandardCharsets.ISO_8859_1);
                // Bounded: MAX_SESSIONS + 20,000 announces, or 150 s.
                for (int i = 0; i < MAX_SESSIONS + 20_000 && System.nanoTime() < deadline; i++) {
                    ByteBuffer.wrap(peer).putInt(16, i);
                    if (i % 100_000 == 99_999) {
                        id = flood.connect(); // within connection-id-lifetime
                    }
                    byte[] r = flood.exchange(flood.announcePacket(id, hash, peer, 0, 100, 0, AnnounceEvent.STARTED,
                            1024 + i % 60_000, "/announce/" + mallory), 2000);
                    answered += r == null ? 0 : 1;
                    if (i % 20_000 == 0) {
                        announce(http, alice, i, null); // another user is served throughout
                    }
                }
            }
            assertTrue(answered >= MAX_SESSIONS + 19_000, "the flood was answered: " + answered);
            String metrics = new String(TestNet.get("http://127.0.0.1:" + http + "/metrics"), StandardCharsets.UTF_8);
            assertEquals(MAX_SESSIONS, metric(metrics, "tracker_registry_sessions"), "the bound, alice's one included");
            assertTrue(metric(metrics, "tracker_accounting_no_room_total") >= 19_000, metrics);
            announce(http, alice, 200_000, null);
            assertEquals(200_000, admin(admin, "GET", "/accounting?user=alice", null).body().get(0).get("uploaded").asLong());
        } finally {
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped within 60 s");
        }
        String err = Files.readString(dir.resolve("stderr.log"));
        assertFalse(err.contains("OutOfMemoryError"), err);
        assertFalse(err.contains("last flush failed"), err);
        String journal = Files.readString(dir.resolve("data/registry/registry.jsonl"));
        assertTrue(journal.contains("\"type\":\"account\",\"user\":\"alice\",\"info_hash\":\"" + HASH_HEX
                + "\",\"uploaded\":200000"), "SIGTERM flushed alice's account");
        String gc = Files.readString(gcLog);
        int full = 0;
        long maxAfter = 0;
        Matcher m = Pattern.compile("Pause (Full|Young|Remark|Cleanup)[^\\n]*?(\\d+)M->(\\d+)M\\((\\d+)M\\)").matcher(gc);
        while (m.find()) {
            full += m.group(1).equals("Full") ? 1 : 0;
            maxAfter = Math.max(maxAfter, Long.parseLong(m.group(3)));
        }
        System.out.println("PrivateFloodProcessIT: full GCs " + full + ", largest heap after a GC " + maxAfter + " MiB");
        assertEquals(0, full, "no full GC (issue 11: hundreds): " + gc.lines().filter(l -> l.contains("Full")).toList());
        assertTrue(maxAfter < 256, "heap after GC within the 256 MiB: " + maxAfter);
    }

    private static AdminApiTest.Reply admin(int port, String method, String path, String body) throws Exception {
        AdminApiTest.Reply r = AdminApiTest.call(port, method, path, body, "Bearer " + AdminApiTest.TOKEN);
        assertNotNull(r);
        return r;
    }

    private static void announce(int port, String passkey, long uploaded, String event) throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce/" + passkey + "?info_hash="
                + HASH_HEX.replaceAll("(..)", "%$1") + "&peer_id=-TT0001-000000000001&port=7001&uploaded=" + uploaded
                + "&downloaded=0&left=0" + (event == null ? "" : "&event=" + event));
        assertNull(r.get("failure reason"), r.toString());
    }

    private static long metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }
}

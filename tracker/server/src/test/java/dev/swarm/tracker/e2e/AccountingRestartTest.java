package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounting over real sockets across a tracker restart, a client restart (same peer_id, started, counters from
 * zero) and a counter reset without started; HTTP and UDP announces of one user add up.
 */
class AccountingRestartTest {
    private static final String HASH_HEX = "a1a2a3a4a5a6a7a8a9b0b1b2b3b4b5b6b7b8b9c0";
    private static final byte[] HASH = java.util.HexFormat.of().parseHex(HASH_HEX);
    private static final String PEER = "-TT0001-restart00001";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private Tracker tracker;
    private int port;
    private int udpPort;
    private int adminPort;
    private String passkey;

    @BeforeEach
    void start() throws Exception {
        startTracker();
        passkey = admin("POST", "/users", "{\"name\":\"alice\"}").body().get("passkey").asText();
        assertEquals(201, admin("PUT", "/torrents/" + HASH_HEX, null).status());
    }

    /** Starts the tracker on ports the kernel picks and reads them back. */
    private void startTracker() throws Exception {
        tracker = Tracker.start(ConfigLoader.load(null, Map.of(
                "mode", "private", "http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "admin.listen", "127.0.0.1:0", "admin.token", AdminApiTest.TOKEN,
                "store.data-dir", dir.toString())), clock, Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
        adminPort = tracker.adminAddress().getPort();
    }

    @AfterEach
    void stop() {
        tracker.close();
    }

    private AdminApiTest.Reply admin(String method, String path, String body) throws Exception {
        return AdminApiTest.call(adminPort, method, path, body, "Bearer " + AdminApiTest.TOKEN);
    }

    private void announce(long up, long down, long left, String event) throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce/" + passkey + "?info_hash="
                + TestNet.percentEncode(HASH) + "&peer_id=" + PEER + "&port=7001&uploaded=" + up + "&downloaded=" + down
                + "&left=" + left + (event == null ? "" : "&event=" + event));
        assertNull(r.get("failure reason"), r.toString());
        clock.advance(60_000);
    }

    private JsonNode account() throws Exception {
        JsonNode rows = admin("GET", "/accounting?user=alice", null).body();
        assertEquals(1, rows.size(), rows.toString());
        return rows.get(0);
    }

    @Test
    void trackerRestartsClientRestartsAndCounterResetsNeitherAddNorLoseBytes() throws Exception {
        announce(0, 0, 1000, "started");
        announce(100, 400, 600, null);

        tracker.close();
        startTracker();
        assertEquals(100, account().get("uploaded").asLong(), "kept across the tracker restart");
        announce(300, 1000, 0, "completed");
        assertEquals(300, account().get("uploaded").asLong(), "the restored baseline counts only the delta");
        assertEquals(1000, account().get("downloaded").asLong());

        // The client restarts: same peer_id, counters from zero, and it already uploaded 50 bytes.
        announce(50, 0, 0, "started");
        assertEquals(350, account().get("uploaded").asLong());
        // Then it resets its counters without saying so.
        announce(20, 0, 0, null);
        assertEquals(370, account().get("uploaded").asLong(), "a decrease counts the new value from zero");
        announce(70, 0, 0, "stopped");
        JsonNode a = account();
        assertEquals(420, a.get("uploaded").asLong());
        assertEquals(1000, a.get("downloaded").asLong());
        assertEquals(1, a.get("completed").asInt());
        assertEquals(3 * 60, a.get("seeding_seconds").asLong(), "three one-minute gaps that began as a seeder");

        // The same user over UDP on the same torrent adds to the same account.
        try (UdpTestClient c = new UdpTestClient(udpPort)) {
            byte[] pid = "-TT0001-udp000000001".getBytes(StandardCharsets.ISO_8859_1);
            String url = "/announce/" + passkey;
            assertTrue(c.announce(HASH, pid, 0, 0, 0, AnnounceEvent.STARTED, 7002, url) instanceof AnnounceResponse);
            assertTrue(c.announce(HASH, pid, 0, 0, 5000, AnnounceEvent.NONE, 7002, url) instanceof AnnounceResponse);
        }
        assertEquals(5420, account().get("uploaded").asLong());

        tracker.close();
        startTracker();
        assertEquals(5420, account().get("uploaded").asLong(), "and kept again");
    }
}

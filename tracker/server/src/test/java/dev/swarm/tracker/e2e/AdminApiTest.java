package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin API over loopback: bearer-token authentication (missing, wrong, right), user and torrent management,
 * passkey rotation, error statuses, a tracker restart that keeps everything, and a token that never reaches the log.
 */
class AdminApiTest {
    static final String TOKEN = "test-admin-token-0123456789abcdef-XYZ";
    private static final String HASH_HEX = "00112233445566778899aabbccddeeff00112233";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Tracker tracker;
    private int port;
    private int adminPort;

    /** Response status and parsed JSON body (null when empty). */
    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    @BeforeEach
    void start() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
        log.start();
        startTracker("private");
    }

    /** Starts the tracker on ports the kernel picks and reads them back. */
    private void startTracker(String mode) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of(
                "mode", mode, "http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "admin.listen", "127.0.0.1:0", "admin.token", TOKEN,
                "store.type", "heap", "store.data-dir", dir.toString()));
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        adminPort = tracker.adminAddress().getPort();
    }

    @AfterEach
    void stop() {
        tracker.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        assertFalse(log.list.isEmpty(), "the log was captured (start-up prints the configuration)");
        for (ILoggingEvent e : log.list) {
            assertFalse(e.getFormattedMessage().contains(TOKEN), "the token reached the log: " + e.getFormattedMessage());
        }
    }

    static Reply call(int adminPort, String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode n = r.body().isBlank() || r.headers().firstValue("Content-Type").orElse("").contains("ndjson")
                ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), n, r);
    }

    private Reply call(String method, String path, String body) throws Exception {
        return call(adminPort, method, path, body, "Bearer " + TOKEN);
    }

    @Test
    void requestsWithoutTheRightTokenAreRefused() throws Exception {
        for (String auth : new String[] {null, "Bearer", "Bearer wrong", "Bearer " + TOKEN + "x", "Basic " + TOKEN,
                "Bearer " + TOKEN.substring(1)}) {
            Reply r = call(adminPort, "GET", "/users", null, auth);
            assertEquals(401, r.status(), "authorization: " + auth);
            assertTrue(r.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            Reply w = call(adminPort, "POST", "/users", "{\"name\":\"eve\"}", auth);
            assertEquals(401, w.status());
        }
        assertNull(tracker.registry().user("eve"), "nothing changed without the token");
        assertEquals(200, call("GET", "/users", null).status());
    }

    @Test
    void usersAreAddedChangedRotatedAndRemoved() throws Exception {
        Reply added = call("POST", "/users", "{\"name\":\"alice\"}");
        assertEquals(201, added.status());
        String passkey = added.body().get("passkey").asText();
        assertTrue(passkey.matches("[0-9a-f]{32}"), passkey);
        assertTrue(added.body().get("enabled").asBoolean());
        assertTrue(added.body().get("may_download").asBoolean());
        assertEquals(409, call("POST", "/users", "{\"name\":\"alice\"}").status());
        assertEquals(400, call("POST", "/users", "{\"name\":\"a b\"}").status());
        assertEquals(400, call("POST", "/users", "{\"name\":\"bob\",\"admin\":true}").status(), "unknown field");
        assertEquals(400, call("POST", "/users", "[1]").status());
        assertEquals(400, call("POST", "/users", "{").status());
        assertEquals(413, call("POST", "/users", "{\"name\":\"" + "x".repeat(100_000) + "\"}").status());

        Reply changed = call("PATCH", "/users/alice", "{\"may_download\":false}");
        assertEquals(200, changed.status());
        assertFalse(changed.body().get("may_download").asBoolean());
        assertTrue(changed.body().get("enabled").asBoolean(), "unnamed flags stay");
        assertEquals(400, call("PATCH", "/users/alice", "{\"enabled\":\"no\"}").status());

        Reply rotated = call("POST", "/users/alice/passkey", null);
        assertEquals(200, rotated.status());
        assertNotEquals(passkey, rotated.body().get("passkey").asText());
        assertEquals(rotated.body().get("passkey").asText(), call("GET", "/users/alice", null).body().get("passkey").asText());

        assertEquals(1, call("GET", "/users", null).body().size());
        assertEquals(204, call("DELETE", "/users/alice", null).status());
        assertEquals(404, call("GET", "/users/alice", null).status());
        assertEquals(404, call("DELETE", "/users/alice", null).status());
        assertEquals(405, call("PUT", "/users", "{}").status());
        assertEquals(404, call("GET", "/nothing", null).status());
    }

    @Test
    void torrentsAreRegisteredAndTheRegistrySurvivesARestart() throws Exception {
        assertEquals(201, call("PUT", "/torrents/" + HASH_HEX, null).status());
        Reply free = call("PUT", "/torrents/" + HASH_HEX, "{\"freeleech\":true}");
        assertEquals(200, free.status(), "an update, not a creation");
        assertTrue(free.body().get("freeleech").asBoolean());
        assertEquals(400, call("PUT", "/torrents/xyz", null).status());
        assertEquals(1, call("GET", "/torrents", null).body().size());
        String passkey = call("POST", "/users", "{\"name\":\"alice\"}").body().get("passkey").asText();

        tracker.close();
        startTracker("private");
        assertTrue(call("GET", "/torrents/" + HASH_HEX, null).body().get("freeleech").asBoolean());
        assertEquals(passkey, call("GET", "/users/alice", null).body().get("passkey").asText());
        BDict ok = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce/" + passkey + "?info_hash="
                + HASH_HEX.replaceAll("(..)", "%$1") + "&peer_id=-TT0001-000000000001&port=7001&uploaded=0&downloaded=0&left=0");
        assertNull(ok.get("failure reason"), ok.toString());

        assertEquals(204, call("DELETE", "/torrents/" + HASH_HEX, null).status());
        assertEquals(404, call("GET", "/torrents/" + HASH_HEX, null).status());
    }

    @Test
    void theAdminApiWorksInPublicModeToo() throws Exception {
        tracker.close();
        startTracker("public");
        assertEquals(201, call("POST", "/users", "{\"name\":\"early\"}").status());
        assertEquals(409, call("POST", "/access-list/reload", null).status(), "no list configured");
    }
}

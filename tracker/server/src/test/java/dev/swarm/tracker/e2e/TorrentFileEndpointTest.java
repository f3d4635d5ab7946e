package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /users/{name}/torrent}: a .torrent made by libtorrent (naming some other tracker) comes back with the
 * member's passkey announce URL only, and libtorrent reads the same info-hash from it; bad input is a 400 that says
 * why, an unknown user a 404, a body over the bound a 413.
 */
@Timeout(60)
class TorrentFileEndpointTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path LT_SWARM = Path.of("src/test/resources/e2e/lt_swarm.py").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Tracker tracker;
    private int adminPort;
    private String passkey;

    @BeforeEach
    void start() throws Exception {
        tracker = Tracker.start(ConfigLoader.load(null, Map.of("mode", "private", "http.listen", "127.0.0.1:0",
                "udp.listen", "off", "admin.listen", "127.0.0.1:0", "admin.token", AdminApiTest.TOKEN,
                "store.type", "heap", "store.data-dir", dir.resolve("store").toString())), InstantSource.system(), Metrics.NOOP);
        adminPort = tracker.adminAddress().getPort();
        passkey = AdminApiTest.call(adminPort, "POST", "/users", "{\"name\":\"alice\"}", "Bearer " + AdminApiTest.TOKEN)
                .body().get("passkey").asText();
    }

    @AfterEach
    void stop() {
        tracker.close();
    }

    private HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + AdminApiTest.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished: " + String.join(" ", cmd));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** libtorrent's view of a .torrent file: info-hash and trackers. */
    private static JsonNode read(Path torrent) throws Exception {
        return JSON.readTree(run(PYTHON, "-c", "import json, sys, libtorrent as lt; t = lt.torrent_info(sys.argv[1]);"
                + " print(json.dumps({'info_hash': str(t.info_hash()), 'trackers': [a.url for a in t.trackers()]}))",
                torrent.toString()));
    }

    @Test
    void theMembersAnnounceUrlReplacesTheTrackersAndTheInfoHashStays() throws Exception {
        RealClientTest.requireTool(PYTHON, "-c", "import libtorrent");
        String made = run(PYTHON, LT_SWARM.toString(), "make", "--workdir", dir.resolve("lt").toString(),
                "--tracker", "http://elsewhere.invalid/announce");
        Path original = Path.of(made.substring(made.lastIndexOf(' ') + 1));
        JsonNode before = read(original);
        assertEquals("[\"http://elsewhere.invalid/announce\"]", before.get("trackers").toString());

        HttpResponse<byte[]> r = post("/users/alice/torrent?announce=http://tracker.example:6969/announce",
                Files.readAllBytes(original));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/x-bittorrent", r.headers().firstValue("Content-Type").orElse(""));
        Path mine = dir.resolve("alice.torrent");
        Files.write(mine, r.body());
        JsonNode after = read(mine);
        assertEquals(before.get("info_hash").asText(), after.get("info_hash").asText(), "the info dictionary is untouched");
        assertEquals("[\"http://tracker.example:6969/announce/" + passkey + "\"]", after.get("trackers").toString());
    }

    @Test
    void badRequestsSayWhy() throws Exception {
        String ok = "/users/alice/torrent?announce=http://tracker.example/announce";
        assertEquals(400, post(ok, "not bencode".getBytes(StandardCharsets.US_ASCII)).statusCode());
        assertTrue(new String(post(ok, "d4:infoi1ee".getBytes(StandardCharsets.US_ASCII)).body(), StandardCharsets.UTF_8)
                .contains("'info' is not a dictionary"));
        assertTrue(new String(post(ok, "d8:announce1:xe".getBytes(StandardCharsets.US_ASCII)).body(), StandardCharsets.UTF_8)
                .contains("no 'info' dictionary"));
        assertTrue(new String(post(ok, "d4:infodeextra".getBytes(StandardCharsets.US_ASCII)).body(), StandardCharsets.UTF_8)
                .contains("data after the end"));
        assertEquals(400, post("/users/alice/torrent", "d4:infodee".getBytes(StandardCharsets.US_ASCII)).statusCode(),
                "the announce parameter is required");
        assertEquals(404, post("/users/nobody/torrent?announce=http://t/announce", new byte[10]).statusCode());
        assertEquals(413, post(ok, new byte[(16 << 20) + 1]).statusCode());
        // Far over the 64 KiB of JSON bodies, within the 16 MiB of a .torrent (piece hashes of a large torrent).
        String big = "d7:comment" + (1 << 20) + ":" + "x".repeat(1 << 20) + "4:infod4:name1:aee";
        HttpResponse<byte[]> r = post(ok, big.getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, r.statusCode(), () -> new String(r.body(), 0, Math.min(200, r.body().length), StandardCharsets.UTF_8));
        assertTrue(new String(r.body(), StandardCharsets.US_ASCII).startsWith("d8:announce"), "announce sorts first");
    }
}

package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ratio rules as members meet them in python3-libtorrent, three members each with its own session and passkey
 * URL, real transfers on loopback, the tracker in-process with a clock the test moves:
 * <ul>
 *   <li>a member below the required ratio is refused a new download with the reason in libtorrent's failure
 *       reason, keeps seeding, seeds a torrent to another member (accounted), and then downloads again;</li>
 *   <li>an embargoed new torrent is refused to a low-ratio member and served to a high-ratio one;</li>
 *   <li>a member who stops seeding before the seeding requirement gets a strike when the tracker's clock passes
 *       the deadline, and the strike puts them in upload-only; an exempt member is never limited.</li>
 * </ul>
 */
@Timeout(180)
class RatioRealClientTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/resources/e2e/lt_members.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long SIZE = 256 * 1024;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private Tracker tracker;
    private int port;
    private int adminPort;
    private Process driver;
    private BufferedReader out;

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.getOutputStream().close();
            if (!driver.waitFor(30, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        }
        if (tracker != null) {
            tracker.close();
        }
    }

    private void start(String... ratio) throws Exception {
        RealClientTest.requireTool(PYTHON, "-c", "import libtorrent");
        Map<String, String> o = new HashMap<>(Map.of(
                "mode", "private", "http.listen", "127.0.0.1:0", "udp.listen", "off",
                "admin.listen", "127.0.0.1:0", "admin.token", AdminApiTest.TOKEN,
                "announce.interval", "60s", "announce.min-interval", "1s", "registry.flush-interval", "5m",
                "store.type", "heap", "store.data-dir", dir.resolve("store").toString()));
        for (int i = 0; i < ratio.length; i += 2) {
            o.put("ratio." + ratio[i], ratio[i + 1]);
        }
        TrackerConfig cfg = ConfigLoader.load(null, o);
        tracker = Tracker.start(cfg, clock, Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        adminPort = tracker.adminAddress().getPort();
        driver = new ProcessBuilder(PYTHON, SCRIPT.toString(), "--workdir", dir.resolve("lt").toString(), "--timeout", "30")
                .redirectError(dir.resolve("driver.err").toFile()).start();
        out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(read().get("ready").asBoolean());
    }

    private JsonNode read() throws Exception {
        String l = out.readLine();
        assertTrue(l != null && l.startsWith("{") && !l.contains("\"error\""), "driver: " + l + " / "
                + Files.readString(dir.resolve("driver.err")));
        return JSON.readTree(l);
    }

    private JsonNode cmd(String... words) throws Exception {
        OutputStream in = driver.getOutputStream();
        in.write((String.join(" ", words) + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        return read();
    }

    private AdminApiTest.Reply admin(String method, String path, String body) throws Exception {
        return AdminApiTest.call(adminPort, method, path, body, "Bearer " + AdminApiTest.TOKEN);
    }

    /** A user and their libtorrent session (on a port libtorrent binds itself) announcing to their passkey URL. */
    private void member(String name) throws Exception {
        String passkey = admin("POST", "/users", "{\"name\":\"" + name + "\"}").body().get("passkey").asText();
        JsonNode r = cmd("member", name, "http://127.0.0.1:" + port + "/announce/" + passkey);
        assertTrue(r.get("port").asInt() > 0, "libtorrent is listening: " + r);
    }

    /** A new torrent, registered; returns its info-hash. */
    private String torrent(String name) throws Exception {
        String hash = cmd("make", name).get("info_hash").asText();
        assertEquals(201, admin("PUT", "/torrents/" + hash, null).status());
        return hash;
    }

    private JsonNode standing(String name) throws Exception {
        return admin("GET", "/members/" + name, null).body();
    }

    private static void assertFinished(JsonNode leech) {
        assertTrue(leech.get("finished").asBoolean(), "downloaded: " + leech);
        assertEquals(0, leech.get("errors").size(), "no tracker errors: " + leech);
        assertTrue(leech.get("completed_acknowledged").asBoolean(), "the completed announce was answered: " + leech);
    }

    private static void assertRefused(JsonNode leech, String reason) {
        assertTrue(!leech.get("finished").asBoolean() && leech.get("errors").toString().contains(reason),
                "refused with '" + reason + "': " + leech);
        assertEquals(0, leech.get("downloaded").asLong(), "nothing downloaded: " + leech);
    }

    /** Waits until the tracker has accounted the member's 'completed' (so the 'stopped' that follows comes after it). */
    private void awaitCompleted(String hash, String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonNode rows = admin("GET", "/accounting?user=" + user + "&info_hash=" + hash, null).body();
            if (rows.size() == 1 && rows.get(0).get("completed").asInt() == 1) {
                return;
            }
            Thread.sleep(50); // polling the admin API for an announce libtorrent sends by itself; bounded above
        }
        throw new AssertionError(user + "'s completed announce for " + hash + " was not accounted within 20 s");
    }

    /** Waits until the tracker has the member's 'stopped' (libtorrent sends it on removal, asynchronously). */
    private void awaitStop(String hash, String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (admin("GET", "/torrents/" + hash + "/stops", null).body().toString().contains("\"" + user + "\"")) {
                return;
            }
            Thread.sleep(50); // polling the admin API for an announce libtorrent sends by itself; bounded above
        }
        throw new AssertionError(user + "'s stopped announce for " + hash + " did not arrive within 20 s: "
                + admin("GET", "/accounting?user=" + user, null).body());
    }

    @Test
    void belowTheRatioAMemberSeedsItsWayBackAndEmbargoesHoldNewTorrents() throws Exception {
        start("required", "0=0.4", "embargo", "24h", "embargo-min-ratio", "1.0", "embargo-min-uploaded", "1");
        for (String m : List.of("alice", "bob", "carol")) {
            member(m);
        }
        String x = torrent("x");
        String y = torrent("y");
        clock.advance(25 * HOUR); // x and y are past their embargo
        assertTrue(cmd("seed", "alice", "x").get("ok").asBoolean());
        assertTrue(cmd("seed", "alice", "y").get("ok").asBoolean());

        // Bob downloads x and uploads nothing: ratio 0, below the 0.4 required.
        assertFinished(cmd("leech", "bob", "x"));
        assertEquals("upload-only", standing("bob").get("state").asText(), standing("bob").toString());
        assertRefused(cmd("leech", "bob", "y"), "ratio 0.00 below the required 0.40: seeding only until it is met");

        // Alice leaves x; carol downloads it from bob, who is still seeding it.
        cmd("remove", "alice", "x");
        awaitStop(x, "alice");
        assertFinished(cmd("leech", "carol", "x"));
        JsonNode uploaded = cmd("wait-upload", "bob", "x", "" + SIZE);
        assertTrue(uploaded.get("ok").asBoolean(), "bob seeded x to carol: " + uploaded);
        JsonNode re = cmd("reannounce", "bob", "x");
        assertTrue(re.get("answered").asBoolean() && re.get("errors").size() == 0, "bob's seeding announce is served: " + re);
        JsonNode bob = standing("bob");
        long piece = 16 * 1024;
        assertTrue(Math.abs(bob.get("uploaded").asLong() - re.get("uploaded").asLong()) <= piece,
                "the tracker accounted what libtorrent uploaded: " + bob + " / " + re);
        assertEquals("normal", bob.get("state").asText(), "the announce that brought the ratio back ended it: " + bob);
        assertFinished(cmd("leech", "bob", "y"));

        // An embargoed new torrent: bob (ratio about 0.5) is refused, alice (nothing downloaded, uploaded) is served;
        // carol, who made it, seeds it although her own ratio is 0.
        String z = torrent("z");
        assertTrue(cmd("seed", "carol", "z").get("ok").asBoolean(), "the uploader seeds it");
        assertEquals("upload-only", standing("carol").get("state").asText());
        assertRefused(cmd("leech", "bob", "z"), "new torrent held back until ");
        assertFinished(cmd("leech", "alice", "z"));
        assertTrue(cmd("reannounce", "carol", "z").get("answered").asBoolean());
        assertTrue(standing("carol").get("uploaded").asLong() > 0, "carol's upload is accounted");
        System.out.printf("ratio rules with libtorrent: bob %s; carol %s%n", standing("bob"), standing("carol"));
    }

    @Test
    void stoppingBeforeTheSeedingRequirementGivesAStrikeAndExemptMembersAreNeverLimited() throws Exception {
        start("seed-deadline", "72h", "seed-time", "48h", "seed-ratio", "1.0", "strikes-for-upload-only", "1");
        for (String m : List.of("alice", "bob", "dave")) {
            member(m);
        }
        assertEquals(200, admin("PATCH", "/members/dave", "{\"override\": \"exempt\"}").status());
        String s1 = torrent("s1");
        torrent("s2");
        assertTrue(cmd("seed", "alice", "s1").get("ok").asBoolean());
        assertTrue(cmd("seed", "alice", "s2").get("ok").asBoolean());
        for (String m : List.of("bob", "dave")) {
            assertFinished(cmd("leech", m, "s1"));
            awaitCompleted(s1, m);
            cmd("remove", m, "s1");
            awaitStop(s1, m);
        }
        JsonNode stops = admin("GET", "/torrents/" + s1 + "/stops", null).body();
        assertEquals(1, stops.get(0).get("seeders").asInt(), "alice was seeding when bob left: " + stops);
        assertEquals(1, standing("bob").get("requirements").size(), standing("bob").toString());

        clock.advance(72 * HOUR);
        tracker.registry().flush(); // what the flusher thread does every registry.flush-interval
        JsonNode bob = standing("bob");
        assertEquals(1, bob.get("strikes").size(), bob.toString());
        assertEquals(s1, bob.get("strikes").get(0).get("info_hash").asText());
        assertEquals("upload-only", bob.get("state").asText());
        assertEquals(1, standing("dave").get("strikes").size(), "the exempt member's strike is recorded too");

        // Alice's peer entry expired with the clock's jump: her next announce puts it back.
        assertTrue(cmd("reannounce", "alice", "s2").get("answered").asBoolean());
        assertRefused(cmd("leech", "bob", "s2"), "upload-only: 1 strike for torrents not seeded as required");
        assertFinished(cmd("leech", "dave", "s2"));
        assertEquals("normal", standing("dave").get("state").asText());
    }
}

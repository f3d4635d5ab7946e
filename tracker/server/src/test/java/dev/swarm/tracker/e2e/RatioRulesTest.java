package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ratio rules over real loopback sockets, with time driven by the tracker's clock: upload-only below the
 * required ratio (seeding and a download in progress go on; the announce that brings the ratio back ends it),
 * freeleech excluded, the new-torrent embargo, strikes for missed seeding requirements and the upload-only they
 * lead to, overrides, the swarm at a member's stop, and all of it across a restart and a simulated crash.
 */
@Timeout(60)
class RatioRulesTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private final Metrics metrics = new DropwizardMetrics(new MetricRegistry());
    private Tracker tracker;
    private int port;
    private int adminPort;

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    /**
     * Starts the tracker: the first start on ports the kernel picks (0), read back from the tracker; a restart on the
     * ports the first start got, as an operator's restart does.
     */
    private void start(Path data, String... overrides) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of(
                "mode", "private", "http.listen", "127.0.0.1:" + port, "udp.listen", "off",
                "admin.listen", "127.0.0.1:" + adminPort, "admin.token", AdminApiTest.TOKEN,
                "store.type", "heap", "store.data-dir", data.toString()));
        o.putAll(Map.of("announce.interval", "60m", "announce.min-interval", "1m", "announce.peer-timeout", "2h",
                "registry.flush-interval", "5m")); // the test flushes by hand
        for (int i = 0; i < overrides.length; i += 2) {
            o.put(overrides[i], overrides[i + 1]);
        }
        TrackerConfig cfg = ConfigLoader.load(null, o);
        tracker = Tracker.start(cfg, clock, metrics);
        port = tracker.httpAddress().getPort();
        adminPort = tracker.adminAddress().getPort();
    }

    private AdminApiTest.Reply admin(String method, String path, String body) throws Exception {
        return AdminApiTest.call(adminPort, method, path, body, "Bearer " + AdminApiTest.TOKEN);
    }

    private String addUser(String name) throws Exception {
        return admin("POST", "/users", "{\"name\":\"" + name + "\"}").body().get("passkey").asText();
    }

    private static String hash(int n) {
        return String.format("%040x", n);
    }

    private String register(int n) throws Exception {
        assertEquals(201, admin("PUT", "/torrents/" + hash(n), null).status());
        return hash(n);
    }

    /** One HTTP announce; returns the failure reason, or null when it was served. */
    private String announce(String passkey, String hashHex, int peer, long up, long down, long left, String event)
            throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce/" + passkey + "?info_hash="
                + TestNet.percentEncode(HexFormat.of().parseHex(hashHex)) + "&peer_id=" + String.format("-TT0001-%012d", peer)
                + "&port=" + peer + "&uploaded=" + up + "&downloaded=" + down + "&left=" + left
                + (event == null ? "" : "&event=" + event));
        return r.get("failure reason") == null ? null : r.string("failure reason");
    }

    private JsonNode member(String name) throws Exception {
        AdminApiTest.Reply r = admin("GET", "/members/" + name, null);
        assertEquals(200, r.status(), String.valueOf(r.body()));
        return r.body();
    }

    private long counter(String name) {
        return metrics.counter(name).count();
    }

    @Test
    void belowTheRequiredRatioAMemberMaySeedAndFinishButNotStart() throws Exception {
        start(dir, "ratio.required", "0=0, 1000=0.5");
        String carol = addUser("carol");
        String alice = addUser("alice");
        String a = register(1);
        String b = register(2);
        String c = register(3);
        String free = register(4);
        assertEquals(200, admin("PUT", "/torrents/" + free, "{\"freeleech\": true}").status());
        assertNull(announce(carol, a, 7001, 0, 0, 0, "started"));
        // Alice starts C (in progress), then downloads all of A without uploading: ratio 0 of 0.5 required.
        assertNull(announce(alice, c, 7002, 0, 0, 500, "started"));
        assertNull(announce(alice, a, 7002, 0, 0, 2000, "started"));
        assertNull(announce(alice, a, 7002, 0, 2000, 0, "completed"));
        JsonNode m = member("alice");
        assertEquals("upload-only", m.get("state").asText(), m.toString());
        assertEquals("ratio", m.get("reason").asText());
        assertEquals(0.5, m.get("required_ratio").asDouble());
        assertEquals(1, counter("ratio.upload_only_entered"));

        String refusal = "ratio 0.00 below the required 0.50: seeding only until it is met";
        assertEquals(refusal, announce(alice, b, 7002, 0, 0, 1000, "started"), "no new download");
        assertNull(announce(alice, a, 7002, 0, 2000, 0, null), "seeding goes on");
        assertNull(announce(alice, c, 7002, 0, 100, 400, null), "the download in progress goes on");
        assertNull(announce(alice, b, 7002, 0, 0, 1000, "stopped"), "a stop is never refused");
        assertEquals(1, counter("ratio.refused_upload_only"));

        // Freeleech downloads do not count: they neither lower the ratio nor raise the requirement.
        assertNull(announce(carol, free, 7001, 0, 0, 0, "started"));
        String bob = addUser("bob");
        assertNull(announce(bob, free, 7003, 0, 0, 5000, "started"));
        assertNull(announce(bob, free, 7003, 0, 5000, 0, "completed"));
        assertEquals("normal", member("bob").get("state").asText());
        assertEquals(0, member("bob").get("counted_downloaded").asLong());
        assertNull(announce(bob, b, 7003, 0, 0, 1000, "started"), "bob is not limited");

        // Alice uploads 1000 bytes on A (1000/2100 = 0.47, still below), then 100 more: the announce that brings
        // the ratio back ends upload-only, and the next download starts.
        assertNull(announce(alice, a, 7002, 1000, 2000, 0, null));
        assertEquals("upload-only", member("alice").get("state").asText());
        assertEquals("ratio 0.47 below the required 0.50: seeding only until it is met",
                announce(alice, b, 7002, 0, 0, 1000, "started"));
        assertNull(announce(alice, a, 7002, 1100, 2000, 0, null));
        assertEquals("normal", member("alice").get("state").asText());
        assertEquals(1, counter("ratio.upload_only_left"));
        assertNull(announce(alice, b, 7002, 0, 0, 1000, "started"));
        tracker.registry().flush();
        assertTrue(Files.readString(dir.resolve("registry/registry.jsonl")).contains("\"type\":\"member\""),
                "the changes are journalled");
    }

    @Test
    void anEmbargoedNewTorrentIsRefusedToLowRatioMembersUntilItEnds() throws Exception {
        start(dir, "ratio.embargo", "24h", "ratio.embargo-min-ratio", "1.0", "ratio.embargo-min-uploaded", "1000");
        String low = addUser("low");
        String high = addUser("high");
        String fresh = addUser("fresh");
        String old = register(1);
        clock.advance(25 * HOUR); // the old torrent's embargo is over
        assertNull(announce(high, old, 7001, 0, 0, 0, "started"));
        // Low has uploaded 500 of 1000 downloaded; high 3000 of 1000.
        assertNull(announce(low, old, 7002, 0, 0, 1000, "started"));
        assertNull(announce(low, old, 7002, 500, 1000, 0, "completed"));
        assertNull(announce(high, old, 7001, 3000, 1000, 0, null));
        String newer = register(2);
        String reason = announce(low, newer, 7002, 0, 0, 1000, "started");
        assertTrue(reason != null && reason.startsWith("new torrent held back until ") && reason.contains("ratio below 1.00")
                && reason.contains("(yours: 0.50, 500 B)"), reason);
        assertTrue(announce(fresh, newer, 7004, 0, 0, 1000, "started").contains("under 1000 B uploaded"),
                "a member who has never downloaded has no ratio yet, but not the upload either");
        assertNull(announce(high, newer, 7001, 0, 0, 1000, "started"), "served to a high-ratio member");
        assertNull(announce(low, newer, 7002, 0, 0, 0, "started"), "the uploader may seed it");
        clock.advance(24 * HOUR);
        assertNull(announce(low, newer, 7005, 0, 0, 1000, "started"), "the embargo is over");
        assertEquals(2, counter("ratio.refused_embargo"));
    }

    @Test
    void missedSeedingRequirementsGiveStrikesThatLeadToUploadOnly() throws Exception {
        start(dir, "ratio.seed-deadline", "10h", "ratio.seed-time", "5h", "ratio.seed-ratio", "1.0",
                "ratio.strikes-for-upload-only", "2");
        String seeder = addUser("seeder");
        String bob = addUser("bob");
        String eve = addUser("eve");
        String t1 = register(1);
        String t2 = register(2);
        String t3 = register(3);
        for (String t : new String[] {t1, t2, t3}) {
            assertNull(announce(seeder, t, 7001, 0, 0, 0, "started"));
        }
        // Bob completes T1 and T2 and stops at once; eve (exempt) does the same with T1.
        assertEquals(200, admin("PATCH", "/members/eve", "{\"override\": \"exempt\"}").status());
        for (String t : new String[] {t1, t2}) {
            assertNull(announce(bob, t, 7002, 0, 0, 1000, "started"));
            assertNull(announce(bob, t, 7002, 0, 1000, 0, "completed"));
            assertNull(announce(bob, t, 7002, 0, 1000, 0, "stopped"));
        }
        assertNull(announce(eve, t1, 7003, 0, 0, 1000, "started"));
        assertNull(announce(eve, t1, 7003, 0, 1000, 0, "completed"));
        assertNull(announce(eve, t1, 7003, 0, 1000, 0, "stopped"));
        assertEquals(2, member("bob").get("requirements").size(), member("bob").toString());
        // The swarm bob left behind on T1: the seeder (and eve, then still leeching... she had completed: a seeder).
        JsonNode stops = admin("GET", "/torrents/" + t1 + "/stops", null).body();
        assertEquals(2, stops.size(), stops.toString());
        assertEquals("bob", stops.get(0).get("user").asText());
        assertEquals(1, stops.get(0).get("seeders").asInt(), "the seeder was there when bob left: " + stops);
        assertEquals(0, stops.get(0).get("leechers").asInt());

        clock.advance(10 * HOUR - 1);
        tracker.registry().flush();
        assertEquals(0, member("bob").get("strikes").size(), "not before the deadline");
        clock.advance(1);
        tracker.registry().flush();
        JsonNode m = member("bob");
        assertEquals(2, m.get("strikes").size(), m.toString());
        assertEquals("upload-only", m.get("state").asText());
        assertEquals("strikes", m.get("reason").asText());
        assertEquals("upload-only: 2 strikes for torrents not seeded as required; seed them to clear the strikes",
                announce(bob, t3, 7002, 0, 0, 1000, "started"));
        assertEquals(3, counter("ratio.strikes"), "bob's two and eve's");
        JsonNode e = member("eve");
        assertEquals(1, e.get("strikes").size(), "the exempt member's strike is recorded: " + e);
        assertEquals("normal", e.get("state").asText());
        assertNull(announce(eve, t3, 7003, 0, 0, 1000, "started"), "but never limited");

        // Bob seeds T1 for 5 hours (announcing every hour): the strike is cleared, one is left: normal again.
        assertNull(announce(bob, t1, 7002, 0, 0, 0, "started"));
        for (int h = 0; h < 5; h++) {
            clock.advance(HOUR);
            assertNull(announce(bob, t1, 7002, 0, 0, 0, null));
        }
        m = member("bob");
        assertEquals(1, m.get("strikes").size(), m.toString());
        assertEquals(t2, m.get("strikes").get(0).get("info_hash").asText());
        assertEquals("normal", m.get("state").asText());
        assertNull(announce(bob, t3, 7002, 0, 0, 1000, "started"));

        // A forced upload-only, and lifting it.
        assertEquals(200, admin("PATCH", "/members/bob", "{\"override\": \"upload-only\"}").status());
        assertEquals("your account is in upload-only mode (set by the staff): seeding only",
                announce(bob, t2, 7002, 0, 0, 1000, "started"));
        assertEquals("normal", admin("PATCH", "/members/bob", "{\"override\": \"none\"}").body().get("state").asText());
        assertEquals(400, admin("PATCH", "/members/bob", "{\"override\": \"sometimes\"}").status());
        assertEquals(0, admin("DELETE", "/members/bob/strikes", null).body().get("strikes").size());
    }

    @Test
    void standingsSurviveARestartAndACrash() throws Exception {
        start(dir, "ratio.required", "0=0.5", "ratio.seed-deadline", "10h", "ratio.seed-time", "5h",
                "ratio.strikes-for-upload-only", "1");
        String seeder = addUser("seeder");
        String alice = addUser("alice");
        String bob = addUser("bob");
        String t1 = register(1);
        String t2 = register(2);
        assertNull(announce(seeder, t1, 7001, 0, 0, 0, "started"));
        assertNull(announce(alice, t1, 7002, 0, 0, 1000, "started"));
        assertNull(announce(alice, t1, 7002, 0, 1000, 0, "completed"));
        assertNull(announce(alice, t1, 7002, 0, 1000, 0, "stopped"));
        assertNull(announce(bob, t1, 7003, 0, 0, 1000, "started"));
        assertNull(announce(bob, t1, 7003, 1000, 1000, 0, "completed"));
        assertEquals(200, admin("PATCH", "/members/bob", "{\"override\": \"exempt\"}").status());
        assertEquals("upload-only", member("alice").get("state").asText());
        tracker.close();
        tracker = null;

        // Clean restart: the state, the running requirement, the override are back.
        start(dir, "ratio.required", "0=0.5", "ratio.seed-deadline", "10h", "ratio.seed-time", "5h",
                "ratio.strikes-for-upload-only", "1");
        JsonNode m = member("alice");
        assertEquals("upload-only", m.get("state").asText(), m.toString());
        assertEquals(1, m.get("requirements").size());
        assertEquals("exempt", member("bob").get("override").asText());
        assertTrue(announce(alice, t2, 7002, 0, 0, 1000, "started").startsWith("ratio 0.00 below the required 0.50"));

        // The deadline passes after the restart: the strike comes from the requirement read back.
        clock.advance(10 * HOUR);
        tracker.registry().flush();
        assertEquals(1, member("alice").get("strikes").size());
        // A crash: the files as they are after the flush (no clean close), opened by a new tracker.
        Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
        Files.createDirectories(crashed.resolve("registry"));
        Files.copy(dir.resolve("registry/registry.jsonl"), crashed.resolve("registry/registry.jsonl"));
        tracker.close();
        tracker = null;
        start(crashed, "ratio.required", "0=0.5", "ratio.seed-deadline", "10h", "ratio.seed-time", "5h",
                "ratio.strikes-for-upload-only", "1");
        m = member("alice");
        assertEquals(1, m.get("strikes").size(), m.toString());
        assertEquals("upload-only", m.get("state").asText());
        assertEquals("exempt", member("bob").get("override").asText());
        assertEquals(1, counter("ratio.upload_only_entered"), "entered once, before the restarts: the state read back"
                + " is the one the rules give");
    }

    @Test
    void putWithoutABodyKeepsFreeleech() throws Exception {
        start(dir);
        assertEquals(201, admin("PUT", "/torrents/" + hash(9), "{\"freeleech\": true}").status());
        JsonNode t = admin("PUT", "/torrents/" + hash(9), null).body();
        assertTrue(t.get("freeleech").asBoolean(), "a PUT without a body changes nothing it does not name: " + t);
        assertEquals(T0, t.get("added_millis").asLong());
        assertTrue(admin("PUT", "/torrents/" + hash(9), "{}").body().get("freeleech").asBoolean());
        assertEquals(false, admin("PUT", "/torrents/" + hash(9), "{\"freeleech\": false}").body().get("freeleech").asBoolean());
    }
}

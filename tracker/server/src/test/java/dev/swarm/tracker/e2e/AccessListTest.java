package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access lists in public mode: an info-hash deny or allow list from a file, reloaded when the file changes and
 * through the admin API without a restart and without a request seeing a gap; peer_id prefix filters.
 */
class AccessListTest {
    private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String C = "cccccccccccccccccccccccccccccccccccccccc";
    private static final String REFUSED = "torrent not allowed on this tracker";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private DropwizardMetrics metrics;
    private Tracker tracker;
    private int port;
    private int adminPort;

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of(
                "http.listen", "127.0.0.1:0", "udp.listen", "off",
                "admin.listen", "127.0.0.1:0", "admin.token", AdminApiTest.TOKEN,
                "store.type", "heap", "store.data-dir", dir.resolve("data").toString()));
        o.putAll(extra);
        metrics = new DropwizardMetrics(new MetricRegistry());
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, metrics);
        port = tracker.httpAddress().getPort();
        adminPort = tracker.adminAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private Path list(String content) throws Exception {
        Path f = dir.resolve("list.txt");
        Path tmp = dir.resolve("list.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return f;
    }

    private BDict announce(String hashHex, String peerId) throws Exception {
        return TestNet.getBencoded("http://127.0.0.1:" + port + "/announce?info_hash="
                + TestNet.percentEncode(HexFormat.of().parseHex(hashHex)) + "&peer_id=" + peerId
                + "&port=7001&uploaded=0&downloaded=0&left=0");
    }

    private String failure(String hashHex) throws Exception {
        return announce(hashHex, "-TT0001-000000000001").string("failure reason");
    }

    private void awaitFailure(String hashHex, String expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            last = failure(hashHex);
            if (java.util.Objects.equals(last, expected)) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("within 10 s " + hashHex + " should have answered " + expected + ", last: " + last);
    }

    @Test
    void aDenyListIsReloadedWhenItsFileChanges() throws Exception {
        Path f = list("# torrents refused\n" + A + "  # a comment\n\n");
        start(Map.of("access.info-hash-list", f.toString(), "access.reload-interval", "100ms"));
        assertEquals(REFUSED, failure(A));
        assertNull(failure(B));
        BDict scrape = TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape?info_hash="
                + TestNet.percentEncode(HexFormat.of().parseHex(A)) + "&info_hash=" + TestNet.percentEncode(HexFormat.of().parseHex(B)));
        assertEquals(1, scrape.dict("files").size(), "the denied torrent is left out of scrapes");

        list(B.toUpperCase() + "\n");
        awaitFailure(B, REFUSED);
        assertNull(failure(A), "A is no longer denied");

        // A broken edit leaves the last good list in force.
        list(C + "\nnot-a-hash\n");
        long failuresBefore = metrics.counter("access.list_reload_failures").count();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (metrics.counter("access.list_reload_failures").count() == failuresBefore && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(metrics.counter("access.list_reload_failures").count() > failuresBefore, "the bad file was seen");
        assertEquals(REFUSED, failure(B));
        assertNull(failure(C));
    }

    @Test
    void anAllowListServesOnlyItsTorrentsAndReloadsThroughTheApi() throws Exception {
        Path f = list(A + "\n");
        start(Map.of("access.info-hash-list", f.toString(), "access.info-hash-list-mode", "allow",
                "access.reload-interval", "1h"));
        assertNull(failure(A));
        assertEquals(REFUSED, failure(B));

        list(A + "\n" + B + "\n");
        AdminApiTest.Reply r = AdminApiTest.call(adminPort, "POST", "/access-list/reload", null, "Bearer " + AdminApiTest.TOKEN);
        assertEquals(200, r.status());
        assertEquals(2, r.body().get("entries").asInt());
        assertTrue(r.body().get("changed").asBoolean());
        assertNull(failure(B), "in force as soon as the API answered");

        list("zz\n");
        AdminApiTest.Reply bad = AdminApiTest.call(adminPort, "POST", "/access-list/reload", null, "Bearer " + AdminApiTest.TOKEN);
        assertEquals(422, bad.status());
        assertTrue(bad.body().get("error").asText().contains("line 1"), bad.body().toString());
        assertNull(failure(B), "the previous list stays");
        assertEquals(401, AdminApiTest.call(adminPort, "POST", "/access-list/reload", null, null).status());
    }

    @Test
    void requestsNeverSeeAGapWhileTheListIsSwapped() throws Exception {
        // Allow mode, A on every version of the list: a request that saw an empty, half-built or missing list
        // would have A refused. D is on none: a request that saw no list at all would have D served.
        String d = "dddddddddddddddddddddddddddddddddddddddd";
        Path f = list(A + "\n" + C + "\n");
        start(Map.of("access.info-hash-list", f.toString(), "access.info-hash-list-mode", "allow",
                "access.reload-interval", "1h"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread client = new Thread(() -> {
            try {
                while (!done.get()) {
                    String why = failure(A);
                    if (why != null) {
                        wrong.compareAndSet(null, "A, listed in every version, was refused: " + why);
                    }
                    if (!REFUSED.equals(failure(d))) {
                        wrong.compareAndSet(null, "D, listed in no version, was not refused");
                    }
                    answered.incrementAndGet();
                }
            } catch (Exception e) {
                wrong.compareAndSet(null, e.toString());
            }
        }, "announcer");
        client.start();
        try {
            for (int i = 0; i < 40; i++) {
                list(i % 2 == 0 ? A + "\n" + B + "\n" + C + "\n" : C + "\n" + A + "\n");
                assertEquals(200, AdminApiTest.call(adminPort, "POST", "/access-list/reload", null,
                        "Bearer " + AdminApiTest.TOKEN).status());
            }
        } finally {
            done.set(true);
            client.join(10_000);
        }
        assertNull(wrong.get());
        assertTrue(answered.get() > 10, "announces ran during the swaps: " + answered.get());
        assertEquals(REFUSED, failure(B), "the last version (C, A) is in force");
    }

    @Test
    void aMissingListFileStopsTheStart() {
        Tracker.StartException e = assertThrows(Tracker.StartException.class,
                () -> start(Map.of("access.info-hash-list", dir.resolve("none.txt").toString())));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void clientsAreFilteredByPeerIdPrefix() throws Exception {
        start(Map.of("access.client-allow", "-qB,-lt", "access.client-deny", "-lt0D"));
        assertNull(announce(A, "-qB4650-000000000001").get("failure reason"));
        assertNull(announce(A, "-lt0E00-000000000001").get("failure reason"));
        assertEquals("client not allowed on this tracker", announce(A, "-lt0D60-000000000001").string("failure reason"));
        assertEquals("client not allowed on this tracker", announce(A, "-TR4050-000000000001").string("failure reason"));
    }
}

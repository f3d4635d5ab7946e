package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.Tracker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private mode on two tracker nodes sharing one real Redis (Debian redis-server, started here and stopped by its
 * PID), with python3-libtorrent clients: users created through node A's admin API announce to node B, a torrent
 * registered through B is served by A, the accounting of a download whose announces go to both nodes equals what
 * libtorrent counted (within one piece, not twice), and a passkey revoked through B is refused by A within the
 * stated bound (cluster.poll-interval plus a Redis round trip; asserted here within {@link #REVOKE_BOUND}).
 */
@Timeout(180)
class ClusterPrivateRealClientTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/resources/e2e/lt_private.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final Duration REVOKE_BOUND = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private RedisProcess redis;
    private ClusterNodes nodes;
    private Tracker a;
    private Tracker b;
    private final List<Process> drivers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        RealClientTest.requireTool(PYTHON, "-c", "import libtorrent");
        RedisProcess.requireRedis();
        redis = RedisProcess.onSocket(dir.resolve("redis"));
        nodes = new ClusterNodes(dir);
        Map<String, String> priv = Map.of(
                "mode", "private",
                "admin.listen", "127.0.0.1:0", "admin.token", AdminApiTest.TOKEN,
                "announce.interval", "60s", "announce.min-interval", "1s",
                "registry.flush-interval", "200ms");
        a = nodes.start("a", redis.url(), priv);
        b = nodes.start("b", redis.url(), priv);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (Process p : drivers) {
                p.getOutputStream().close();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (nodes != null) {
                nodes.close();
            }
        } finally {
            if (redis != null) {
                redis.close(); // even when stopping a node failed
            }
        }
    }

    private static AdminApiTest.Reply admin(Tracker node, String method, String path, String body) throws Exception {
        return AdminApiTest.call(node.adminAddress().getPort(), method, path, body, "Bearer " + AdminApiTest.TOKEN);
    }

    private static String http(Tracker node) {
        return "http://127.0.0.1:" + node.httpAddress().getPort() + "/announce/";
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + BOUND + ": " + what);
            Thread.sleep(5); // polling interval of a wait bounded by the deadline
        }
    }

    private Process driver(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--workdir", dir.resolve(name).toString(), "--seed-port", "0", "--leech-port", "0",
                "--timeout", "45"));
        Files.createDirectories(dir.resolve(name));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".err").toFile()).start();
        drivers.add(p);
        return p;
    }

    private JsonNode line(BufferedReader r, String name) throws Exception {
        String l = r.readLine();
        assertTrue(l != null && l.startsWith("{"), "driver " + name + ": " + l + " / "
                + Files.readString(dir.resolve(name + ".err")));
        return JSON.readTree(l);
    }

    private static void go(Process p) throws Exception {
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** The account row of {@code user} on {@code node}'s admin API, or null. */
    private static JsonNode account(Tracker node, String user, String hash) {
        try {
            JsonNode rows = admin(node, "GET", "/accounting?user=" + user + "&info_hash=" + hash, null).body();
            return rows.size() == 1 ? rows.get(0) : null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until both nodes have sent their queued announces and show the same account; returns it. */
    private JsonNode settled(String user, String hash) throws InterruptedException {
        await(() -> a.registrySync().outboxDepth() == 0 && b.registrySync().outboxDepth() == 0, "outboxes sent");
        await(() -> {
            JsonNode x = account(a, user, hash);
            JsonNode y = account(b, user, hash);
            return x != null && y != null && x.get("uploaded").equals(y.get("uploaded"))
                    && x.get("downloaded").equals(y.get("downloaded")) && x.get("completed").equals(y.get("completed"));
        }, "both nodes show the same account of " + user + ": A " + account(a, user, hash) + ", B " + account(b, user, hash));
        return account(a, user, hash);
    }

    private static void assertWithin(long tolerance, long expected, long actual, String what) {
        assertTrue(Math.abs(expected - actual) <= tolerance, what + ": libtorrent counted " + expected
                + ", the cluster accounted " + actual + " (tolerance " + tolerance + ")");
    }

    /**
     * Users made on A, torrent registered on B; the seeder announces to {@code seedVia}, the leecher to
     * {@code leechVia} (one or both nodes). Returns the info-hash after checking the accounting against libtorrent.
     */
    private String download(String seederKey, String leecherKey, List<Tracker> seedVia, List<Tracker> leechVia)
            throws Exception {
        Process p = driver("swarm", "swarm",
                "--seed-tracker", String.join(",", seedVia.stream().map(n -> http(n) + seederKey).toList()),
                "--leech-tracker", String.join(",", leechVia.stream().map(n -> http(n) + leecherKey).toList()),
                "--hold-before-leech");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String hash = line(out, "swarm").get("info_hash").asText();
        assertEquals(201, admin(b, "PUT", "/torrents/" + hash, null).status());
        InfoHash ih = InfoHash.fromHex(hash);
        await(() -> a.registry().torrent(ih) != null, "A knows the torrent registered on B");
        go(p);
        assertTrue(line(out, "swarm").get("seeded").asBoolean(), "seeder announced");
        // the nodes the leecher asks list the seeder (replicated from the node it announced to) before it asks:
        // a libtorrent leecher told "no peers" would wait a whole announce interval before asking again
        long replicated = System.nanoTime();
        for (Tracker n : leechVia) {
            await(() -> scrape(n, leecherKey, hash).contains("8:completei1e"),
                    "node " + n.httpAddress() + " lists the seeder");
        }
        System.out.printf("seeder listed by the leecher's nodes %d ms after it announced%n",
                (System.nanoTime() - replicated) / 1_000_000);
        go(p);
        JsonNode r = line(out, "swarm");
        assertTrue(r.get("seeded").asBoolean(), "seeder announced: " + r);
        assertTrue(r.get("finished").asBoolean(), "leecher finished: " + r);
        assertTrue(r.get("identical").asBoolean(), "identical file: " + r);
        assertTrue(r.get("reannounced").asBoolean(), "both announced their final counters: " + r);
        assertEquals(0, r.get("tracker_errors").size(), "no tracker errors: " + r);

        long piece = r.get("piece_length").asLong();
        JsonNode seeder = settled("seeder", hash);
        JsonNode leecher = settled("leecher", hash);
        long clientUp = r.get("seeder").get("uploaded").asLong();
        long clientDown = r.get("leecher").get("downloaded").asLong();
        assertTrue(Math.abs(clientDown - 256 * 1024) <= piece, "libtorrent downloaded about the file: " + r);
        assertWithin(piece, clientUp, seeder.get("uploaded").asLong(), "seeder's uploaded bytes");
        assertWithin(piece, clientDown, leecher.get("downloaded").asLong(), "leecher's downloaded bytes");
        assertWithin(piece, r.get("leecher").get("uploaded").asLong(), leecher.get("uploaded").asLong(), "leecher's uploaded");
        assertEquals(1, leecher.get("completed").asInt(), "one completed download: " + leecher);
        System.out.printf("cluster private download (seeder via %d node(s), leecher via %d): libtorrent seeder uploaded %d,"
                + " cluster accounted %d; leecher downloaded %d, cluster accounted %d (piece %d)%n", seedVia.size(),
                leechVia.size(), clientUp, seeder.get("uploaded").asLong(), clientDown,
                leecher.get("downloaded").asLong(), piece);
        return hash;
    }

    /** An HTTP announce with {@code passkey} to {@code node}; returns the bencoded body as text. */
    /** The node's scrape of {@code hash} (bencoded) through {@code /scrape/<passkey>}. */
    private static String scrape(Tracker node, String passkey, String hash) {
        String ih = TestNet.percentEncode(InfoHash.fromHex(hash).bytes());
        URI u = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/scrape/" + passkey + "?info_hash=" + ih);
        try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return c.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String announce(Tracker node, String passkey, String hash) throws Exception {
        String ih = TestNet.percentEncode(InfoHash.fromHex(hash).bytes());
        URI u = URI.create(http(node) + passkey + "?info_hash=" + ih + "&peer_id=-XX0001-revokecheck1&port=6881"
                + "&uploaded=0&downloaded=0&left=0&compact=1");
        try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return c.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)).body();
        }
    }

    @Test
    void usersMadeOnAAnnounceToBAndTheSplitDownloadIsAccountedOnceAndARevocationOnBHoldsOnA() throws Exception {
        String seederKey = admin(a, "POST", "/users", "{\"name\":\"seeder\"}").body().get("passkey").asText();
        String leecherKey = admin(a, "POST", "/users", "{\"name\":\"leecher\"}").body().get("passkey").asText();
        await(() -> b.registry().userByPasskey(leecherKey) != null && b.registry().userByPasskey(seederKey) != null,
                "B knows the users made on A");
        // The seeder announces only to A; the leecher announces every time to both A and B (one tier, libtorrent's
        // announce_to_all_trackers): each of its announces reaches both nodes, and must be counted once.
        String hash = download(seederKey, leecherKey, List.of(a), List.of(a, b));

        // Revoked through B (the user removed): A refuses the passkey within the bound.
        assertTrue(announce(a, leecherKey, hash).contains("interval"), "A accepts the passkey before");
        assertEquals(204, admin(b, "DELETE", "/users/leecher", null).status());
        long t0 = System.nanoTime();
        long deadline = t0 + REVOKE_BOUND.toNanos();
        String body;
        while (!(body = announce(a, leecherKey, hash)).contains("unknown passkey")) {
            assertTrue(System.nanoTime() < deadline, "A refuses the passkey revoked on B within " + REVOKE_BOUND
                    + "; it answered " + body);
        }
        System.out.printf("passkey revoked on B refused by A after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aSeederOnAAndALeecherOnBOnlyAreAccountedOnBothNodes() throws Exception {
        String seederKey = admin(a, "POST", "/users", "{\"name\":\"seeder\"}").body().get("passkey").asText();
        String leecherKey = admin(a, "POST", "/users", "{\"name\":\"leecher\"}").body().get("passkey").asText();
        await(() -> b.registry().userByPasskey(leecherKey) != null, "B knows the users made on A");
        // The leecher meets the seeder through the cluster's peer replication (A → Redis → B); the leecher's account,
        // counted from announces B took, is the same on A.
        download(seederKey, leecherKey, List.of(a), List.of(b));
    }
}

package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.PeerId;
import dev.swarm.tracker.cluster.RegistrySync;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.AccountView;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.RegistryException;
import dev.swarm.tracker.registry.SharedRegistry;
import dev.swarm.tracker.registry.User;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private mode on two nodes sharing one real Redis (Debian redis-server on loopback, started and stopped here):
 * admin changes made on either node hold on the other, and the accounting merge rules (delta against the last
 * counters any node saw for the session) hold for a client moving between nodes, a restart, a counter reset,
 * duplicate and late deliveries, a node dying, Redis being unreachable, and a cluster seeded from a journal.
 * Announce times are given explicitly (the accounting's clock); waits poll for a condition with a deadline.
 */
@Timeout(60)
class RegistrySyncTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final InfoHash H = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    private static final byte[] PEER = "-LT2000-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private RedisProcess redis;
    private RedisClient testClient;
    private StatefulRedisConnection<byte[], byte[]> test;
    private final List<Node> nodes = new ArrayList<>();

    /** One tracker node's private-mode state: its registry (journal in its own directory) and its sync. */
    private record Node(Registry registry, RegistrySync sync, RedisClient client) {
        void close() {
            sync.close();
            registry.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @BeforeEach
    void startRedis() throws Exception {
        RedisProcess.requireRedis();
        redis = RedisProcess.onSocket(dir.resolve("redis"));
        testClient = client(Duration.ofSeconds(5));
        test = testClient.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (Node n : nodes) {
                n.close();
            }
            if (test != null) {
                test.close();
                testClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        } finally {
            if (redis != null) {
                redis.close(); // SIGKILL to its own PID, even when closing a node failed; SIGCONT is not needed for that
            }
        }
    }

    private Registry registry(String name) {
        return Registry.open(new TrackerConfig.Registry(dir.resolve(name), Duration.ofSeconds(5), 100, 100, 1000, 1000,
                1000), Duration.ofMinutes(45), InstantSource.fixed(Instant.ofEpochMilli(T0)));
    }

    private Node node(String name) {
        return node(registry(name), Duration.ofMillis(10));
    }

    private Node node(Registry r, Duration poll) {
        RedisClient c = client(TIMEOUT);
        StatefulRedisConnection<byte[], byte[]> conn = c.connect(ByteArrayCodec.INSTANCE);
        RegistrySync s = new RegistrySync(r, conn::sync, conn::async,
                new RegistrySync.Settings("t", poll, TIMEOUT, 1000, 10_000, Duration.ofMinutes(45)), Metrics.NOOP);
        Node n = new Node(r, s.start(), c);
        nodes.add(n);
        await(s::synced, "node " + r + " caught up");
        return n;
    }

    /** A client with the given command timeout that rejects commands while disconnected (as the tracker's). */
    private RedisClient client(Duration timeout) {
        RedisURI u = RedisURI.create(redis.url());
        u.setTimeout(timeout);
        RedisClient c = RedisClient.create(u);
        c.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        return c;
    }

    private static void await(BooleanSupplier cond, String what) {
        await(cond, () -> what);
    }

    /** Waits for {@code cond} (polled every 2 ms) at most {@link #BOUND}; {@code what} is built at a failure. */
    private static void await(BooleanSupplier cond, Supplier<String> what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, () -> "within " + BOUND + ": " + what.get());
            try {
                Thread.sleep(2); // polling interval of the wait; the deadline bounds it
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static void announce(Node n, String user, long up, long down, long left, AnnounceEvent ev, long at) {
        n.registry().accounting().record(user, H.bytes(), PEER, up, down, left, ev, false, at);
    }

    /** The cluster's account in Redis: field → value. */
    private Map<String, Long> redisAccount(String user) {
        Map<String, Long> out = new HashMap<>();
        test.sync().hgetall((RegistrySync.keyBase("t") + "a:" + user + ":" + H.toHex()).getBytes(StandardCharsets.UTF_8))
                .forEach((k, v) -> out.put(new String(k, StandardCharsets.UTF_8),
                        Long.parseLong(new String(v, StandardCharsets.UTF_8))));
        return out;
    }

    /**
     * Waits until the cluster's account has {@code version} and every node shows the same uploaded/downloaded/completed
     * as Redis; returns the account.
     */
    private Map<String, Long> settle(String user, long version) {
        await(() -> redisAccount(user).getOrDefault("v", 0L) == version, () -> "account of " + user + " at version "
                + version + " in Redis: " + redisAccount(user));
        Map<String, Long> r = redisAccount(user);
        for (Node n : nodes) {
            await(() -> {
                AccountView v = n.registry().accounting().account(user, H);
                return v != null && v.uploaded() == r.get("u") && v.downloaded() == r.get("d")
                        && v.completed() == r.getOrDefault("c", 0L) && v.seedingSeconds() == r.get("sm") / 1000;
            }, () -> "node " + n.registry() + " adopted " + r + ", has " + n.registry().accounting().account(user, H));
        }
        return r;
    }

    @Test
    void adminChangesOnEitherNodeHoldOnTheOther() {
        Node a = node("a");
        Node b = node("b");
        User alice = a.registry().addUser("alice", true, true);
        long t = System.nanoTime();
        await(() -> b.registry().userByPasskey(alice.passkey()) != null, "B knows alice's passkey");
        long lagMicros = (System.nanoTime() - t) / 1000;
        User rotated = b.registry().rotatePasskey("alice");
        await(() -> a.registry().userByPasskey(alice.passkey()) == null, "the old passkey stops working on A");
        assertEquals("alice", a.registry().userByPasskey(rotated.passkey()).name());
        b.registry().updateUser("alice", false, null);
        await(() -> !a.registry().user("alice").enabled(), "A sees alice disabled");
        a.registry().putTorrent(H, true);
        await(() -> b.registry().torrent(H) != null && b.registry().torrent(H).freeleech(), "B has the torrent, freeleech");
        b.registry().removeTorrent(H);
        await(() -> a.registry().torrent(H) == null, "A forgets the torrent");
        a.registry().removeUser("alice");
        await(() -> b.registry().user("alice") == null, "B forgets alice");
        System.out.printf("registry change visible on the other node after %d µs%n", lagMicros);
    }

    @Test
    void aNameTakenOnAnyNodeIsRefusedOnEveryNode() {
        Node a = node("a");
        // B reads the change stream only every hour: it cannot know locally that A just created bob.
        Node b = node(registry("b"), Duration.ofHours(1));
        await(() -> b.sync().rounds() >= 1, "B finished its first round and waits an hour for the next");
        a.registry().addUser("bob", true, true);
        assertNull(b.registry().user("bob"), "B has not read the change yet");
        RegistryException e = assertThrows(RegistryException.class, () -> b.registry().addUser("bob", true, true));
        assertEquals(RegistryException.Kind.CONFLICT, e.kind());
        assertNull(b.registry().user("bob"), "nothing applied on B by the refused change");
        // The other way round: A removes bob; B, which has not read that, cannot bring him back by changing him.
        b.registry().applyShared(JsonNodeFactory.instance.objectNode().put("type", "user").put("name", "bob").put("passkey", "0123456789abcdef0123456789abcdef"));
        a.registry().removeUser("bob");
        RegistryException gone = assertThrows(RegistryException.class, () -> b.registry().rotatePasskey("bob"));
        assertEquals(RegistryException.Kind.NOT_FOUND, gone.kind());
        assertFalse(test.sync().hexists((RegistrySync.keyBase("t") + "users").getBytes(StandardCharsets.UTF_8),
                "bob".getBytes(StandardCharsets.UTF_8)), "bob stays removed in the cluster");
    }

    @Test
    void aClientMovingBetweenNodesIsCountedOnceAndCompletely() {
        Node a = node("a");
        Node b = node("b");
        a.registry().addUser("carol", true, true);
        announce(a, "carol", 0, 0, 1000, AnnounceEvent.STARTED, T0);
        settle("carol", 1);
        // B has never seen this session: on its own it would only set a baseline and lose 0 → 100.
        announce(b, "carol", 100, 400, 600, AnnounceEvent.NONE, T0 + 60_000);
        assertEquals(100, settle("carol", 2).get("u"));
        // Back on A, whose own last counters are still 0: on its own it would count 0 → 300 again (400 in all).
        announce(a, "carol", 300, 1000, 0, AnnounceEvent.COMPLETED, T0 + 120_000);
        Map<String, Long> acct = settle("carol", 3);
        assertEquals(300, acct.get("u"));
        assertEquals(1000, acct.get("d"));
        assertEquals(1, acct.get("c"));
        // A seeder announcing to B, then to A again: seeding time between them is counted once, completed not again.
        announce(b, "carol", 350, 1000, 0, AnnounceEvent.COMPLETED, T0 + 180_000);
        acct = settle("carol", 4);
        assertEquals(350, acct.get("u"));
        assertEquals(1, acct.get("c"), "completed counts once per session, whichever node hears it");
        assertEquals(60_000, acct.get("sm"));
        for (Node n : nodes) {
            assertEquals(350, n.registry().accounting().totals("carol").uploaded(), "member totals follow the account");
        }
    }

    @Test
    void aRestartAndACounterResetCountInFullAcrossNodes() {
        Node a = node("a");
        Node b = node("b");
        a.registry().addUser("dave", true, true);
        announce(a, "dave", 0, 0, 1000, AnnounceEvent.STARTED, T0);
        announce(a, "dave", 500, 0, 1000, AnnounceEvent.NONE, T0 + 60_000);
        settle("dave", 2);
        // The client restarted (counters from 0, 'started') and picked B.
        announce(b, "dave", 200, 0, 1000, AnnounceEvent.STARTED, T0 + 120_000);
        assertEquals(700, settle("dave", 3).get("u"));
        // Counters lower than last time without 'started' (a reset): counted in full, from 0.
        announce(a, "dave", 50, 0, 1000, AnnounceEvent.NONE, T0 + 180_000);
        assertEquals(750, settle("dave", 4).get("u"));
        // 'stopped' on B ends the session the client opened on A: counted, and the next announce without 'started'
        // only sets a baseline.
        announce(b, "dave", 80, 0, 1000, AnnounceEvent.STOPPED, T0 + 240_000);
        assertEquals(780, settle("dave", 5).get("u"));
        announce(a, "dave", 999, 0, 1000, AnnounceEvent.NONE, T0 + 300_000);
        await(() -> a.sync().outboxDepth() == 0, "sent");
        assertEquals(780, settle("dave", 5).get("u"), "a session seen first without 'started' only sets the baseline");
    }

    @Test
    void duplicateAndLateDeliveriesChangeNothing() {
        Node a = node("a");
        Node b = node("b");
        a.registry().addUser("erin", true, true);
        PeerId p = PeerId.of(PEER, 0);
        SharedRegistry.Observation start = new SharedRegistry.Observation("erin", H, p, 0, 0, 10, AnnounceEvent.STARTED,
                false, T0);
        SharedRegistry.Observation later = new SharedRegistry.Observation("erin", H, p, 200, 0, 10, AnnounceEvent.NONE,
                false, T0 + 120_000);
        SharedRegistry.Observation earlier = new SharedRegistry.Observation("erin", H, p, 100, 0, 10, AnnounceEvent.NONE,
                false, T0 + 60_000);
        a.sync().observe(start);
        a.sync().observe(start); // delivered twice (e.g. sent again after a timeout that hid a success)
        await(() -> a.sync().outboxDepth() == 0, "A sent both"); // the next announce comes a minute later
        b.sync().observe(later);
        await(() -> redisAccount("erin").getOrDefault("u", -1L) == 200, "the later announce counted");
        a.sync().observe(earlier); // an older announce arriving late from another node's outbox
        a.sync().observe(later);   // and the later one again
        await(() -> a.sync().outboxDepth() == 0 && b.sync().outboxDepth() == 0, "outboxes sent");
        // One more announce makes a version that can only come after everything sent above.
        a.sync().observe(new SharedRegistry.Observation("erin", H, p, 260, 0, 10, AnnounceEvent.NONE, false,
                T0 + 180_000));
        Map<String, Long> acct = settle("erin", 3);
        assertEquals(260, acct.get("u"), "started, +200, +60: no duplicate, no late announce counted: " + acct);
    }

    @Test
    void aNodeThatDiesLosesNothingAndANewNodeCatchesUp() {
        Node a = node("a");
        Node b = node("b");
        User frank = a.registry().addUser("frank", true, true);
        a.registry().putTorrent(H, false);
        a.registry().addUser("gone", true, true);
        announce(a, "frank", 0, 0, 1000, AnnounceEvent.STARTED, T0);
        announce(a, "frank", 400, 0, 1000, AnnounceEvent.NONE, T0 + 60_000);
        settle("frank", 2);
        // A dies: its sync stops and its registry is never flushed again (its journal has no accounting).
        a.sync().close();
        nodes.remove(a);
        // The client goes on with B: counted against the last counters A saw.
        announce(b, "frank", 700, 0, 1000, AnnounceEvent.NONE, T0 + 120_000);
        assertEquals(700, settle("frank", 3).get("u"));
        b.registry().removeUser("gone");
        // A new node with an empty journal gets the users, the torrent and the accounts.
        Node c = node("c");
        assertEquals("frank", c.registry().userByPasskey(frank.passkey()).name());
        assertNull(c.registry().user("gone"));
        assertNotNull(c.registry().torrent(H));
        assertEquals(700, c.registry().accounting().account("frank", H).uploaded());
        assertEquals(700, c.registry().accounting().totals("frank").uploaded());
        // A restarts from its own journal (which still has 'gone'): the cluster's state replaces it.
        a.registry().close();
        a.client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
        Node a2 = node("a");
        assertNull(a2.registry().user("gone"), "removed while A was down");
        assertEquals(700, a2.registry().accounting().account("frank", H).uploaded());
    }

    @Test
    void whileRedisIsUnreachableAnnouncesQueueAndAdminChangesAreRefused() throws Exception {
        Node a = node("a");
        Node b = node("b");
        a.registry().addUser("gina", true, true);
        announce(a, "gina", 0, 0, 1000, AnnounceEvent.STARTED, T0);
        settle("gina", 1);
        redis.pause();
        try {
            // Announces are queued for the cluster's accounting; they never wait for Redis.
            announce(b, "gina", 100, 0, 1000, AnnounceEvent.NONE, T0 + 60_000);
            announce(a, "gina", 250, 0, 1000, AnnounceEvent.NONE, T0 + 120_000);
            await(() -> !a.sync().synced() || a.sync().outboxDepth() > 0, "A's announce waits in its outbox");
            assertTrue(b.sync().outboxDepth() + a.sync().outboxDepth() >= 1);
            RegistryException e = assertThrows(RegistryException.class, () -> a.registry().addUser("hank", true, true));
            assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
            assertNull(a.registry().user("hank"), "a refused admin change changes nothing");
        } finally {
            redis.resume();
        }
        // Both outboxes are delivered when Redis answers again; whatever the order, each byte is counted once.
        await(() -> redisAccount("gina").getOrDefault("v", 0L) >= 2, "queued announces delivered");
        await(() -> a.sync().outboxDepth() == 0 && b.sync().outboxDepth() == 0 && a.sync().synced()
                && b.sync().synced(), "both nodes in step again");
        Map<String, Long> r = redisAccount("gina");
        assertEquals(250, r.get("u"), "0 → 250 counted once across both nodes' outboxes: " + r);
        settle("gina", r.get("v"));
    }

    @Test
    void aRedisThatLostItsDataIsSeededAgainFromTheNodes() {
        Node a = node("a");
        Node b = node("b");
        User jo = a.registry().addUser("jo", true, true);
        a.registry().putTorrent(H, false);
        announce(a, "jo", 0, 0, 1000, AnnounceEvent.STARTED, T0);
        announce(a, "jo", 500, 0, 1000, AnnounceEvent.NONE, T0 + 60_000);
        settle("jo", 2);
        test.sync().flushall(); // as a Redis restarted without persistence
        await(() -> test.sync().hget((RegistrySync.keyBase("t") + "users").getBytes(StandardCharsets.UTF_8),
                "jo".getBytes(StandardCharsets.UTF_8)) != null, "a node seeded the users again");
        await(() -> redisAccount("jo").getOrDefault("u", 0L) == 500, "and the accounts");
        assertEquals(jo.passkey(), b.registry().user("jo").passkey(), "B kept jo");
        assertNotNull(b.registry().torrent(H));
        // The sessions were lost with Redis: the next announce only sets the baseline again, nothing is counted twice.
        announce(b, "jo", 800, 0, 1000, AnnounceEvent.NONE, T0 + 120_000);
        await(() -> b.sync().outboxDepth() == 0, "B sent"); // the next announce comes a minute later
        announce(a, "jo", 900, 0, 1000, AnnounceEvent.NONE, T0 + 180_000);
        await(() -> a.sync().outboxDepth() == 0, "A sent");
        assertEquals(600, settle("jo", redisAccount("jo").get("v")).get("u"));
    }

    @Test
    void aSingleTrackerBecomingTheFirstNodeSeedsTheCluster() {
        Registry solo = registry("solo");
        User ivy = solo.addUser("ivy", true, true);
        solo.putTorrent(H, false);
        solo.accounting().record("ivy", H.bytes(), PEER, 0, 0, 100, AnnounceEvent.STARTED, false, T0);
        solo.accounting().record("ivy", H.bytes(), PEER, 123, 45, 100, AnnounceEvent.NONE, false, T0 + 60_000);
        solo.flush();
        Node a = node(solo, Duration.ofMillis(10));
        Node b = node("b");
        assertEquals("ivy", b.registry().userByPasskey(ivy.passkey()).name());
        assertNotNull(b.registry().torrent(H));
        await(() -> b.registry().accounting().account("ivy", H) != null, "B has ivy's account");
        assertEquals(123, b.registry().accounting().account("ivy", H).uploaded());
        assertEquals(45, b.registry().accounting().account("ivy", H).downloaded());
        // The session itself was local to the single node: the next announce on B sets the cluster's baseline.
        announce(b, "ivy", 200, 45, 100, AnnounceEvent.NONE, T0 + 120_000);
        await(() -> b.sync().outboxDepth() == 0, "sent");
        assertFalse(redisAccount("ivy").isEmpty());
        assertEquals(123, redisAccount("ivy").get("u"));
        assertEquals(123, a.registry().accounting().account("ivy", H).uploaded());
    }
}

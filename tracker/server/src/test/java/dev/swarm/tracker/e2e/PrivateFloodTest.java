package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.registry.AccountView;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.User;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 4, in process over real loopback sockets: one passkey announcing with ever new peer_ids holds at most
 * {@code registry.max-sessions-per-user} sessions while the others' announces are served and accounted, and closing
 * the tracker (what SIGTERM does) flushes their accounting; passkey guessing from one address is cut off after the
 * burst, right guesses included, while the same passkey from another address works.
 */
@Timeout(120)
class PrivateFloodTest {
    private static final byte[] HASH = "private-flood-hash01".getBytes(StandardCharsets.ISO_8859_1);
    private static final String GUESS_LIMITED = "too many unknown passkeys from your address; try again later";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final MetricRegistry metrics = new MetricRegistry();
    private Tracker tracker;

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private TrackerConfig start() throws Exception {
        TrackerConfig cfg = ConfigLoader.load(null, Map.of("mode", "private", "http.listen", "127.0.0.1:0",
                "udp.listen", "127.0.0.1:0", "store.data-dir", dir.toString(), "registry.max-sessions-per-user", "500"));
        tracker = Tracker.start(cfg, clock, new DropwizardMetrics(metrics));
        return cfg;
    }

    private static byte[] peerId(int n) {
        return String.format("-TT0001-%012d", n).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static UdpResponse announce(UdpTestClient c, long id, User u, int peer, long uploaded, AnnounceEvent e)
            throws Exception {
        byte[] reply = c.exchange(c.announcePacket(id, HASH, peerId(peer), 0, 100, uploaded, e, 7000 + peer % 1000,
                "/announce/" + u.passkey()), 2000);
        assertNotNull(reply, "every announce is answered");
        return UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), false);
    }

    @Test
    void onePasskeyWithEverNewPeerIdsHoldsItsShareAndOthersAreServedAndFlushed() throws Exception {
        TrackerConfig cfg = start();
        Registry registry = tracker.registry();
        User mallory = registry.addUser("mallory", true, true);
        User alice = registry.addUser("alice", true, true);
        registry.putTorrent(InfoHash.of(HASH), false);
        int udpPort = tracker.udpAddress().getPort();
        try (UdpTestClient flood = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.1"));
             UdpTestClient honest = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.2"))) {
            long floodId = flood.connect();
            long honestId = honest.connect();
            assertTrue(announce(honest, honestId, alice, 1, 0, AnnounceEvent.STARTED) instanceof AnnounceResponse);
            for (int i = 0; i < 2000; i++) {
                assertTrue(announce(flood, floodId, mallory, 10_000 + i, 0, AnnounceEvent.STARTED) instanceof AnnounceResponse,
                        "the flood is served, not accounted: " + i);
                if (i % 200 == 0) {
                    assertTrue(announce(honest, honestId, alice, 1, i, AnnounceEvent.NONE) instanceof AnnounceResponse);
                }
            }
            assertEquals(500, registry.accounting().sessionCount("mallory"), "registry.max-sessions-per-user");
            assertEquals(1500, metrics.meter("tracker.accounting.user_session_limit").getCount());
            assertTrue(announce(honest, honestId, alice, 1, 5000, AnnounceEvent.NONE) instanceof AnnounceResponse);
            assertEquals(5000, registry.accounting().account("alice", InfoHash.of(HASH)).uploaded());
        }
        tracker.close(); // what SIGTERM runs (Main): the last flush
        tracker = null;
        try (Registry reopened = Registry.open(cfg.registry(), cfg.announce().peerTimeout(), clock)) {
            AccountView a = reopened.accounting().account("alice", InfoHash.of(HASH));
            assertNotNull(a, "alice's account was flushed at close");
            assertEquals(5000, a.uploaded());
            assertEquals(500, reopened.accounting().sessionCount("mallory"), "the sessions came back, bounded");
        }
    }

    @Test
    void passkeyGuessingFromOneAddressIsCutOffRightGuessesIncluded() throws Exception {
        start();
        Registry registry = tracker.registry();
        User bob = registry.addUser("bob", true, true);
        registry.putTorrent(InfoHash.of(HASH), false);
        int udpPort = tracker.udpAddress().getPort();
        try (UdpTestClient guesser = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.3"));
             UdpTestClient honest = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.2"))) {
            long id = guesser.connect();
            for (int i = 0; i < 30; i++) {
                User guess = new User("x", String.format("%032x", i), true, true);
                assertEquals("unknown passkey", ((ErrorResponse) announce(guesser, id, guess, i, 0, AnnounceEvent.STARTED))
                        .message(), "guess " + i + " is within the burst");
            }
            User guess = new User("x", String.format("%032x", 99), true, true);
            assertEquals(GUESS_LIMITED, ((ErrorResponse) announce(guesser, id, guess, 99, 0, AnnounceEvent.STARTED)).message());
            assertEquals(GUESS_LIMITED, ((ErrorResponse) announce(guesser, id, bob, 98, 0, AnnounceEvent.STARTED)).message(),
                    "a right guess is refused too: the guesser learns nothing");
            String http = new String(TestNet.get("http://127.0.0.1:" + tracker.httpAddress().getPort() + "/scrape/"
                    + guess.passkey()), StandardCharsets.ISO_8859_1);
            assertTrue(http.contains("unknown passkey"), "scrapes from 127.0.0.1 have their own bucket: " + http);
            assertTrue(announce(honest, honest.connect(), bob, 1, 0, AnnounceEvent.STARTED) instanceof AnnounceResponse,
                    "the passkey works from another address");
            clock.advance(60_000); // 10 unknown passkeys a minute
            assertTrue(announce(guesser, guesser.connect(), bob, 2, 0, AnnounceEvent.STARTED) instanceof AnnounceResponse,
                    "the bucket refilled");
            assertEquals(31, metrics.meter("tracker.abuse.unknown_passkeys").getCount());
            assertEquals(2, metrics.meter("tracker.abuse.passkey_guess_limited").getCount());
        }
    }
}

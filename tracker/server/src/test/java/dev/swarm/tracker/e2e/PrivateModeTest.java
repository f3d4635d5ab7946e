package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.AccountView;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.User;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private mode over real loopback sockets: passkeys in HTTP paths and BEP 41 URL data, refusals that carry a
 * reason and nothing else (no peers, no counts), registered torrents only, seed-only users, private scrapes.
 */
class PrivateModeTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final byte[] HASH = "private-torrent-0001".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] OTHER = "unregistered-torrent".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private Tracker tracker;
    private Registry registry;
    private int port;
    private int udpPort;
    private User alice;
    private User bob;

    @BeforeEach
    void start() throws Exception {
        TrackerConfig cfg = ConfigLoader.load(null, Map.of(
                "mode", "private",
                "http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "store.type", "heap", "store.data-dir", dir.toString()));
        tracker = Tracker.start(cfg, clock, Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
        registry = tracker.registry();
        alice = registry.addUser("alice", true, true);
        bob = registry.addUser("bob", true, true);
        registry.putTorrent(InfoHash.of(HASH), false);
    }

    @AfterEach
    void stop() {
        tracker.close();
    }

    private static String peerId(int n) {
        return String.format("-TT0001-%012d", n);
    }

    private String query(byte[] hash, int peerPort, long left) {
        return "?info_hash=" + TestNet.percentEncode(hash) + "&peer_id=" + peerId(peerPort) + "&port=" + peerPort
                + "&uploaded=0&downloaded=0&left=" + left + "&event=started";
    }

    private BDict httpAnnounce(String path, byte[] hash, int peerPort, long left) throws Exception {
        return TestNet.getBencoded("http://127.0.0.1:" + port + path + query(hash, peerPort, left));
    }

    /** A refusal is a failure reason and nothing that tells about the swarm. */
    private static void assertRefused(BDict reply, String reason) {
        assertEquals(reason, reply.string("failure reason"), reply.toString());
        assertEquals(1, reply.size(), "nothing but the failure reason: " + reply);
    }

    @Test
    void httpAnnounceNeedsTheKnownPasskeyOfAnEnabledUser() throws Exception {
        assertRefused(httpAnnounce("/announce", HASH, 7001, 0), "this is a private tracker: announce to /announce/<your passkey>");
        assertRefused(httpAnnounce("/announce/", HASH, 7001, 0), "this is a private tracker: announce to /announce/<your passkey>");
        assertRefused(httpAnnounce("/announce/0123456789abcdef0123456789abcdef", HASH, 7001, 0), "unknown passkey");
        assertRefused(httpAnnounce("/announce/not-a-passkey", HASH, 7001, 0), "unknown passkey");
        assertRefused(httpAnnounce("/announce/" + alice.passkey() + "/x", HASH, 7001, 0), "unknown passkey");

        BDict seeded = httpAnnounce("/announce/" + alice.passkey(), HASH, 7001, 0);
        assertNull(seeded.get("failure reason"), seeded.toString());
        BDict leech = httpAnnounce("/announce/" + bob.passkey(), HASH, 7002, 100);
        assertEquals(6, leech.bytes("peers").length, "bob gets alice");
        assertEquals(1L, leech.integer("complete"));

        registry.updateUser("bob", false, null);
        assertRefused(httpAnnounce("/announce/" + bob.passkey(), HASH, 7002, 100), "account disabled");
        registry.updateUser("bob", true, null);
        String old = bob.passkey();
        User rotated = registry.rotatePasskey("bob");
        assertRefused(httpAnnounce("/announce/" + old, HASH, 7002, 100), "unknown passkey");
        assertNull(httpAnnounce("/announce/" + rotated.passkey(), HASH, 7002, 100).get("failure reason"));
        registry.removeUser("bob");
        assertRefused(httpAnnounce("/announce/" + rotated.passkey(), HASH, 7002, 100), "unknown passkey");
    }

    @Test
    void unregisteredTorrentsAreRefusedAndUnregisteringTakesEffect() throws Exception {
        assertRefused(httpAnnounce("/announce/" + alice.passkey(), OTHER, 7001, 0), "torrent not registered with this tracker");
        registry.putTorrent(InfoHash.of(OTHER), false);
        assertNull(httpAnnounce("/announce/" + alice.passkey(), OTHER, 7001, 0).get("failure reason"));
        registry.removeTorrent(InfoHash.of(OTHER));
        assertRefused(httpAnnounce("/announce/" + alice.passkey(), OTHER, 7001, 0), "torrent not registered with this tracker");
    }

    @Test
    void aUserWhoMayNotDownloadMaySeedOnly() throws Exception {
        registry.updateUser("alice", null, false);
        assertRefused(httpAnnounce("/announce/" + alice.passkey(), HASH, 7001, 5), "your account may not download (seeding only)");
        assertNull(httpAnnounce("/announce/" + alice.passkey(), HASH, 7001, 0).get("failure reason"));
    }

    @Test
    void udpPasskeyComesFromBep41UrlData() throws Exception {
        try (UdpTestClient c = new UdpTestClient(udpPort)) {
            byte[] pid = peerId(1).getBytes(StandardCharsets.ISO_8859_1);
            UdpResponse none = c.announce(HASH, pid, 0, 0, 0, AnnounceEvent.STARTED, 7001, null);
            // No URL data at all (aria2c, Transmission 3.00): putting the passkey in the URL would not help them.
            assertEquals("this is a private tracker and your client sent no passkey over UDP (BEP 41 URL data): use the"
                    + " HTTP announce URL, http://<tracker>/announce/<your passkey>", ((ErrorResponse) none).message());
            UdpResponse noKey = c.announce(HASH, pid, 0, 0, 0, AnnounceEvent.STARTED, 7001, "/announce");
            assertEquals("this is a private tracker: announce to /announce/<your passkey>", ((ErrorResponse) noKey).message());
            UdpResponse otherForm = c.announce(HASH, pid, 0, 0, 0, AnnounceEvent.STARTED, 7001, "/" + alice.passkey() + "/announce");
            assertTrue(otherForm instanceof ErrorResponse, "only the /announce/<passkey> form is understood");
            UdpResponse wrong = c.announce(HASH, pid, 0, 0, 0, AnnounceEvent.STARTED, 7001, "/announce/0123456789abcdef0123456789abcdef");
            assertEquals("unknown passkey", ((ErrorResponse) wrong).message());
            UdpResponse unregistered = c.announce(OTHER, pid, 0, 0, 0, AnnounceEvent.STARTED, 7001, "/announce/" + alice.passkey());
            assertEquals("torrent not registered with this tracker", ((ErrorResponse) unregistered).message());

            UdpResponse seeder = c.announce(HASH, pid, 0, 0, 0, AnnounceEvent.STARTED, 7001, "/announce/" + alice.passkey());
            assertTrue(seeder instanceof AnnounceResponse, seeder.toString());
            byte[] pid2 = peerId(2).getBytes(StandardCharsets.ISO_8859_1);
            // A query after the passkey (some clients append one) is ignored.
            AnnounceResponse leecher = (AnnounceResponse) c.announce(HASH, pid2, 0, 100, 0, AnnounceEvent.STARTED, 7002,
                    "/announce/" + bob.passkey() + "?x=1");
            assertEquals(1, leecher.seeders());
            assertEquals(6, leecher.peers().length);

            ErrorResponse scrape = (ErrorResponse) c.scrape(HASH);
            assertTrue(scrape.message().contains("scrape over HTTP"), scrape.message());
        }
    }

    /**
     * Issue 10 defect 4 in private mode: a stop with port 0 (libtorrent 1.1) over HTTP and over UDP takes the member's
     * peer off the swarm (it is the only peer of its address) and is accounted like any stop: its delta is counted,
     * the session (keyed by peer_id) ends, and the swarm without the member is recorded.
     */
    @Test
    void aStopWithoutPortIsAccountedAndTakesThePeerOff() throws Exception {
        String alicePath = "http://127.0.0.1:" + port + "/announce/" + alice.passkey() + "?info_hash="
                + TestNet.percentEncode(HASH) + "&peer_id=" + peerId(1);
        assertNull(TestNet.getBencoded(alicePath + "&port=7001&uploaded=0&downloaded=0&left=100&event=started")
                .get("failure reason"));
        byte[] bobId = peerId(2).getBytes(StandardCharsets.ISO_8859_1);
        String bobData = "/announce/" + bob.passkey();
        try (UdpTestClient c = new UdpTestClient(udpPort, java.net.InetAddress.getByName("127.0.0.2"))) {
            AnnounceResponse bobStart = (AnnounceResponse) c.announce(HASH, bobId, 0, 100, 0, AnnounceEvent.STARTED,
                    7002, bobData);
            assertEquals(6, bobStart.peers().length, "bob gets alice");
            assertEquals(2, registry.accounting().sessionCount());

            clock.advance(60_000);
            BDict stopped = TestNet.getBencoded(alicePath + "&port=0&uploaded=5000&downloaded=700&left=100"
                    + "&event=stopped&numwant=0&compact=1&no_peer_id=1");
            assertNull(stopped.get("failure reason"), stopped.toString());
            AccountView a = registry.accounting().account("alice", InfoHash.of(HASH));
            assertEquals(5000, a.uploaded(), "the stop's delta is counted");
            assertEquals(700, a.downloaded());
            assertEquals(new AccountView.Stop(0, 1, T0 + 60_000), a.lastStop(), "the swarm without alice: bob");
            assertEquals(1, registry.accounting().sessionCount(), "alice's session ended");

            AnnounceResponse bobAgain = (AnnounceResponse) c.announce(HASH, bobId, 0, 100, 0, AnnounceEvent.NONE,
                    7002, bobData);
            assertEquals(0, bobAgain.peers().length, "alice's peer is off the swarm");
            assertEquals(1, bobAgain.leechers());

            clock.advance(60_000);
            AnnounceResponse bobStop = (AnnounceResponse) c.announce(HASH, bobId, 300, 100, 0, AnnounceEvent.STOPPED,
                    0, bobData);
            assertEquals(0, bobStop.leechers(), "over UDP too");
            AccountView b = registry.accounting().account("bob", InfoHash.of(HASH));
            assertEquals(300, b.downloaded());
            assertEquals(new AccountView.Stop(0, 0, T0 + 120_000), b.lastStop());
            assertEquals(0, registry.accounting().sessionCount());
        }
        BDict counts = TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape/" + alice.passkey() + "?info_hash="
                + TestNet.percentEncode(HASH)).dict("files").dict(new String(HASH, StandardCharsets.ISO_8859_1));
        assertEquals(0L, counts.integer("complete") + counts.integer("incomplete"), "nobody is listed");
    }

    @Test
    void httpScrapeNeedsAPasskeyAndShowsRegisteredTorrentsOnly() throws Exception {
        httpAnnounce("/announce/" + alice.passkey(), HASH, 7001, 0);
        String q = "?info_hash=" + TestNet.percentEncode(HASH) + "&info_hash=" + TestNet.percentEncode(OTHER);
        assertRefused(TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape" + q),
                "this is a private tracker: announce to /announce/<your passkey>");
        assertRefused(TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape/0123456789abcdef0123456789abcdef" + q),
                "unknown passkey");
        BDict files = TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape/" + bob.passkey() + q).dict("files");
        assertEquals(1, files.size(), "the unregistered torrent is left out: " + files);
        BDict counts = files.dict(new String(HASH, StandardCharsets.ISO_8859_1));
        assertNotNull(counts);
        assertEquals(1L, counts.integer("complete"));
        assertFalse(files.containsKey(new String(OTHER, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void publicModeIgnoresThePathAsBefore() throws Exception {
        tracker.close();
        TrackerConfig cfg = ConfigLoader.load(null, Map.of(
                "http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "store.type", "heap", "store.data-dir", dir.resolve("public").toString()));
        tracker = Tracker.start(cfg, clock, Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        assertNull(tracker.registry(), "no registry without private mode or the admin API");
        assertNull(httpAnnounce("/announce/anything", OTHER, 7001, 0).get("failure reason"));
        assertNull(httpAnnounce("/announce", OTHER, 7002, 0).get("failure reason"));
    }
}

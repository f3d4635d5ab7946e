package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static dev.swarm.peerbridge.e2e.Bridges.list;
import static dev.swarm.peerbridge.e2e.Bridges.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.swarm.peerbridge.api.ApiClient;
import dev.swarm.peerbridge.web.WebServer;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.trackers.AnnounceRequest;
import dev.swarm.peerbridge.trackers.AnnounceResult;
import dev.swarm.peerbridge.trackers.HttpAnnouncer;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.TexMessage;
import dev.swarm.protocol.AnnounceEvent;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BEP 28 scenarios of the issue, run against whatever trackers a subclass provides: two
 * bridges on one torrent, the second learning T2 from the first, verifying it and advertising it;
 * a dead-port URL fed by a scripted peer never verified nor advertised; the ranking putting the
 * tracker that returns more peers first.
 */
abstract class TexScenarios {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    abstract TestTracker newTracker(Path dataDir) throws Exception;

    private TestTracker tracker(String name) throws Exception {
        TestTracker t = newTracker(dir.resolve(name));
        open.add(t);
        return t;
    }

    private Bridge bridge(String line) throws Exception {
        Bridge b = Bridges.start(line, "");
        open.add(b);
        return b;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static String randomInfoHash() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Test
    void secondBridgeLearnsT2OverLtTexVerifiesItThenAdvertisesIt() throws Exception {
        // The bridges meet through T1 over UDP: over HTTP they announce with BEP 21 paused, and this project's
        // tracker does not hand a paused peer to others (see NotDistortingTest).
        String t1 = tracker("t1").udpUrl();
        String t2 = tracker("t2").httpUrl();
        String ih = randomInfoHash();
        Bridge a = bridge(ih + " " + t1 + " " + t2);
        // A first announce lost to a loaded machine is retried after libtorrent's backoff (17.5 s): allow two tries.
        await("A verifies T1 and T2", 45_000, () -> "verified".equals(status(a, ih, t1)) && "verified".equals(status(a, ih, t2)));

        Bridge b = bridge(ih + " " + t1);
        await("B learns T2 from A", 20_000, () -> status(b, ih, t2) != null);
        assertEquals("learned", Bridges.tracker(b, ih, t2).get("origin"));
        await("B verifies T2 by announcing to it", 15_000, () -> "verified".equals(status(b, ih, t2)));
        await("B advertises T2", 5_000, () -> list(b, ih, "advertising").contains(t2));

        try (ScriptedPeer c = new ScriptedPeer(Bridges.address(b))) {
            c.handshake(HexFormat.of().parseHex(ih), "C", 5000);
            c.extensionHandshake(5);
            long deadline = System.currentTimeMillis() + 10_000;
            List<String> got = null;
            PeerMessage m;
            while ((m = c.next(deadline)) != null) {
                if (m instanceof PeerMessage.Extended e && e.extendedId() == 5) {
                    got = TexMessage.decode(e.payload()).added();
                    break;
                }
            }
            assertTrue(got != null && got.contains(t2) && got.contains(t1), "B's full list to a new peer: " + got);
        }
        assertTrue(Bridges.peers(a, ih).stream().anyMatch(p -> ((dev.swarm.peerbridge.session.PeerConnection.View) p).ltTex()),
                "A counts B as an lt_tex peer");
    }

    @Test
    void deadPortTrackerFedByAScriptedPeerIsNeverVerifiedNorAdvertised() throws Exception {
        String t1 = tracker("t1").httpUrl();
        String ih = randomInfoHash();
        Bridge a = bridge(ih + " " + t1);
        await("A verifies T1", 15_000, () -> "verified".equals(status(a, ih, t1)));
        // Dead trackers on ports held for the whole test, so nothing else can take them: a TCP socket bound but not
        // listening refuses connections, a UDP socket that is never read stays silent.
        try (Socket tcp = new Socket(); DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                ScriptedPeer d = new ScriptedPeer(Bridges.address(a))) {
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String deadHttp = "http://127.0.0.1:" + tcp.getLocalPort() + "/announce";
            String deadUdpUrl = "udp://127.0.0.1:" + udp.getLocalPort() + "/announce";
            d.handshake(HexFormat.of().parseHex(ih), "D", 5000);
            d.extensionHandshake(7);
            d.send(new PeerMessage.Extended(19, new TexMessage(List.of(deadHttp, deadUdpUrl, "not a url",
                    "http://[::1]:1/announce")).encode()));
            await("A tries both dead trackers and drops them", 15_000,
                    () -> list(a, ih, "droppedLearned").containsAll(List.of(deadHttp, deadUdpUrl)));
            assertFalse(list(a, ih, "advertisedEver").contains(deadHttp));
            assertFalse(list(a, ih, "advertisedEver").contains(deadUdpUrl));
            long deadline = System.currentTimeMillis() + 3000;
            PeerMessage m;
            while ((m = d.next(deadline)) != null) {
                if (m instanceof PeerMessage.Extended e && e.extendedId() == 7) {
                    List<String> urls = TexMessage.decode(e.payload()).added();
                    assertFalse(urls.contains(deadHttp) || urls.contains(deadUdpUrl), "advertised a dead tracker: " + urls);
                    assertTrue(urls.contains(t1));
                }
            }
            assertEquals(List.of(t1), list(a, ih, "advertising"));
        }
    }

    @Test
    void rankingShowsTheTrackerReturningMorePeersFirst() throws Exception {
        String t1 = tracker("t1").httpUrl();
        String t2 = tracker("t2").httpUrl();
        String ih = randomInfoHash();
        try (HttpAnnouncer announcer = new HttpAnnouncer(Duration.ofSeconds(5), 8)) {
            for (int i = 0; i < 5; i++) {
                byte[] id = ScriptedPeer.peerId("R" + i);
                AnnounceResult r = announcer.announce(t1, new AnnounceRequest(HexFormat.of().parseHex(ih), id, 20_000 + i,
                        1, AnnounceEvent.STARTED, 50, i)).get(10, TimeUnit.SECONDS);
                assertTrue(r instanceof AnnounceResult.Success, "seeding T1: " + r);
            }
        }
        Bridge a = bridge(ih + " " + t2 + " " + t1);
        try (WebServer api = new WebServer(a, new InetSocketAddress("127.0.0.1", 0))) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.address().getPort());
            // A first announce lost to a loaded machine is retried after libtorrent's backoff (17.5 s): allow two tries.
            await("both trackers ranked", 45_000, () -> {
                try {
                    JsonNode rows = client.get("/api/ranking").path("torrents").path(ih);
                    return rows.size() == 2 && rows.get(0).path("successes").asLong() > 0 && rows.get(1).path("successes").asLong() > 0;
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode ranking = client.get("/api/ranking");
            JsonNode rows = ranking.path("torrents").path(ih);
            assertEquals(t1, rows.get(0).path("url").asText(), rows.toString());
            assertTrue(rows.get(0).path("distinctPeers").asInt() >= 5, rows.toString());
            assertTrue(rows.get(0).path("uniquePeers").asInt() >= 5, rows.toString());
            assertEquals(t2, rows.get(1).path("url").asText());
            assertEquals(t1, ranking.path("overall").get(0).path("url").asText());
            assertTrue(ApiClient.rankingTable(ranking).lines().skip(2).findFirst().orElse("").endsWith(t1));
            await("the advertised list is ranked: T1 first", 5_000, () -> list(a, ih, "advertising").equals(List.of(t1, t2)));
            Map<String, Object> torrent = Bridges.torrent(a, ih);
            assertEquals(2, ((List<?>) torrent.get("trackers")).size());
        }
    }
}

package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.wire.PeerMessage;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection timers with the bridge's clock under test control (real sockets, injected time):
 * handshake timeout, keep-alive after 60 s of silence, idle timeout, and the BEP 28 schedule
 * (first lt_tex message 6 s after the extension handshake, the next no sooner than 2 min later).
 */
class TimersTest {
    static final String IH = "00112233445566778899aabbccddeeff00112233";
    final AtomicLong clock = new AtomicLong(1_000_000);
    MiniTracker tracker;
    String t1;
    Bridge bridge;

    @BeforeEach
    void start() throws Exception {
        tracker = new MiniTracker();
        t1 = tracker.httpUrl();
        // defaults: keep-alive 60 s, idle 180 s, handshake 10 s, lt_tex 6 s then 120 s
        bridge = Bridge.start(ConfigLoader.parse("data-dir: \"" + Bridges.dataDir() + "\"\nlisten: 127.0.0.1:0\napi: \"\"\ntrackers:\n  udp-bind: 127.0.0.1:0\n"), clock::get);
        assertEquals(null, bridge.addTorrent(TorrentInputs.line(IH + " " + t1, "test")));
        Bridges.await("T1 verified", 10_000, () -> "verified".equals(Bridges.status(bridge, IH, t1)));
    }

    @AfterEach
    void stop() {
        bridge.close();
        tracker.close();
    }

    /** A peer past both handshakes; {@code texId} 0: it does not take lt_tex (so only keep-alives are due). */
    private ScriptedPeer connected(int texId) throws Exception {
        ScriptedPeer p = new ScriptedPeer(Bridges.address(bridge));
        p.handshake(HexFormat.of().parseHex(IH), "T", 5000);
        p.extensionHandshake(texId);
        assertTrue(p.next(System.currentTimeMillis() + 5000) instanceof PeerMessage.Extended e && e.extendedId() == 0);
        Bridges.await("peer admitted and its extension handshake read", 5000, () -> Bridges.peers(bridge, IH).size() == 1
                && ((dev.swarm.peerbridge.session.PeerConnection.View) Bridges.peers(bridge, IH).get(0)).extensions());
        return p;
    }

    private static boolean nothingButKeepAlives(ScriptedPeer p) throws Exception {
        long deadline = System.currentTimeMillis() + 800;
        PeerMessage m;
        while ((m = p.next(deadline)) != null) {
            if (!(m instanceof PeerMessage.KeepAlive)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void handshakeTimeout() throws Exception {
        try (ScriptedPeer p = new ScriptedPeer(Bridges.address(bridge))) {
            Thread.sleep(300);
            clock.addAndGet(10_001);
            assertTrue(p.closedBy(System.currentTimeMillis() + 5000));
        }
    }

    @Test
    void keepAliveAfterSixtySecondsAndIdleTimeoutAfterThreeMinutes() throws Exception {
        try (ScriptedPeer p = connected(0)) {
            clock.addAndGet(5_000);
            assertEquals(null, p.next(System.currentTimeMillis() + 600), "nothing due after 5 s");
            clock.addAndGet(55_001);
            PeerMessage m;
            boolean keepAlive = false;
            long deadline = System.currentTimeMillis() + 3000;
            while (!keepAlive && (m = p.next(deadline)) != null) {
                keepAlive = m instanceof PeerMessage.KeepAlive;
            }
            assertTrue(keepAlive, "keep-alive after 60 s without sending");
            clock.addAndGet(180_001);
            assertTrue(p.closedBy(System.currentTimeMillis() + 5000), "idle peer dropped after 180 s");
        }
    }

    @Test
    void ltTexFirstAfterSixSecondsThenNotBeforeTwoMinutes() throws Exception {
        try (ScriptedPeer p = connected(9)) {
            clock.addAndGet(5_900);
            assertEquals(null, p.next(System.currentTimeMillis() + 600));
            clock.addAndGet(200);
            PeerMessage m = p.next(System.currentTimeMillis() + 3000);
            assertNotNull(m);
            PeerMessage.Extended e = (PeerMessage.Extended) m;
            assertEquals(9, e.extendedId(), "sent with the id the peer chose");
            assertEquals(List.of(t1), dev.swarm.peerbridge.wire.TexMessage.decode(e.payload()).added());
            clock.addAndGet(119_000);
            assertTrue(nothingButKeepAlives(p), "no lt_tex message before 2 minutes");
        }
    }
}

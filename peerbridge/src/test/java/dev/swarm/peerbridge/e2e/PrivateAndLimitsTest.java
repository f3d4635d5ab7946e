package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.Metainfo;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.peerbridge.wire.ExtensionHandshake;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.TexMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BEP 27 private torrents get no lt_tex at all; connection limits hold. */
class PrivateAndLimitsTest {
    /** A metainfo with info.private = 1 (BEP 27) and one tracker on a dead port. */
    static final byte[] PRIVATE_TORRENT = ("d8:announce27:http://127.0.0.1:1/announce4:infod6:lengthi5e4:name1:p"
            + "12:piece lengthi16384e6:pieces20:" + "c".repeat(20) + "7:privatei1eee").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void privateTorrentOffersNoLtTexAndLearnsNothing() throws Exception {
        TorrentSpec spec = Metainfo.parse(PRIVATE_TORRENT, "private");
        assertTrue(spec.isPrivate());
        try (Bridge b = Bridges.start(null, "")) {
            assertNull(b.addTorrent(spec));
            String ih = spec.infoHash().toHex();
            try (ScriptedPeer p = new ScriptedPeer(Bridges.address(b))) {
                p.handshake(spec.infoHash().bytes(), "P", 5000);
                p.extensionHandshake(3);
                PeerMessage m = p.next(System.currentTimeMillis() + 5000);
                ExtensionHandshake h = ExtensionHandshake.decode(((PeerMessage.Extended) m).payload());
                assertEquals(0, h.idOf("lt_tex"), "no lt_tex in m for a private torrent");
                assertNull(h.trackerHash(), "no tr for a private torrent");
                p.send(new PeerMessage.Extended(19, new TexMessage(List.of("udp://learned.example.org:1/announce")).encode()));
                p.send(new PeerMessage.KeepAlive());
                Bridges.await("the message is counted as ignored", 5000,
                        () -> !Bridges.peers(b, ih).isEmpty()
                                && ((dev.swarm.peerbridge.session.PeerConnection.View) Bridges.peers(b, ih).get(0)).ignored() == 1);
                assertEquals(1, ((List<?>) Bridges.torrent(b, ih).get("trackers")).size(), "nothing learned");
                assertFalse(p.closedBy(System.currentTimeMillis() + 300));
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitsAreClosed() throws Exception {
        String ih = "00000000000000000000000000000000000000aa";
        try (Bridge b = Bridges.start(ih, "connections:\n  max-total: 3\n  max-per-torrent: 2\n")) {
            byte[] hash = java.util.HexFormat.of().parseHex(ih);
            try (ScriptedPeer p1 = new ScriptedPeer(Bridges.address(b));
                    ScriptedPeer p2 = new ScriptedPeer(Bridges.address(b));
                    ScriptedPeer p3 = new ScriptedPeer(Bridges.address(b))) {
                p1.handshake(hash, "L1", 5000);
                p2.handshake(hash, "L2", 5000);
                p3.write(dev.swarm.peerbridge.wire.Handshake.withExtensions(hash, ScriptedPeer.peerId("L3")).encode());
                assertTrue(p3.closedBy(System.currentTimeMillis() + 5000), "per-torrent limit");
                Bridges.await("two admitted", 5000, () -> Bridges.peers(b, ih).size() == 2);
                try (ScriptedPeer p4 = new ScriptedPeer(Bridges.address(b));
                        ScriptedPeer p5 = new ScriptedPeer(Bridges.address(b))) {
                    assertTrue(p5.closedBy(System.currentTimeMillis() + 5000), "total limit: a fourth open connection is closed");
                    assertFalse(p4.closedBy(System.currentTimeMillis() + 300), "the third one is within the limit");
                }
            }
        }
    }
}

package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.TexMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input over real loopback connections: the offending connection is dropped or the data
 * ignored, the bridge keeps serving, and what it keeps stays bounded.
 */
class BadInputTest {
    static final String IH = "0123456789abcdef0123456789abcdef01234567";
    static final byte[] IH_BYTES = HexFormat.of().parseHex(IH);
    static Bridge bridge;

    @BeforeAll
    static void start() throws Exception {
        bridge = Bridges.start(IH, "connections:\n  max-message-size: 65536\n");
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    private static ScriptedPeer connected(String tag) throws Exception {
        ScriptedPeer p = new ScriptedPeer(Bridges.address(bridge));
        p.handshake(IH_BYTES, tag, 5000);
        return p;
    }

    private static long deadline(long ms) {
        return System.currentTimeMillis() + ms;
    }

    /** The bridge still completes a handshake and an extension handshake with a well-behaved peer. */
    private static void stillServing() throws Exception {
        try (ScriptedPeer p = connected("OK")) {
            p.extensionHandshake(3);
            PeerMessage m = p.next(deadline(5000));
            assertTrue(m instanceof PeerMessage.Extended e && e.extendedId() == 0, "extension handshake, got " + m);
        }
    }

    @Test
    void oversizedFrameDropsTheConnection() throws Exception {
        try (ScriptedPeer p = connected("BIG")) {
            p.write(new byte[] {0, 1, 0, 1}); // declared length 65537 > max-message-size 65536
            assertTrue(p.closedBy(deadline(5000)));
        }
        stillServing();
    }

    @Test
    void malformedFramesAndBencodeDropTheConnection() throws Exception {
        List<byte[]> bad = List.of(
                new byte[] {0, 0, 0, 2, 4, 0}, // have with 1 payload byte
                new byte[] {0, 0, 0, 5, 20, 0, 'l', 'i', 'e'}, // extension handshake that is a list, not a dict
                new byte[] {0, 0, 0, 6, 20, 0, 'd', '9', '9', ':'}, // string longer than the payload
                new byte[] {0, 0, 0, 3, 5, (byte) 0xff, (byte) 0xff}); // fine bitfield, then a second one below
        for (int i = 0; i < bad.size(); i++) {
            try (ScriptedPeer p = connected("M" + i)) {
                p.write(bad.get(i));
                if (i == 3) {
                    p.write(bad.get(i));
                }
                assertTrue(p.closedBy(deadline(5000)), "case " + i);
            }
        }
        stillServing();
    }

    @Test
    void garbageHandshakeAndUnknownInfoHashAreDropped() throws Exception {
        try (ScriptedPeer p = new ScriptedPeer(Bridges.address(bridge))) {
            p.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(p.closedBy(deadline(5000)));
        }
        try (ScriptedPeer p = new ScriptedPeer(Bridges.address(bridge))) {
            p.write(dev.swarm.peerbridge.wire.Handshake.withExtensions(new byte[20], ScriptedPeer.peerId("U")).encode());
            assertTrue(p.closedBy(deadline(5000)));
        }
        stillServing();
    }

    @Test
    void unknownExtensionIdsAndMessagesAreIgnored() throws Exception {
        try (ScriptedPeer p = connected("X")) {
            p.extensionHandshake(0);
            p.send(new PeerMessage.Extended(77, "garbage".getBytes(StandardCharsets.US_ASCII)));
            p.send(new PeerMessage.Unknown(99, new byte[] {1, 2, 3}));
            p.send(new PeerMessage.Request(0, 0, 16384));
            p.send(new PeerMessage.Interested());
            await("the bridge counts 3 ignored messages", 5000, () -> peer("X") != null && peer("X").ignored() == 3);
            assertTrue(peer("X").peerInterested());
            assertFalse(p.closedBy(deadline(300)));
        }
    }

    @Test
    void ltTexFromAPeerThatDidNotAnnounceItDropsTheConnection() throws Exception {
        try (ScriptedPeer p = connected("N")) {
            p.extensionHandshake(0);
            p.send(new PeerMessage.Extended(19, new TexMessage(List.of("udp://x.org:1/announce")).encode()));
            assertTrue(p.closedBy(deadline(5000)));
        }
    }

    @Test
    void aFloodOfLearnedUrlsIsCapped() throws Exception {
        try (ScriptedPeer p = connected("F")) {
            p.extensionHandshake(4);
            for (int round = 0; round < 20; round++) {
                List<String> urls = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    urls.add("udp://flood" + round + "x" + i + ".invalid:6969/announce");
                }
                p.send(new PeerMessage.Extended(19, new TexMessage(urls).encode()));
            }
            await("the flood is read", 10_000, () -> peer("F") != null && peer("F").texReceived() == 20);
            Map<String, Object> t = Bridges.torrent(bridge, IH);
            long learned = ((List<?>) t.get("trackers")).size();
            assertTrue(learned <= 50, "learned " + learned);
            assertFalse(p.closedBy(deadline(300)));
        }
        stillServing();
    }

    private static PeerConnection.View peer(String tag) {
        String id = new String(ScriptedPeer.peerId(tag), StandardCharsets.US_ASCII);
        for (Object o : Bridges.peers(bridge, IH)) {
            PeerConnection.View v = (PeerConnection.View) o;
            if (id.equals(v.peerId())) {
                return v;
            }
        }
        return null;
    }

    @Test
    void statusIsAvailableThroughout() {
        assertNotNull(bridge.status());
        assertEquals(IH, Bridges.torrent(bridge, IH).get("infoHash"));
    }
}

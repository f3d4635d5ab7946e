package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.metadata.MetadataMessage;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.wire.ExtensionHandshake;
import dev.swarm.peerbridge.wire.PeerMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge answers {@code ut_metadata} requests (BEP 9) over a real socket: rejected while it has
 * no metadata; once it has it (here a copy in {@code metadata.dir} that matches the info-hash), each
 * piece is sent exactly and a piece beyond the end is rejected. A stored copy that does not match
 * the info-hash is not used.
 */
class MetadataServingTest {
    private static final int REMOTE_ID = 3;

    @TempDir
    Path dir;

    /** A v1 info dictionary of 2000 pieces (40 000 bytes of hashes: three ut_metadata pieces). */
    private static byte[] info() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] pieces = new byte[2000 * 20];
        new java.util.Random(3).nextBytes(pieces);
        out.writeBytes("d6:lengthi32768000e4:name8:file.bin12:piece lengthi16384e6:pieces40000:"
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(pieces);
        out.write('e');
        return out.toByteArray();
    }

    private static String sha1Hex(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }

    private static MetadataMessage ask(ScriptedPeer p, int piece) throws Exception {
        p.send(new PeerMessage.Extended(PeerConnection.UT_METADATA_ID, MetadataMessage.encode(new MetadataMessage.Request(piece))));
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            PeerMessage m = p.next(deadline);
            assertNotNull(m, "an answer to the request for piece " + piece);
            if (m instanceof PeerMessage.Extended e && e.extendedId() == REMOTE_ID) {
                return MetadataMessage.decode(e.payload());
            }
        }
    }

    private static ScriptedPeer connect(Bridge b, String ih) throws Exception {
        ScriptedPeer p = new ScriptedPeer(Bridges.address(b));
        p.handshake(HexFormat.of().parseHex(ih), "srv", 5000);
        p.send(new PeerMessage.Extended(0, new ExtensionHandshake(Map.of("ut_metadata", REMOTE_ID), 7002, "scripted", 10,
                null, null, null).encode()));
        return p;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void rejectedBeforeServedAfterAndAWrongStoredCopyIsNotUsed() throws Exception {
        byte[] info = info();
        String ih = sha1Hex(info);
        Path md = Files.createDirectories(dir.resolve("md"));
        String extra = "metadata:\n  dir: " + md + "\n";

        // no metadata yet: a request is rejected
        try (Bridge b = Bridges.start("magnet:?xt=urn:btih:" + ih, extra); ScriptedPeer p = connect(b, ih)) {
            assertEquals(new MetadataMessage.Reject(0), ask(p, 0));
        }

        // a stored copy that does not hash to the info-hash is not used
        byte[] wrong = info.clone();
        wrong[wrong.length - 2] ^= 1;
        Files.write(md.resolve(ih + ".info"), wrong);
        try (Bridge b = Bridges.start("magnet:?xt=urn:btih:" + ih, extra); ScriptedPeer p = connect(b, ih)) {
            assertEquals(-1, ((Number) Bridges.torrent(b, ih).get("pieceCount")).intValue());
            assertEquals(new MetadataMessage.Reject(1), ask(p, 1));
        }

        // a matching stored copy: the torrent has its metadata at once, and serves it piece by piece
        Files.write(md.resolve(ih + ".info"), info);
        try (Bridge b = Bridges.start("magnet:?xt=urn:btih:" + ih, extra); ScriptedPeer p = connect(b, ih)) {
            assertEquals(2000, ((Number) Bridges.torrent(b, ih).get("pieceCount")).intValue());
            assertEquals("file.bin", Bridges.torrent(b, ih).get("name"));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int piece = 0; piece < 3; piece++) {
                MetadataMessage m = ask(p, piece);
                assertTrue(m instanceof MetadataMessage.Data, "piece " + piece + ": " + m);
                MetadataMessage.Data d = (MetadataMessage.Data) m;
                assertEquals(piece, d.piece());
                assertEquals(info.length, d.totalSize());
                got.writeBytes(d.block());
            }
            assertArrayEquals(info, got.toByteArray());
            assertEquals(new MetadataMessage.Reject(3), ask(p, 3), "beyond the last piece");
            assertTrue(Arrays.equals(info, Files.readAllBytes(md.resolve(ih + ".info"))));
        }
    }
}

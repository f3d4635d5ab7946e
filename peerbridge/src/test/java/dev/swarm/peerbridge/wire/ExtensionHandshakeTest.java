package dev.swarm.peerbridge.wire;

import static dev.swarm.peerbridge.wire.Bytes.ascii;
import static dev.swarm.peerbridge.wire.Bytes.concat;
import static dev.swarm.peerbridge.wire.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExtensionHandshakeTest {
    static final byte[] TR_T1_T2 = hex("a02624ba8f7acb7844e9e3859f14f6c170a4d39b");

    /**
     * BEP 10 extension handshake payload modelled on libtorrent 1.1.14 (keys it sends, canonical order):
     * complete_ago (ut_metadata plugin), m (extension name → id; lt_tex = 19 is BEP 28),
     * metadata_size (BEP 9), reqq (request queue), tr (BEP 28: SHA-1 of the sorted tracker URLs,
     * 20 raw bytes, here T1+T2), upload_only, v (client), yourip (4 bytes: 127.0.0.1).
     */
    static final byte[] LIBTORRENT_PAYLOAD = concat(
            ascii("d"),
            ascii("12:complete_agoi-1e"),
            ascii("1:md"),
            ascii("11:lt_donthavei7e"),
            ascii("6:lt_texi19e"),
            ascii("10:share_modei8e"),
            ascii("11:upload_onlyi3e"),
            ascii("12:ut_holepunchi4e"),
            ascii("11:ut_metadatai2e"),
            ascii("e"),
            ascii("13:metadata_sizei1234e"),
            ascii("4:reqqi500e"),
            ascii("2:tr20:"), TR_T1_T2,
            ascii("11:upload_onlyi0e"),
            ascii("1:v19:libtorrent/1.1.14.0"),
            ascii("6:yourip4:"), hex("7f000001"),
            ascii("e"));

    @Test
    void decodesLibtorrentHandshake() throws WireException {
        // the whole frame: length, id 20 (extended), extended id 0 (handshake), payload
        byte[] frame = concat(ByteBuffer.allocate(4).putInt(2 + LIBTORRENT_PAYLOAD.length).array(), hex("14 00"),
                LIBTORRENT_PAYLOAD);
        PeerMessage.Extended ext = (PeerMessage.Extended) new MessageCodec().read(ByteBuffer.wrap(frame));
        assertEquals(0, ext.extendedId());
        ExtensionHandshake h = ExtensionHandshake.decode(ext.payload());
        assertEquals(19, h.idOf(ExtensionHandshake.LT_TEX));
        assertEquals(2, h.idOf("ut_metadata"));
        assertEquals(0, h.idOf("ut_pex"));
        assertEquals("lt_tex", h.nameOf(19));
        assertNull(h.nameOf(0));
        assertArrayEquals(TR_T1_T2, h.trackerHash());
        assertEquals(500, h.requestQueue());
        assertEquals("libtorrent/1.1.14.0", h.client());
        assertArrayEquals(hex("7f000001"), h.yourIp());
        assertEquals(1234L, h.metadataSize());
        assertNull(h.listenPort());
    }

    @Test
    void encodesOursCanonically() {
        ExtensionHandshake ours = new ExtensionHandshake(Map.of("lt_tex", 19), 6881, "peerbridge/0.1.0", 250,
                TR_T1_T2, null, null);
        // d | m: {lt_tex: 19} | p: 6881 (listen port) | reqq: 250 | tr: 20 raw bytes (BEP 28) | v: client | e
        byte[] expected = concat(ascii("d1:md6:lt_texi19ee1:pi6881e4:reqqi250e2:tr20:"), TR_T1_T2,
                ascii("1:v16:peerbridge/0.1.0e"));
        assertArrayEquals(expected, ours.encode());
    }

    @Test
    void acceptsTheFortyHexFormOfTr() throws WireException {
        ExtensionHandshake h = ExtensionHandshake.decode(
                ascii("d2:tr40:a02624ba8f7acb7844e9e3859f14f6c170a4d39be"));
        assertArrayEquals(TR_T1_T2, h.trackerHash());
    }

    @Test
    void ignoresUnknownKeysAndWrongTypes() throws WireException {
        ExtensionHandshake h = ExtensionHandshake.decode(ascii(
                "d1:md6:lt_tex3:abc11:ut_metadatai300e6:ut_pexi1ee1:pi0e4:reqq1:x2:tr3:abc1:vi5e3:zzzli1eee"));
        assertEquals(0, h.idOf("lt_tex"));
        assertEquals(0, h.idOf("ut_metadata"));
        assertEquals(1, h.idOf("ut_pex"));
        assertNull(h.listenPort());
        assertNull(h.requestQueue());
        assertNull(h.trackerHash());
        assertNull(h.client());
        assertEquals(Map.of(), ExtensionHandshake.decode(ascii("d1:mi3ee")).extensions());
    }

    @Test
    void invalidPayloadsAreWireErrors() {
        String[] invalid = {"", "le", "i3e", "4:spam", "d", "d1:m", "x", "d1:md6:lt_texi19e"};
        for (String s : invalid) {
            assertThrows(WireException.class, () -> ExtensionHandshake.decode(ascii(s)), s);
        }
    }

    @Test
    void declaredStringLengthBeyondThePayloadIsAWireError() {
        assertThrows(WireException.class, () -> ExtensionHandshake.decode(ascii("d1:v999999:abce")));
        assertThrows(WireException.class, () -> ExtensionHandshake.decode(ascii("d1:v99999999999999999999:e")));
    }

    @Test
    void everyPrefixAndMutationDecodesOrThrowsWireException() {
        Random rnd = new Random(10);
        for (int n = 0; n <= LIBTORRENT_PAYLOAD.length; n++) {
            byte[] prefix = java.util.Arrays.copyOf(LIBTORRENT_PAYLOAD, n);
            decodeOrWireException(prefix);
            for (int round = 0; round < 20; round++) {
                byte[] mutated = prefix.clone();
                if (n > 0) {
                    mutated[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
                }
                decodeOrWireException(mutated);
            }
        }
    }

    private static void decodeOrWireException(byte[] b) {
        try {
            ExtensionHandshake.decode(b);
        } catch (WireException expected) {
            // the only exception allowed
        }
    }
}

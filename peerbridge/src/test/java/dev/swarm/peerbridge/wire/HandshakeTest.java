package dev.swarm.peerbridge.wire;

import static dev.swarm.peerbridge.wire.Bytes.ascii;
import static dev.swarm.peerbridge.wire.Bytes.concat;
import static dev.swarm.peerbridge.wire.Bytes.hex;
import static dev.swarm.peerbridge.wire.Bytes.repeat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    /**
     * BEP 3 handshake as libtorrent 1.1.14 sends it (seen on loopback):
     * pstrlen 0x13 | "BitTorrent protocol" | reserved 00 00 00 00 00 18 00 05
     * (byte 5: 0x10 = BEP 10 extension protocol, 0x08 = libtorrent merkle-torrent bit; byte 7: 0x04 = BEP 6 fast,
     * 0x01 = BEP 5 DHT) | info_hash 20 x 0xaa | peer_id "-LT1100-" + 12 x '1'.
     */
    static final byte[] LIBTORRENT_1_1_14 = concat(
            hex("13"),
            ascii("BitTorrent protocol"),
            hex("00 00 00 00 00 18 00 05"),
            repeat(0xaa, 20),
            ascii("-LT1100-111111111111"));

    @Test
    void decodesLibtorrentHandshake() throws WireException {
        ByteBuffer in = ByteBuffer.wrap(LIBTORRENT_1_1_14);
        Handshake h = Handshake.read(in);
        assertTrue(h.supportsExtensions());
        assertTrue(h.supportsDht(), "libtorrent sets reserved[7] & 0x01 (BEP 5)");
        assertArrayEquals(repeat(0xaa, 20), h.infoHash());
        assertArrayEquals(ascii("-LT1100-111111111111"), h.peerId());
        assertEquals(68, in.position());
        assertArrayEquals(LIBTORRENT_1_1_14, h.encode());
    }

    @Test
    void ourHandshakeSetsOnlyTheExtensionBit() {
        Handshake h = Handshake.withExtensions(repeat(1, 20), repeat(2, 20));
        // pstrlen | pstr | reserved: only reserved[5] = 0x10 (BEP 10) | info_hash | peer_id
        assertArrayEquals(concat(hex("13"), ascii("BitTorrent protocol"), hex("0000000000100000"),
                repeat(1, 20), repeat(2, 20)), h.encode());
        assertFalse(new Handshake(new byte[8], repeat(1, 20), repeat(2, 20)).supportsExtensions());
        assertFalse(h.supportsDht());
        // with our DHT node answering: reserved[7] = 0x01 as well
        assertArrayEquals(concat(hex("13"), ascii("BitTorrent protocol"), hex("0000000000100001"),
                repeat(1, 20), repeat(2, 20)), h.withDht().encode());
        assertTrue(h.withDht().supportsDht() && h.withDht().supportsExtensions());
    }

    @Test
    void tooShortNeedsMoreAndConsumesNothing() throws WireException {
        for (int n = 0; n < Handshake.LENGTH; n++) {
            ByteBuffer in = ByteBuffer.wrap(LIBTORRENT_1_1_14, 0, n);
            assertNull(Handshake.read(in), "prefix of " + n);
            assertEquals(0, in.position());
        }
    }

    @Test
    void wrongProtocolStringIsRejectedEarly() {
        byte[] bad = LIBTORRENT_1_1_14.clone();
        bad[5] = 'X';
        assertThrows(WireException.class, () -> Handshake.read(ByteBuffer.wrap(bad, 0, 6)));
        assertThrows(WireException.class, () -> Handshake.read(ByteBuffer.wrap(bad)));
    }

    @Test
    void declaredProtocolLengthOtherThan19IsRejected() {
        for (int len : new int[] {0, 18, 20, 0xff}) {
            byte[] bad = LIBTORRENT_1_1_14.clone();
            bad[0] = (byte) len;
            assertThrows(WireException.class, () -> Handshake.read(ByteBuffer.wrap(bad)), "pstrlen " + len);
        }
    }

    @Test
    void everyLengthOfRandomOrValidPrefixGivesNullHandshakeOrWireException() {
        Random rnd = new Random(28);
        for (int n = 0; n <= 200; n++) {
            for (int round = 0; round < 50; round++) {
                byte[] b = new byte[n];
                rnd.nextBytes(b);
                if (round % 2 == 0) {
                    System.arraycopy(LIBTORRENT_1_1_14, 0, b, 0, Math.min(n, 20 + rnd.nextInt(49)));
                }
                try {
                    Handshake.read(ByteBuffer.wrap(b));
                } catch (WireException expected) {
                    // the only exception allowed
                }
            }
        }
    }
}

package dev.swarm.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoHashTest {

    private static final String HEX = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void hexRoundTrip() {
        InfoHash h = InfoHash.fromHex(HEX.toUpperCase());
        assertEquals(HEX, h.toHex());
        assertEquals(HEX, h.toString());
        assertArrayEquals(TestBytes.hex(HEX), h.bytes());
        assertEquals(20, InfoHash.LENGTH);
    }

    @Test
    void copiesInAndOut() {
        byte[] raw = TestBytes.counting(1, 20);
        InfoHash h = InfoHash.of(raw);
        raw[0] = 99;
        assertEquals(1, h.bytes()[0]);
        h.bytes()[1] = 99;
        assertEquals(2, h.bytes()[1]);
        byte[] dst = new byte[22];
        h.copyTo(dst, 2);
        assertTrue(h.contentEquals(dst, 2));
        assertEquals(h, InfoHash.of(dst, 2));
    }

    @Test
    void rejectsWrongLengthAndBadHex() {
        assertThrows(IllegalArgumentException.class, () -> InfoHash.of(new byte[19]));
        assertThrows(IllegalArgumentException.class, () -> InfoHash.of(new byte[21]));
        assertThrows(IllegalArgumentException.class, () -> InfoHash.of(null));
        assertThrows(IndexOutOfBoundsException.class, () -> InfoHash.of(new byte[25], 6));
        assertThrows(IllegalArgumentException.class, () -> InfoHash.fromHex(HEX.substring(1)));
        assertThrows(IllegalArgumentException.class, () -> InfoHash.fromHex(HEX.replace('a', 'g')));
        assertThrows(IllegalArgumentException.class, () -> PeerId.of(new byte[3]));
    }

    @Test
    void equalityAndUnsignedOrder() {
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        a[0] = 0x7f;
        b[0] = (byte) 0x80;
        InfoHash ha = InfoHash.of(a);
        InfoHash hb = InfoHash.of(b);
        assertTrue(ha.compareTo(hb) < 0, "0x80 sorts after 0x7f as unsigned bytes");
        assertTrue(hb.compareTo(ha) > 0);
        assertEquals(0, ha.compareTo(InfoHash.of(a)));
        assertEquals(ha, InfoHash.of(a));
        assertEquals(ha.hashCode(), InfoHash.of(a).hashCode());
        assertNotEquals(ha, hb);
        assertNotEquals(ha, PeerId.of(a), "an info-hash never equals a peer id");
    }

    @Test
    void peerIdBehavesLikeInfoHash() {
        PeerId p = PeerId.of(TestBytes.ascii("-qB4630-abcdefghijkl"));
        assertEquals(PeerId.fromHex(p.toHex()), p);
        assertEquals(20, PeerId.LENGTH);
        assertTrue(p.compareTo(PeerId.of(new byte[20])) > 0);
    }
}

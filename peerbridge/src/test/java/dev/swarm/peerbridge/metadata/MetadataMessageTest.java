package dev.swarm.peerbridge.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.swarm.peerbridge.wire.MessageCodec;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.WireException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataMessageTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** BEP 9's examples, byte for byte. */
    @Test
    void bep9Examples() throws WireException {
        assertArrayEquals(ascii("d8:msg_typei0e5:piecei0ee"), MetadataMessage.encode(new MetadataMessage.Request(0)));
        assertArrayEquals(ascii("d8:msg_typei2e5:piecei0ee"), MetadataMessage.encode(new MetadataMessage.Reject(0)));
        byte[] block = new byte[34256 - 2 * 16384];
        Arrays.fill(block, (byte) 'x');
        byte[] data = concat(ascii("d8:msg_typei1e5:piecei2e10:total_sizei34256ee"), block);
        assertArrayEquals(data, MetadataMessage.encode(new MetadataMessage.Data(2, 34256, block)));
        MetadataMessage.Data d = (MetadataMessage.Data) MetadataMessage.decode(data);
        assertEquals(2, d.piece());
        assertEquals(34256, d.totalSize());
        assertArrayEquals(block, d.block());
        assertEquals(new MetadataMessage.Request(0), MetadataMessage.decode(ascii("d8:msg_typei0e5:piecei0ee")));
        assertEquals(new MetadataMessage.Reject(7), MetadataMessage.decode(ascii("d8:msg_typei2e5:piecei7ee")));
    }

    /**
     * A whole frame as libtorrent 2.0 sends it to an extended id of 3: length 0x1b | id 20 | ext id 3 |
     * request piece 0.
     */
    @Test
    void framedRequest() throws WireException {
        byte[] frame = concat(HexFormat.of().parseHex("0000001b1403"), ascii("d8:msg_typei0e5:piecei0ee"));
        PeerMessage.Extended e = (PeerMessage.Extended) new MessageCodec().read(ByteBuffer.wrap(frame));
        assertEquals(3, e.extendedId());
        assertEquals(new MetadataMessage.Request(0), MetadataMessage.decode(e.payload()));
        assertArrayEquals(frame, MessageCodec.encode(new PeerMessage.Extended(3, MetadataMessage.encode(new MetadataMessage.Request(0)))));
    }

    @Test
    void lengthSweepRoundTrips() throws WireException {
        for (int n : new int[] {1, 2, 100, 16383, 16384}) {
            byte[] block = new byte[n];
            new Random(n).nextBytes(block);
            for (int piece : new int[] {0, 1, 1919}) {
                MetadataMessage.Data d = new MetadataMessage.Data(piece, 30L << 20, block);
                MetadataMessage.Data back = (MetadataMessage.Data) MetadataMessage.decode(MetadataMessage.encode(d));
                assertEquals(piece, back.piece());
                assertArrayEquals(block, back.block());
            }
        }
        assertEquals(1, MetadataMessage.pieceCount(1));
        assertEquals(1, MetadataMessage.pieceCount(16384));
        assertEquals(2, MetadataMessage.pieceCount(16385));
        assertEquals(1, MetadataMessage.blockLength(16385, 1));
        assertEquals(16384, MetadataMessage.blockLength(16385, 0));
    }

    @Test
    void badPayloadsAreWireErrorsAndUnknownTypesAreIgnored() throws WireException {
        for (String s : new String[] {"", "le", "i1e", "d8:msg_typei0ee", "d5:piecei0ee", "d8:msg_typei0e5:piecei-1ee",
                "d8:msg_typei1e5:piecei0ee", "d8:msg_typei1e5:piecei0e10:total_sizei0ee", "d8:msg_type",
                "d8:msg_typei0e5:piecei9999999999ee"}) {
            assertThrows(WireException.class, () -> MetadataMessage.decode(ascii(s)), s);
        }
        byte[] tooLong = concat(ascii("d8:msg_typei1e5:piecei0e10:total_sizei99999ee"), new byte[16385]);
        assertThrows(WireException.class, () -> MetadataMessage.decode(tooLong));
        assertNull(MetadataMessage.decode(ascii("d8:msg_typei3e5:piecei0ee")));
        assertNull(MetadataMessage.decode(ascii("d8:msg_typei4294967296e5:piecei0ee")));
        assertEquals(new MetadataMessage.Request(1), MetadataMessage.decode(ascii("d1:xi5e8:msg_typei0e5:piecei1ee")));
    }

    @Test
    void everyPrefixAndMutationDecodesOrThrowsWireException() {
        byte[] body = concat(ascii("d8:msg_typei1e5:piecei0e10:total_sizei20ee"), new byte[20]);
        Random rnd = new Random(9);
        for (int n = 0; n <= body.length; n++) {
            for (int round = 0; round < 30; round++) {
                byte[] b = Arrays.copyOf(body, n);
                if (n > 0 && round > 0) {
                    b[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
                }
                try {
                    MetadataMessage.decode(b);
                } catch (WireException expected) {
                    // the only failure allowed
                }
            }
        }
    }
}

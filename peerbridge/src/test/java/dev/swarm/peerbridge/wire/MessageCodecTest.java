package dev.swarm.peerbridge.wire;

import static dev.swarm.peerbridge.wire.Bytes.concat;
import static dev.swarm.peerbridge.wire.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final MessageCodec codec = new MessageCodec();

    /** Golden frames, BEP 3 section "peer messages": length prefix (u32 BE), id (u8), payload. */
    static final Object[][] GOLDEN = {
            // length 0: keep-alive
            {"00000000", new PeerMessage.KeepAlive()},
            // length 1, id 0 choke
            {"00000001 00", new PeerMessage.Choke()},
            // length 1, id 1 unchoke
            {"00000001 01", new PeerMessage.Unchoke()},
            // length 1, id 2 interested
            {"00000001 02", new PeerMessage.Interested()},
            // length 1, id 3 not interested
            {"00000001 03", new PeerMessage.NotInterested()},
            // length 5, id 4 have, piece index 0x0102
            {"00000005 04 00000102", new PeerMessage.Have(0x102)},
            // length 3, id 5 bitfield, bits 0xff 0x80 (pieces 0..8)
            {"00000003 05 ff80", new PeerMessage.Bitfield(hex("ff80"))},
            // length 13, id 6 request, index 1, begin 0x4000, length 0x4000 (16 KiB)
            {"0000000d 06 00000001 00004000 00004000", new PeerMessage.Request(1, 0x4000, 0x4000)},
            // length 12, id 7 piece, index 2, begin 0, block "abc"
            {"0000000c 07 00000002 00000000 616263", new PeerMessage.Piece(2, 0, hex("616263"))},
            // length 13, id 8 cancel, index 1, begin 0x4000, length 0x4000
            {"0000000d 08 00000001 00004000 00004000", new PeerMessage.Cancel(1, 0x4000, 0x4000)},
            // length 3, id 9 port (BEP 5), DHT port 6881 = 0x1ae1
            {"00000003 09 1ae1", new PeerMessage.Port(6881)},
            // length 4, id 20 extended (BEP 10), extended id 19 (lt_tex in libtorrent 1.1), payload "de"
            {"00000004 14 13 6465", new PeerMessage.Extended(19, hex("6465"))},
            // length 1, id 14 (BEP 6 have-none; unknown to a peer that did not negotiate it)
            {"00000001 0e", new PeerMessage.Unknown(14, new byte[0])},
    };

    @Test
    void goldenFramesDecodeAndEncode() throws WireException {
        for (Object[] g : GOLDEN) {
            byte[] wire = hex((String) g[0]);
            ByteBuffer in = ByteBuffer.wrap(wire);
            assertEquals(g[1], codec.read(in), (String) g[0]);
            assertEquals(wire.length, in.position());
            assertArrayEquals(wire, MessageCodec.encode((PeerMessage) g[1]), (String) g[0]);
        }
    }

    @Test
    void tooShortNeedsMoreAndConsumesNothing() throws WireException {
        for (Object[] g : GOLDEN) {
            byte[] wire = hex((String) g[0]);
            for (int n = 0; n < wire.length; n++) {
                ByteBuffer in = ByteBuffer.wrap(wire, 0, n);
                assertNull(codec.read(in));
                assertEquals(0, in.position());
            }
        }
    }

    @Test
    void framesAreReadOneAfterAnother() throws WireException {
        ByteBuffer in = ByteBuffer.wrap(concat(hex("00000001 02"), hex("00000000"), hex("00000005 04 00000007"), hex("0000")));
        assertEquals(new PeerMessage.Interested(), codec.read(in));
        assertEquals(new PeerMessage.KeepAlive(), codec.read(in));
        assertEquals(new PeerMessage.Have(7), codec.read(in));
        assertNull(codec.read(in));
        assertEquals(2, in.remaining());
    }

    @Test
    void wrongPayloadSizesAreInvalid() {
        String[] invalid = {
                "00000002 00 00", // choke with a payload byte
                "00000004 04 000001", // have with 3 bytes
                "00000006 04 0000000100", // have with 5 bytes
                "0000000c 06 00000001 00004000 000040", // request with 11 bytes
                "00000008 07 00000002 000000", // piece with 7 bytes
                "00000002 09 1a", // port with 1 byte
                "00000001 14", // extended without the extended id
                "00000005 04 80000000", // have index beyond 2^31-1
        };
        for (String s : invalid) {
            assertThrows(WireException.class, () -> codec.read(ByteBuffer.wrap(hex(s))), s);
        }
    }

    @Test
    void declaredLengthOverTheLimitIsRejectedBeforeTheBodyArrives() throws WireException {
        MessageCodec small = new MessageCodec(100);
        assertThrows(WireException.class, () -> small.read(ByteBuffer.wrap(hex("00000065"))));
        assertThrows(WireException.class, () -> small.read(ByteBuffer.wrap(hex("ffffffff"))));
        assertThrows(WireException.class, () -> codec.read(ByteBuffer.wrap(hex("00100001"))));
        byte[] atLimit = new byte[4 + 100];
        atLimit[3] = 100;
        atLimit[4] = PeerMessage.BITFIELD;
        assertEquals(99, ((PeerMessage.Bitfield) small.read(ByteBuffer.wrap(atLimit))).bits().length);
        assertNull(codec.read(ByteBuffer.wrap(hex("00100000 05"))), "1 MiB is allowed, like libtorrent");
    }

    @Test
    void everyLengthOfRandomInputGivesMessagesNullOrWireException() {
        Random rnd = new Random(3);
        MessageCodec small = new MessageCodec(64);
        for (int n = 0; n <= 300; n++) {
            for (int round = 0; round < 40; round++) {
                byte[] b = new byte[n];
                rnd.nextBytes(b);
                for (int i = 0; i + 4 < n; i += 5 + rnd.nextInt(20)) {
                    b[i] = 0;
                    b[i + 1] = 0;
                    b[i + 2] = 0;
                    b[i + 3] = (byte) rnd.nextInt(24);
                }
                ByteBuffer in = ByteBuffer.wrap(b);
                try {
                    while (small.read(in) != null) {
                        assertEquals(true, in.position() <= n);
                    }
                } catch (WireException expected) {
                    // the only exception allowed
                }
            }
        }
    }

    @Property(tries = 300)
    void encodeThenReadGivesTheSameMessages(@ForAll("messages") List<PeerMessage> messages) throws WireException {
        ByteBuffer all = ByteBuffer.allocate(messages.stream().mapToInt(m -> MessageCodec.encode(m).length).sum());
        messages.forEach(m -> all.put(MessageCodec.encode(m)));
        all.flip();
        List<PeerMessage> back = new ArrayList<>();
        PeerMessage m;
        while ((m = codec.read(all)) != null) {
            back.add(m);
        }
        assertEquals(messages, back);
    }

    @Provide
    Arbitrary<List<PeerMessage>> messages() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<PeerMessage> one = Arbitraries.oneOf(
                Arbitraries.of(new PeerMessage.KeepAlive(), new PeerMessage.Choke(), new PeerMessage.Unchoke(),
                        new PeerMessage.Interested(), new PeerMessage.NotInterested()),
                index.map(PeerMessage.Have::new),
                bytes.map(PeerMessage.Bitfield::new),
                Combinators.combine(index, any, any).as(PeerMessage.Request::new),
                Combinators.combine(index, any, bytes).as(PeerMessage.Piece::new),
                Combinators.combine(index, any, any).as(PeerMessage.Cancel::new),
                Arbitraries.integers().between(0, 65535).map(PeerMessage.Port::new),
                Combinators.combine(Arbitraries.integers().between(0, 255), bytes).as(PeerMessage.Extended::new),
                Combinators.combine(Arbitraries.integers().between(21, 255), bytes).as(PeerMessage.Unknown::new));
        return one.list().ofMaxSize(20);
    }
}

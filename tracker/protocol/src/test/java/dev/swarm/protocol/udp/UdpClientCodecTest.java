package dev.swarm.protocol.udp;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.TestBytes;
import org.junit.jupiter.api.Test;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.concat;
import static dev.swarm.protocol.TestBytes.hex;
import static dev.swarm.protocol.udp.UdpCodecTest.INFO_HASH;
import static dev.swarm.protocol.udp.UdpCodecTest.PEER_ID;
import static dev.swarm.protocol.udp.UdpCodecTest.written;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Client side of BEP 15 / BEP 41: golden requests and response decoding. */
class UdpClientCodecTest {

    static UdpResponse decode(byte[] b, boolean v6) throws ProtocolException {
        return UdpClientCodec.decodeResponse(ByteBuffer.wrap(b), v6);
    }

    @Test
    void connectRequestMatchesTheGoldenVector() {
        ByteBuffer out = ByteBuffer.allocate(32);
        assertEquals(16, UdpClientCodec.writeConnectRequest(out, 0xabcd));
        assertArrayEquals(UdpCodecTest.CONNECT, written(out));
    }

    @Test
    void announceRequestMatchesTheGoldenVector() {
        ByteBuffer out = ByteBuffer.allocate(200);
        assertEquals(98, UdpClientCodec.writeAnnounceRequest(out, 0x1122334455667788L, 0xdeadbeef, INFO_HASH, PEER_ID,
                4096, 8192, 12288, AnnounceEvent.STARTED, 0x12345678, -1, 6881, null));
        assertArrayEquals(UdpCodecTest.ANNOUNCE, written(out));
    }

    @Test
    void longUrlDataIsSplitInto255ByteOptions() {
        byte[] url = TestBytes.counting(0, 300);
        ByteBuffer out = ByteBuffer.allocate(500);
        assertEquals(98 + 2 + 255 + 2 + 45, UdpClientCodec.writeAnnounceRequest(out, 1, 2, INFO_HASH, PEER_ID, 0, 0, 0,
                AnnounceEvent.NONE, 0, 50, 1, url));
        byte[] b = written(out);
        // BEP 41: URLData (type 2), length byte, data; as many options as needed, in order
        assertArrayEquals(concat(hex("02 ff"), Arrays.copyOf(url, 255), hex("02 2d"),
                Arrays.copyOfRange(url, 255, 300)), Arrays.copyOfRange(b, 98, b.length));
    }

    @Test
    void scrapeRequestMatchesTheGoldenVector() {
        ByteBuffer out = ByteBuffer.allocate(100);
        assertEquals(56, UdpClientCodec.writeScrapeRequest(out, 0x1122334455667788L, 7,
                new byte[][] {INFO_HASH, TestBytes.counting(0x80, 20)}));
        assertArrayEquals(UdpCodecTest.SCRAPE, written(out));
    }

    @Test
    void writersRejectBadArguments() {
        ByteBuffer out = ByteBuffer.allocate(2000);
        assertThrows(IllegalArgumentException.class, () -> UdpClientCodec.writeScrapeRequest(out, 1, 1, new byte[0][]));
        assertThrows(IllegalArgumentException.class,
                () -> UdpClientCodec.writeScrapeRequest(out, 1, 1, new byte[75][20]));
        assertThrows(IllegalArgumentException.class,
                () -> UdpClientCodec.writeScrapeRequest(out, 1, 1, new byte[][] {new byte[19]}));
        assertThrows(IllegalArgumentException.class, () -> UdpClientCodec.writeAnnounceRequest(out, 1, 1,
                new byte[19], PEER_ID, 0, 0, 0, AnnounceEvent.NONE, 0, 0, 1, null));
        assertThrows(IllegalArgumentException.class, () -> UdpClientCodec.writeAnnounceRequest(out, 1, 1,
                INFO_HASH, PEER_ID, 0, 0, 0, AnnounceEvent.NONE, 0, 0, 65536, null));
        assertEquals(0, out.position());
        assertThrows(BufferOverflowException.class, () -> UdpClientCodec.writeAnnounceRequest(ByteBuffer.allocate(99),
                1, 1, INFO_HASH, PEER_ID, 0, 0, 0, AnnounceEvent.NONE, 0, 0, 1, new byte[1]));
        assertThrows(BufferOverflowException.class,
                () -> UdpClientCodec.writeConnectRequest(ByteBuffer.allocate(15), 1));
    }

    @Test
    void decodesEveryResponseType() throws ProtocolException {
        assertEquals(new ConnectResponse(0xabcd, 0x0102030405060708L),
                decode(hex("00000000 0000abcd 0102030405060708"), false));
        // announce: action 1, tx 0x11, interval 1800, leechers 3, seeders 5, one IPv4 peer
        assertEquals(new AnnounceResponse(0x11, 1800, 3, 5, hex("7f000001 1ae1")),
                decode(hex("00000001 00000011 00000708 00000003 00000005 7f0000011ae1"), false));
        // same header with one 18-byte IPv6 peer (BEP 15 over IPv6)
        byte[] v6peer = hex("20010db8000000000000000000000001 1ae2");
        assertEquals(new AnnounceResponse(0x11, 1800, 3, 5, v6peer),
                decode(concat(hex("00000001 00000011 00000708 00000003 00000005"), v6peer), true));
        assertEquals(new ScrapeResponse(7, new int[] {1, 4}, new int[] {2, 5}, new int[] {3, 6}),
                decode(hex("00000002 00000007 000000010000000200000003 000000040000000500000006"), false));
        assertEquals(new ErrorResponse(9, "unknown torrent"),
                decode(concat(hex("00000003 00000009"), ascii("unknown torrent")), false));
        assertEquals(new AnnounceResponse(1, 2, 3, 4, new byte[0]),
                decode(hex("00000001 00000001 00000002 00000003 00000004"), true));
    }

    @Test
    void malformedResponsesAreDropped() {
        byte[][] bad = {
            hex("000000"), //                                         shorter than action + tx
            hex("00000000 0000abcd 01020304050607"), //               connect missing a byte
            hex("00000001 00000011 00000708 00000003 000000"), //     announce header cut
            hex("00000001 00000011 00000708 00000003 00000005 7f00000100"), // half a peer
            hex("00000002 00000007 0000000100000002000000"), //       partial scrape entry
            hex("00000009 00000007"), //                              unknown action
        };
        for (byte[] b : bad) {
            assertFalse(assertThrows(ProtocolException.class, () -> decode(b, false)).replyable());
        }
        byte[] v4peers = hex("00000001 00000011 00000708 00000003 00000005 7f0000011ae1 7f0000011ae1");
        assertThrows(ProtocolException.class, () -> decode(v4peers, true), "12 peer bytes are not IPv6 records");
    }

    @Test
    void onlyProtocolExceptionsForAnyResponseBytes() {
        byte[][] valid = {hex("00000000 0000abcd 0102030405060708"),
            hex("00000001 00000011 00000708 00000003 00000005 7f0000011ae1"),
            hex("00000002 00000007 000000010000000200000003"), concat(hex("00000003 00000009"), ascii("x"))};
        for (byte[] v : valid) {
            for (boolean v6 : new boolean[] {false, true}) {
                TestBytes.sweep(v, 2000, 200, v.length, b -> decode(b, v6));
            }
        }
    }
}

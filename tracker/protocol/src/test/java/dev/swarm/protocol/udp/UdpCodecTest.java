package dev.swarm.protocol.udp;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.TestBytes;
import org.junit.jupiter.api.Test;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.concat;
import static dev.swarm.protocol.TestBytes.counting;
import static dev.swarm.protocol.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tracker side of BEP 15 / BEP 41: golden requests and responses, and every kind of bad packet. */
class UdpCodecTest {

    static final byte[] INFO_HASH = counting(0x01, 20);
    static final byte[] PEER_ID = concat(ascii("-qB4630-"), counting(0xa0, 12));

    /** BEP 15 connect request. */
    static final byte[] CONNECT = hex(
            "00000417 27101980", // offset 0, int64: protocol_id 0x41727101980 (magic)
            "00000000", //          offset 8, int32: action 0 = connect
            "0000abcd"); //         offset 12, int32: transaction_id

    /** The 98 fixed bytes of a BEP 15 announce request. */
    static final byte[] ANNOUNCE = concat(hex(
            "11223344 55667788", // offset 0, int64: connection_id
            "00000001", //          offset 8, int32: action 1 = announce
            "deadbeef"), //         offset 12, int32: transaction_id
            INFO_HASH, //           offset 16, 20 bytes: info_hash
            PEER_ID, //             offset 36, 20 bytes: peer_id
            hex("00000000 00001000", // offset 56, int64: downloaded = 4096
            "00000000 00002000", //     offset 64, int64: left = 8192
            "00000000 00003000", //     offset 72, int64: uploaded = 12288
            "00000002", //              offset 80, int32: event 2 = started
            "00000000", //              offset 84, uint32: IP address, 0 = sender's
            "12345678", //              offset 88, uint32: key
            "ffffffff", //              offset 92, int32: num_want -1 = default
            "1ae1")); //                offset 96, uint16: port 6881

    /** BEP 41 options after the fixed announce part. */
    static final byte[] OPTIONS = concat(
            hex("02 04"), ascii("/ann"), //             URLData, length 4
            hex("01"), //                                NOP
            hex("07 02 ffff"), //                       unknown type 7, length 2: skipped
            hex("02 10"), ascii("ounce?passkey=ab"), // URLData, length 16
            hex("00"), //                                EndOfOptions
            hex("02 ff 00")); //                         after EndOfOptions: ignored, even if malformed

    /** BEP 15 scrape request with two info-hashes. */
    static final byte[] SCRAPE = concat(hex(
            "11223344 55667788", // offset 0, int64: connection_id
            "00000002", //          offset 8, int32: action 2 = scrape
            "00000007"), //         offset 12, int32: transaction_id
            INFO_HASH, //           offset 16: info_hash 1
            counting(0x80, 20)); // offset 36: info_hash 2

    static UdpRequest decode(byte[] packet) throws ProtocolException {
        return UdpCodec.decode(ByteBuffer.wrap(packet));
    }

    static ProtocolException rejected(byte[] packet) {
        return assertThrows(ProtocolException.class, () -> decode(packet));
    }

    @Test
    void connectRequest() throws ProtocolException {
        assertEquals(new ConnectRequest(0xabcd), decode(CONNECT));
        assertEquals(new ConnectRequest(0xabcd), decode(concat(CONNECT, hex("00ff"))), "trailing bytes ignored");
    }

    @Test
    void announceRequest() throws ProtocolException {
        UdpAnnounceRequest expected = new UdpAnnounceRequest(0x1122334455667788L, 0xdeadbeef, INFO_HASH, PEER_ID,
                4096, 8192, 12288, AnnounceEvent.STARTED, 0, 0x12345678, -1, 6881, new byte[0]);
        assertEquals(expected, decode(ANNOUNCE));
        assertEquals(expected.toString(), decode(ANNOUNCE).toString());
    }

    @Test
    void announceWithBep41Options() throws ProtocolException {
        UdpAnnounceRequest r = (UdpAnnounceRequest) decode(concat(ANNOUNCE, OPTIONS));
        assertArrayEquals(ascii("/announce?passkey=ab"), r.urlData());
        assertEquals(6881, r.port());
    }

    @Test
    void malformedOptionListsAreVoidButTheAnnounceStands() throws ProtocolException {
        byte[][] bad = {
            hex("02"), //                        URLData without its length byte
            hex("02 05 6162"), //                URLData declaring 5 bytes, 2 present
            concat(hex("02 02 6162"), hex("02 03 61")), // a good option, then a truncated one
            hex("07"), //                         unknown type without its length byte
        };
        for (byte[] options : bad) {
            UdpAnnounceRequest r = (UdpAnnounceRequest) decode(concat(ANNOUNCE, options));
            assertEquals(0, r.urlData().length);
            assertEquals(0xdeadbeef, r.transactionId());
        }
        assertEquals(0, ((UdpAnnounceRequest) decode(concat(ANNOUNCE, hex("01 01 00")))).urlData().length);
        assertEquals(0, ((UdpAnnounceRequest) decode(concat(ANNOUNCE, hex("02 00")))).urlData().length);
    }

    @Test
    void scrapeRequest() throws ProtocolException {
        UdpScrapeRequest r = (UdpScrapeRequest) decode(SCRAPE);
        assertEquals(new UdpScrapeRequest(0x1122334455667788L, 7, new byte[][] {INFO_HASH, counting(0x80, 20)}), r);
        byte[] most = concat(hex("1122334455667788 00000002 00000008"), new byte[20 * Udp.MAX_SCRAPE_HASHES]);
        assertEquals(Udp.MAX_REQUEST_SIZE, most.length);
        assertEquals(74, ((UdpScrapeRequest) decode(most)).infoHashes().length);
    }

    @Test
    void tooShortPacketsAreDropped() {
        for (int len = 0; len < 16; len++) {
            assertFalse(rejected(Arrays.copyOf(CONNECT, len)).replyable());
        }
        ProtocolException e = rejected(Arrays.copyOf(ANNOUNCE, 97));
        assertFalse(e.replyable(), "a truncated announce cannot be trusted: drop, as aquatic does");
        assertEquals("announce shorter than 98 bytes", e.getMessage());
    }

    @Test
    void oversizedPacketsAreDropped() {
        byte[] big = new byte[Udp.MAX_REQUEST_SIZE + 1];
        System.arraycopy(ANNOUNCE, 0, big, 0, ANNOUNCE.length);
        assertFalse(rejected(big).replyable());
        System.arraycopy(CONNECT, 0, big, 0, CONNECT.length);
        assertFalse(rejected(big).replyable());
    }

    @Test
    void connectWithoutProtocolIdIsDropped() {
        byte[] b = CONNECT.clone();
        b[7] ^= 1;
        ProtocolException e = rejected(b);
        assertFalse(e.replyable());
    }

    @Test
    void unknownActionsAreAnsweredWithTheTransactionId() {
        for (int action : new int[] {Udp.ERROR, 4, -1, Integer.MAX_VALUE}) {
            byte[] b = concat(hex("1122334455667788"), ByteBuffer.allocate(4).putInt(action).array(), hex("01020304"));
            ProtocolException e = rejected(b);
            assertTrue(e.replyable());
            assertEquals(0x01020304, e.transactionId());
            assertEquals(0x1122334455667788L, e.connectionId(), "so the server can validate before answering");
            assertEquals("unknown action", e.getMessage());
        }
    }

    @Test
    void badEventAndPortAreAnswered() {
        byte[] badEvent = ANNOUNCE.clone();
        badEvent[83] = 4; // offset 80 event = 4
        ProtocolException e = rejected(badEvent);
        assertTrue(e.replyable());
        assertEquals(0xdeadbeef, e.transactionId());
        assertEquals("invalid event", e.getMessage());
        byte[] negativeEvent = ANNOUNCE.clone();
        negativeEvent[80] = (byte) 0xff;
        assertEquals("invalid event", rejected(negativeEvent).getMessage());
        byte[] portZero = ANNOUNCE.clone();
        portZero[96] = 0; // offset 96 port = 0
        portZero[97] = 0;
        e = rejected(portZero);
        assertTrue(e.replyable());
        assertEquals("invalid port", e.getMessage());
    }

    /** Issue 10 (4): a stop needs no port, and libtorrent 1.1 sends port 0 with it; any other event needs one. */
    @Test
    void portZeroOnlyWithStopped() throws ProtocolException {
        byte[] stopped = ANNOUNCE.clone();
        stopped[83] = 3; // offset 80 event = 3 (stopped)
        stopped[96] = 0; // offset 96 port = 0
        stopped[97] = 0;
        UdpAnnounceRequest r = assertInstanceOf(UdpAnnounceRequest.class, decode(stopped));
        assertEquals(AnnounceEvent.STOPPED, r.event());
        assertEquals(0, r.port());
        for (int event : new int[] {0, 1, 2}) {
            byte[] b = stopped.clone();
            b[83] = (byte) event;
            assertEquals("invalid port", rejected(b).getMessage(), "event " + event);
        }
    }

    @Test
    void badScrapesAreAnswered() {
        byte[] header = Arrays.copyOf(SCRAPE, 16);
        assertEquals("no info_hash in scrape", rejected(header).getMessage());
        ProtocolException e = rejected(concat(header, new byte[19]));
        assertTrue(e.replyable());
        assertEquals(7, e.transactionId());
        assertEquals("scrape length is not a multiple of 20", e.getMessage());
        e = rejected(concat(header, new byte[20 * 75]));
        assertTrue(e.replyable());
        assertEquals("too many info_hash values", e.getMessage());
    }

    @Test
    void readsFromPositionToLimitInNetworkOrderAndLeavesTheBufferAlone() throws ProtocolException {
        byte[] framed = concat(hex("ffffff"), ANNOUNCE, OPTIONS, hex("eeee"));
        for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(framed), ByteBuffer.allocateDirect(framed.length)
                .put(framed).clear()}) {
            b.order(ByteOrder.LITTLE_ENDIAN);
            b.position(3).limit(3 + ANNOUNCE.length + OPTIONS.length);
            UdpAnnounceRequest r = (UdpAnnounceRequest) UdpCodec.decode(b);
            assertEquals(0x1122334455667788L, r.connectionId());
            assertEquals(6881, r.port());
            assertArrayEquals(ascii("/announce?passkey=ab"), r.urlData());
            assertEquals(3, b.position());
            assertEquals(3 + ANNOUNCE.length + OPTIONS.length, b.limit());
        }
    }

    @Test
    void connectResponse() {
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16, UdpCodec.writeConnect(out, 0xabcd, 0x0102030405060708L));
        assertArrayEquals(hex(
                "00000000", //         offset 0, int32: action 0 = connect
                "0000abcd", //         offset 4, int32: transaction_id
                "01020304 05060708"), // offset 8, int64: connection_id
                written(out));
    }

    @Test
    void announceResponse() {
        byte[] peers = hex("ff 7f000001 1ae1 c0a80102 c8d5 ff");
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(32, UdpCodec.writeAnnounce(out, 0x11, 1800, 3, 5, peers, 1, 12));
        assertArrayEquals(hex(
                "00000001", //    offset 0, int32: action 1 = announce
                "00000011", //    offset 4, int32: transaction_id
                "00000708", //    offset 8, int32: interval = 1800 s
                "00000003", //    offset 12, int32: leechers
                "00000005", //    offset 16, int32: seeders
                "7f000001 1ae1", // offset 20: peer 127.0.0.1:6881 (IPv4 address, uint16 port)
                "c0a80102 c8d5"), // offset 26: peer 192.168.1.2:51413
                written(out));
    }

    @Test
    void scrapeResponse() {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(32, UdpCodec.writeScrape(out, 7, 2, new int[] {1, 4, 99}, new int[] {2, 5, 99},
                new int[] {3, 6, 99}));
        assertArrayEquals(hex(
                "00000002", //                   action 2 = scrape
                "00000007", //                   transaction_id
                "00000001 00000002 00000003", // torrent 1: seeders, completed, leechers
                "00000004 00000005 00000006"), // torrent 2
                written(out));
    }

    @Test
    void errorResponseIsCappedForAntiAmplification() {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(20, UdpCodec.writeError(out, 9, "unknown action", 20));
        assertArrayEquals(concat(hex(
                "00000003", // action 3 = error
                "00000009"), // transaction_id
                ascii("unknown acti")), // message, cut at 20 bytes in all
                written(out));
        out.clear();
        assertEquals(0, UdpCodec.writeError(out, 9, "x", 7), "too small for the header: send nothing");
        assertEquals(0, out.position());
        assertEquals(10, UdpCodec.writeError(out, 9, "\u00e9\n", 100));
        assertArrayEquals(concat(hex("00000003 00000009"), ascii("??")), written(out));
    }

    @Test
    void writersFailBeforeWritingWhenTheBufferIsTooSmall() {
        ByteBuffer out = ByteBuffer.allocate(31);
        assertThrows(BufferOverflowException.class,
                () -> UdpCodec.writeAnnounce(out, 1, 1, 1, 1, new byte[12], 0, 12));
        assertThrows(BufferOverflowException.class,
                () -> UdpCodec.writeScrape(out, 1, 2, new int[2], new int[2], new int[2]));
        assertThrows(BufferOverflowException.class,
                () -> UdpCodec.writeConnect(ByteBuffer.allocate(15), 1, 1));
        assertEquals(0, out.position());
    }

    @Test
    void onlyProtocolExceptionsAndRepliesCarryTheTransactionId() {
        for (byte[] valid : new byte[][] {CONNECT, concat(ANNOUNCE, OPTIONS), SCRAPE}) {
            TestBytes.sweep(valid, 5000, 1600, valid.length, b -> {
                try {
                    UdpCodec.decode(ByteBuffer.wrap(b));
                } catch (ProtocolException e) {
                    if (e.replyable()) {
                        assertEquals(ByteBuffer.wrap(b).getInt(12), e.transactionId());
                        assertEquals(ByteBuffer.wrap(b).getLong(0), e.connectionId());
                    }
                    throw e;
                }
            });
        }
    }

    @Test
    void everyLengthOfEveryAction() {
        for (int action = -1; action <= 4; action++) {
            for (int len = 0; len <= Udp.MAX_REQUEST_SIZE + 30; len++) {
                ByteBuffer b = ByteBuffer.allocate(len);
                if (len >= 12) {
                    b.putInt(8, action);
                }
                try {
                    assertInstanceOf(UdpRequest.class, UdpCodec.decode(b));
                } catch (ProtocolException expected) {
                    // fine: only the type of the failure matters
                }
            }
        }
    }

    static byte[] written(ByteBuffer out) {
        byte[] b = new byte[out.position()];
        out.flip().get(b);
        return b;
    }
}

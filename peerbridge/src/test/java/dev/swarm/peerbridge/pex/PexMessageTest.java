package dev.swarm.peerbridge.pex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.wire.WireException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PexMessageTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static InetSocketAddress addr(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /**
     * The shape libtorrent 2.0 sends (all six keys, sorted): 127.0.0.2:6881 (seed, reachable) and
     * 127.0.0.3:6882 (flags 0) added, [::1]:6883 added with uTP, 127.0.0.4:6884 dropped.
     */
    static final byte[] GOLDEN = concat(ascii("d5:added12:"), hex("7f0000021ae1 7f0000031ae2"),
            ascii("7:added.f2:"), hex("1200"),
            ascii("6:added618:"), hex("00000000000000000000000000000001 1ae3"),
            ascii("8:added6.f1:"), hex("04"),
            ascii("7:dropped6:"), hex("7f0000041ae4"),
            ascii("8:dropped60:e"));

    @Test
    void decodesAllSixKeysWithFlags() throws Exception {
        PexMessage m = PexMessage.decode(GOLDEN);
        assertEquals(List.of(new PexMessage.Peer(addr("127.0.0.2", 6881), 0x12), new PexMessage.Peer(addr("127.0.0.3", 6882), 0),
                new PexMessage.Peer(addr("::1", 6883), 0x04)), m.added());
        assertTrue(m.added().get(0).seed());
        assertEquals(List.of(addr("127.0.0.4", 6884)), m.dropped());
    }

    @Test
    void encodesCanonicallyAndRoundTrips() throws Exception {
        PexMessage m = new PexMessage(List.of(new PexMessage.Peer(addr("127.0.0.2", 6881), 0x12),
                new PexMessage.Peer(addr("127.0.0.3", 6882), 0), new PexMessage.Peer(addr("::1", 6883), 0x04)),
                List.of(addr("127.0.0.4", 6884)));
        byte[] expected = concat(Arrays.copyOf(GOLDEN, GOLDEN.length - "8:dropped60:e".length()), ascii("e"));
        assertArrayEquals(expected, m.encode(), "as GOLDEN without the empty dropped6");
        assertEquals(m, PexMessage.decode(m.encode()));
        assertArrayEquals(ascii("d5:added0:7:added.f0:7:dropped0:e"), new PexMessage(List.of(), List.of()).encode());
    }

    @Test
    void lengthSweepAndBep11Limit() throws Exception {
        for (int n = 0; n <= PexMessage.MAX_PER_MESSAGE; n += 7) {
            List<PexMessage.Peer> added = new ArrayList<>();
            List<InetSocketAddress> dropped = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                added.add(new PexMessage.Peer(addr("127.0.1." + i, 1000 + i), i % 32));
                dropped.add(addr("::" + Integer.toHexString(i + 2), 2000 + i));
            }
            PexMessage m = new PexMessage(added, dropped);
            assertEquals(m, PexMessage.decode(m.encode()));
        }
        List<PexMessage.Peer> tooMany = new ArrayList<>();
        for (int i = 0; i <= PexMessage.MAX_PER_MESSAGE; i++) {
            tooMany.add(new PexMessage.Peer(addr("127.0.2." + i, 1000), 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new PexMessage(tooMany, List.of()).encode());
    }

    @Test
    void toleratesShortFlagsPartialEntriesPortZeroAndBoundsTheCount() throws Exception {
        PexMessage m = PexMessage.decode(concat(ascii("d5:added15:"), hex("7f0000021ae1 7f0000030000 7f0000"),
                ascii("7:added.f0:1:xi1ee")));
        assertEquals(List.of(new PexMessage.Peer(addr("127.0.0.2", 6881), 0)), m.added(), "port 0 and the partial entry skipped");
        byte[] many = new byte[6 * 1000];
        for (int i = 0; i < 1000; i++) {
            many[6 * i] = 127;
            many[6 * i + 5] = 1;
        }
        assertEquals(PexMessage.MAX_DECODED, PexMessage.decode(concat(ascii("d5:added6000:"), many, ascii("e"))).added().size());
        for (String s : new String[] {"", "le", "i1e", "d5:added", "junk"}) {
            assertThrows(WireException.class, () -> PexMessage.decode(ascii(s)), s);
        }
    }

    @Test
    void everyPrefixAndMutationDecodesOrThrowsWireException() {
        Random rnd = new Random(11);
        for (int n = 0; n <= GOLDEN.length; n++) {
            for (int round = 0; round < 30; round++) {
                byte[] b = Arrays.copyOf(GOLDEN, n);
                if (n > 0 && round > 0) {
                    b[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
                }
                try {
                    PexMessage.decode(b);
                } catch (WireException expected) {
                    // the only failure allowed
                }
            }
        }
    }
}

package dev.swarm.protocol;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CompactPeersTest {

    @Test
    void decodesIpv4AndIpv6Records() throws ProtocolException {
        byte[] v4 = TestBytes.hex(
                "7f000001 1ae1", // BEP 23 record: 127.0.0.1, port 6881
                "0a000002 ffff"); // 10.0.0.2, port 65535
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("10.0.0.2", 65535)),
                CompactPeers.decode(v4, 0, v4.length, false));
        byte[] v6 = TestBytes.hex("20010db8000000000000000000000001 1ae2"); // BEP 7 record: 2001:db8::1, port 6882
        assertEquals(List.of(new InetSocketAddress("2001:db8::1", 6882)), CompactPeers.decode(v6, 0, 18, true));
    }

    @Test
    void rejectsPartialRecords() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> CompactPeers.decode(new byte[7], 0, 7, false));
        assertFalse(e.replyable());
        assertThrows(ProtocolException.class, () -> CompactPeers.decode(new byte[20], 0, 20, true));
    }

    @Test
    void writesRecords() {
        byte[] dst = new byte[24];
        assertEquals(6, CompactPeers.write(new InetSocketAddress("192.0.2.1", 443), dst, 0));
        assertEquals(18, CompactPeers.write(new InetSocketAddress("2001:db8::2", 80), dst, 6));
        assertArrayEquals(TestBytes.hex("c0000201 01bb", "20010db8000000000000000000000002 0050"), dst);
        assertThrows(IllegalArgumentException.class,
                () -> CompactPeers.write(InetSocketAddress.createUnresolved("example.org", 1), dst, 0));
    }
}

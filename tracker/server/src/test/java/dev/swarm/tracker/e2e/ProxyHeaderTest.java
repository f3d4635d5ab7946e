package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * X-Forwarded-For / X-Real-IP over a real socket from 127.0.0.1: ignored when 127.0.0.1 is not a configured proxy
 * (a spoofing client gains nothing), used when it is. The address is seen in the BEP 24 {@code external ip} and in
 * the peer list another client gets.
 */
class ProxyHeaderTest {
    private static final String HASH = "%11%22%33%44%55%66%77%88%99%00%11%22%33%44%55%66%77%88%99%00";

    @TempDir
    Path dir;
    private Tracker tracker;
    private int port;

    private void start(String trusted) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "127.0.0.1:0", "udp.listen", "off",
                "store.type", "heap", "store.data-dir", dir.toString(), "proxy.trusted", trusted));
        tracker = Tracker.start(ConfigLoader.load(null, o), java.time.InstantSource.system(), Metrics.NOOP);
        port = tracker.httpAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    /** An announce with extra header lines; returns the bdecoded body. */
    private BDict announce(int peerPort, long left, String headers) throws IOException, ProtocolException {
        String path = "/announce?info_hash=" + HASH + "&peer_id=-TT0001-00000000" + peerPort + "&port=" + peerPort
                + "&uploaded=0&downloaded=0&left=" + left;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int body = text.indexOf("\r\n\r\n") + 4;
            return (BDict) Bencode.decode(Arrays.copyOfRange(all, body, all.length), BencodeLimits.DEFAULT);
        }
    }

    private static byte[] ip(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    @Test
    void aSpoofedHeaderFromANonProxyAddressIsIgnored() throws Exception {
        start("10.0.0.0/8"); // the test connects from 127.0.0.1, which is not a proxy
        BDict r = announce(7001, 0, "X-Forwarded-For: 198.51.100.7\r\nX-Real-IP: 198.51.100.8\r\n");
        assertArrayEquals(ip(127, 0, 0, 1), r.bytes("external ip"), "the connection's address, not the header's");
        BDict other = announce(7002, 10, "");
        byte[] peers = other.bytes("peers");
        assertEquals(6, peers.length);
        assertArrayEquals(ip(127, 0, 0, 1), Arrays.copyOf(peers, 4), "stored under its real address");
    }

    @Test
    void aTrustedProxysHeaderGivesTheClientAddress() throws Exception {
        start("127.0.0.1/32");
        BDict r = announce(7001, 0, "X-Forwarded-For: 6.6.6.6, 198.51.100.7\r\n");
        assertArrayEquals(ip(198, 51, 100, 7), r.bytes("external ip"));
        BDict realIp = announce(7003, 0, "X-Real-IP: 198.51.100.9\r\nX-Forwarded-For: 198.51.100.7\r\n");
        assertArrayEquals(ip(198, 51, 100, 9), realIp.bytes("external ip"), "X-Real-IP wins");
        BDict other = announce(7002, 10, "");
        assertEquals(2 * 6, other.bytes("peers").length);
        BDict bad = announce(7004, 0, "X-Forwarded-For: not-an-address\r\n");
        assertEquals("the proxy sent an X-Real-IP or X-Forwarded-For header that is not an address",
                bad.string("failure reason"));
        assertNull(announce(7005, 0, "").get("failure reason"), "no header: the proxy's own address");
    }
}

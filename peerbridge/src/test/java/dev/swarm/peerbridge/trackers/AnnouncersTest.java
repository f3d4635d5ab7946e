package dev.swarm.peerbridge.trackers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.swarm.protocol.AnnounceEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The announce clients against scripted trackers on loopback (real sockets, scripted replies). */
class AnnouncersTest {
    static final AnnounceRequest REQ = new AnnounceRequest(new byte[20], "-PB0010-123456789012".getBytes(StandardCharsets.US_ASCII),
            6881, 1, AnnounceEvent.STARTED, 50, 7);

    private HttpServer http;
    private DatagramSocket udp;
    private Thread udpThread;

    @AfterEach
    void stop() throws InterruptedException {
        if (http != null) {
            http.stop(0);
        }
        if (udp != null) {
            udp.close();
            udpThread.join(5000);
        }
    }

    private String serveHttp(int status, byte[] body, AtomicReference<String> query) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/announce", ex -> {
            if (query != null) {
                query.set(ex.getRequestURI().getRawQuery());
            }
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/announce";
    }

    private AnnounceResult httpAnnounce(String url) throws Exception {
        try (HttpAnnouncer a = new HttpAnnouncer(Duration.ofSeconds(3), 4)) {
            return a.announce(url, REQ).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void httpValidResponseIsASuccessWithPeers() throws Exception {
        // d 8:interval i900e 5:peers 12:<127.0.0.1:6881><127.0.0.2:6882> e
        byte[] peers = {127, 0, 0, 1, 0x1a, (byte) 0xe1, 127, 0, 0, 2, 0x1a, (byte) 0xe2};
        byte[] body = ByteBuffer.allocate(100).put("d8:intervali900e5:peers12:".getBytes(StandardCharsets.US_ASCII))
                .put(peers).put((byte) 'e').flip().array();
        byte[] exact = java.util.Arrays.copyOf(body, 26 + 12 + 1);
        AtomicReference<String> query = new AtomicReference<>();
        AnnounceResult r = httpAnnounce(serveHttp(200, exact, query) + "?passkey=abc");
        AnnounceResult.Success s = assertInstanceOf(AnnounceResult.Success.class, r);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("127.0.0.2", 6882)), s.peers());
        assertEquals(900, s.interval());
        assertTrue(query.get().startsWith("passkey=abc&info_hash="), query.get());
        assertTrue(query.get().contains("event=started"));
    }

    @Test
    void httpFailureReasonBadBodyNoPeersAndBadStatusAreFailures() throws Exception {
        assertInstanceOf(AnnounceResult.Failure.class,
                httpAnnounce(serveHttp(200, "d14:failure reason6:bannede".getBytes(StandardCharsets.US_ASCII), null)));
        stop();
        assertInstanceOf(AnnounceResult.Failure.class, httpAnnounce(serveHttp(200, "<html>".getBytes(StandardCharsets.US_ASCII), null)));
        stop();
        assertInstanceOf(AnnounceResult.Failure.class, httpAnnounce(serveHttp(200, "d8:intervali900ee".getBytes(StandardCharsets.US_ASCII), null)));
        stop();
        assertInstanceOf(AnnounceResult.Failure.class, httpAnnounce(serveHttp(302, new byte[0], null)));
        http = null;
    }

    @Test
    void httpDeadPortIsAFailure() throws Exception {
        // A TCP socket bound but not listening holds the port (nothing else can take it) and refuses connections.
        try (java.net.Socket dead = new java.net.Socket()) {
            dead.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AnnounceResult.Failure f = assertInstanceOf(AnnounceResult.Failure.class,
                    httpAnnounce("http://127.0.0.1:" + dead.getLocalPort() + "/announce"));
            assertTrue(f.reason().contains("Connect"), f.reason());
        }
    }

    /** A scripted BEP 15 tracker: answers connect, then announce with one peer (or an error). */
    private String serveUdp(boolean errorOnAnnounce) throws IOException {
        udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        udpThread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!udp.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    ByteBuffer in = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    int action = in.getInt(8);
                    int tx = in.getInt(12);
                    ByteBuffer out = ByteBuffer.allocate(100);
                    if (action == 0) {
                        out.putInt(0).putInt(tx).putLong(0x1122334455667788L); // connect: action, tx, connection id
                    } else if (errorOnAnnounce) {
                        out.putInt(3).putInt(tx).put("denied".getBytes(StandardCharsets.US_ASCII)); // error
                    } else {
                        // announce: action 1, tx, interval 600, leechers 1, seeders 2, peer 127.0.0.9:7000
                        out.putInt(1).putInt(tx).putInt(600).putInt(1).putInt(2).put(new byte[] {127, 0, 0, 9}).putShort((short) 7000);
                    }
                    udp.send(new DatagramPacket(out.array(), out.position(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-udp-tracker");
        udpThread.start();
        return "udp://127.0.0.1:" + udp.getLocalPort() + "/announce";
    }

    private AnnounceResult udpAnnounce(String url, Duration timeout) throws Exception {
        try (UdpAnnouncer a = new UdpAnnouncer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), timeout, 4)) {
            return a.announce(url, REQ).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void udpConnectThenAnnounceIsASuccess() throws Exception {
        AnnounceResult.Success s = assertInstanceOf(AnnounceResult.Success.class, udpAnnounce(serveUdp(false), Duration.ofSeconds(3)));
        assertEquals(List.of(new InetSocketAddress("127.0.0.9", 7000)), s.peers());
        assertEquals(600, s.interval());
        assertEquals(2, s.seeders());
    }

    @Test
    void udpErrorAndSilenceAreFailures() throws Exception {
        AnnounceResult.Failure f = assertInstanceOf(AnnounceResult.Failure.class, udpAnnounce(serveUdp(true), Duration.ofSeconds(3)));
        assertTrue(f.reason().contains("denied"), f.reason());
        // Silence: a socket that holds the port for the whole test and never answers.
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AnnounceResult.Failure t = assertInstanceOf(AnnounceResult.Failure.class,
                    udpAnnounce("udp://127.0.0.1:" + silent.getLocalPort() + "/announce", Duration.ofMillis(800)));
            assertTrue(t.reason().contains("timeout"), t.reason());
            assertTrue(t.latency().toMillis() < 5000);
        }
    }
}

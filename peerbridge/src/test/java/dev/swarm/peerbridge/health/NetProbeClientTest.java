package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.swarm.peerbridge.net.AddressFilter;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Probes against hostile or broken listeners on loopback: every case ends in a failed result, bounded in time. */
@Timeout(60)
class NetProbeClientTest {
    static final byte[] HASH = new byte[20];

    static ProbeResult probeOnce(NetProbeClient c, String url, boolean learned) throws Exception {
        List<ProbeResult> r = c.probe(url, List.of(HASH), learned).get(30, TimeUnit.SECONDS);
        assertEquals(1, r.size(), r.toString());
        return r.get(0);
    }

    @Test
    void garbageOversizedAndErrorStatusBodiesFailWithTheReason() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger requests = new AtomicInteger();
        s.createContext("/garbage/scrape", ex -> {
            requests.incrementAndGet();
            byte[] b = "<html>not bencode</html>".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.createContext("/big/scrape", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) { // 4 MiB, far over the bound
                    o.write(chunk);
                }
            } catch (java.io.IOException e) {
                // the prober hung up
            }
        });
        s.createContext("/gone/scrape", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        s.start();
        String base = "http://127.0.0.1:" + s.getAddress().getPort();
        try (NetProbeClient c = new NetProbeClient(Duration.ofSeconds(2), System::currentTimeMillis)) {
            ProbeResult g = probeOnce(c, base + "/garbage/announce", false);
            assertFalse(g.ok());
            assertTrue(g.error().startsWith("invalid response"), g.error());
            assertEquals(2, requests.get(), "one retry, then the probe counts as failed");
            ProbeResult big = probeOnce(c, base + "/big/announce", false);
            assertFalse(big.ok());
            assertTrue(big.error().contains("over"), big.error());
            ProbeResult gone = probeOnce(c, base + "/gone/announce", false);
            assertEquals("HTTP status 503", gone.error());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aTricklingBodyIsCutAtTheProbeTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket sock = server.accept()) {
                        OutputStream o = sock.getOutputStream();
                        o.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nd5:files".getBytes());
                        o.flush();
                        for (int k = 0; k < 100; k++) { // one byte every 100 ms: 10 s
                            o.write('d');
                            o.flush();
                            Thread.sleep(100);
                        }
                    } catch (Exception e) {
                        // the prober hung up
                    }
                }
            }, "trickler");
            t.setDaemon(true);
            t.start();
            try (NetProbeClient c = new NetProbeClient(Duration.ofMillis(500), System::currentTimeMillis)) {
                long start = System.nanoTime();
                ProbeResult r = probeOnce(c, "http://127.0.0.1:" + server.getLocalPort() + "/announce", false);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertFalse(r.ok());
                assertTrue(r.error().startsWith("timeout"), r.error());
                assertTrue(ms < 3_000, "two attempts of 500 ms, not the 10 s the body takes: " + ms);
            }
        }
    }

    @Test
    void learnedLoopbackUrlsAreNotContactedUnderTheDefaultFilter() throws Exception {
        AtomicInteger reached = new AtomicInteger();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            reached.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        s.start();
        try (DatagramSocket udp = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
                NetProbeClient c = new NetProbeClient(Duration.ofMillis(500), System::currentTimeMillis, null,
                        AddressFilter.PUBLIC_ONLY)) {
            ProbeResult h = probeOnce(c, "http://127.0.0.1:" + s.getAddress().getPort() + "/announce", true);
            ProbeResult u = probeOnce(c, "udp://127.0.0.1:" + udp.getLocalPort() + "/announce", true);
            assertTrue(h.error().startsWith("not contacted") && h.error().contains("loopback"), h.error());
            assertTrue(u.error().startsWith("not contacted"), u.error());
            // the same URLs from the torrent itself (not learned) are probed: the HTTP one answers 404
            ProbeResult own = probeOnce(c, "http://127.0.0.1:" + s.getAddress().getPort() + "/announce", false);
            assertEquals("HTTP status 404", own.error());
            assertEquals(2, reached.get(), "only the not-learned probe (and its retry) reached the listener");
            udp.setSoTimeout(1);
            boolean got;
            try {
                udp.receive(new DatagramPacket(new byte[64], 64));
                got = true;
            } catch (java.net.SocketTimeoutException e) {
                got = false;
            }
            assertFalse(got, "no datagram reached the UDP listener");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void udpFamilyFollowsTheAddress() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, java.net.InetAddress.getByName("::1"));
                NetProbeClient c = new NetProbeClient(Duration.ofMillis(300), System::currentTimeMillis)) {
            ProbeResult r = probeOnce(c, "udp://[::1]:" + silent.getLocalPort() + "/announce", false);
            assertEquals("ipv6", r.family());
            assertFalse(r.ok());
            assertTrue(r.error().startsWith("timeout"), r.error());
        }
    }
}

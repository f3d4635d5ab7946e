package dev.swarm.peerbridge.trackers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.net.AddressFilter;
import dev.swarm.peerbridge.net.Resolver;
import dev.swarm.protocol.AnnounceEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The announcers against hostile trackers on loopback: a body trickled byte by byte is cut off at the deadline
 * without holding the announcer's threads, an oversized body is refused, and a learned URL whose host resolves to
 * a loopback address is refused at request time (nothing reaches the listener) while a trusted one is sent.
 */
@Timeout(60)
class AnnouncerSafetyTest {
    static final AnnounceRequest TRUSTED = new AnnounceRequest(new byte[20],
            "-PB0010-123456789012".getBytes(StandardCharsets.US_ASCII), 6881, 1, AnnounceEvent.STARTED, 50, 7);
    static final AnnounceRequest LEARNED = new AnnounceRequest(TRUSTED.infoHash(), TRUSTED.peerId(), 6881, 1,
            AnnounceEvent.STARTED, 50, 7, true);

    /** A raw HTTP server: reads each request's head, then lets {@code reply} write to the socket. */
    static final class RawHttp implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private final List<Socket> sockets = new ArrayList<>();

        RawHttp(Consumer<OutputStream> reply) throws IOException {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        synchronized (sockets) {
                            sockets.add(s);
                        }
                        threads.add(Thread.ofPlatform().daemon().start(() -> {
                            try (s) {
                                InputStream in = s.getInputStream();
                                int matched = 0;
                                while (matched < 4) { // up to the blank line ending the request head
                                    int c = in.read();
                                    if (c < 0) {
                                        return;
                                    }
                                    matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
                                }
                                reply.accept(s.getOutputStream());
                            } catch (IOException e) {
                                // the client went away
                            }
                        }));
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/announce";
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            for (Thread t : List.copyOf(threads)) {
                t.join(5000);
            }
        }
    }

    static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Headers, then one byte of a 100 000-byte body every 100 ms: about 3 hours for the whole body. */
    static void trickle(OutputStream out) {
        try {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
            for (int i = 0; i < 100_000; i++) {
                write(out, "d");
                Thread.sleep(100);
            }
        } catch (InterruptedException | java.io.UncheckedIOException e) {
            // closed by the client at its deadline
        }
    }

    static final String VALID = "d8:intervali900e5:peers6:" + "\u007f\u0000\u0000\u0001\u001a\u00e1" + "e";

    @Test
    void aTrickledBodyIsCutOffAtTheDeadlineWithoutHoldingTheAnnouncer() throws Exception {
        try (RawHttp slow = new RawHttp(AnnouncerSafetyTest::trickle);
                RawHttp fast = new RawHttp(out -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + VALID.length()
                        + "\r\n\r\n" + VALID));
                HttpAnnouncer a = new HttpAnnouncer(Duration.ofMillis(1500), 16)) {
            long start = System.nanoTime();
            List<CompletableFuture<AnnounceResult>> trickled = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // more than the announcer's 2 threads
                trickled.add(a.announce(slow.url(), TRUSTED));
            }
            // While six bodies trickle, a good tracker is still answered at once.
            AnnounceResult ok = a.announce(fast.url(), TRUSTED).get(5, TimeUnit.SECONDS);
            assertInstanceOf(AnnounceResult.Success.class, ok, ok.toString());
            assertTrue(ok.latency().toMillis() < 1500, "answered while the trickles were in flight: " + ok.latency());
            for (CompletableFuture<AnnounceResult> f : trickled) {
                AnnounceResult.Failure failure = assertInstanceOf(AnnounceResult.Failure.class, f.get(5, TimeUnit.SECONDS));
                assertTrue(failure.reason().contains("timeout"), failure.reason());
            }
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 4000, "all six ended near the 1.5 s deadline, took " + took + " ms");
        }
    }

    @Test
    void anOversizedBodyIsRefused() throws Exception {
        int size = HttpAnnouncer.MAX_BODY + 10;
        try (RawHttp big = new RawHttp(out -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"
                + "d".repeat(size)));
                HttpAnnouncer a = new HttpAnnouncer(Duration.ofSeconds(3), 4)) {
            AnnounceResult.Failure f = assertInstanceOf(AnnounceResult.Failure.class,
                    a.announce(big.url(), TRUSTED).get(10, TimeUnit.SECONDS));
            assertTrue(f.reason().contains("over " + HttpAnnouncer.MAX_BODY), f.reason());
        }
    }

    @Test
    void aLearnedHttpUrlResolvingToLoopbackIsRefusedAtRequestTime() throws Exception {
        try (RawHttp victim = new RawHttp(out -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + VALID.length()
                + "\r\n\r\n" + VALID));
                Resolver resolver = Resolver.standard();
                HttpAnnouncer a = new HttpAnnouncer(Duration.ofSeconds(3), 4, resolver, AddressFilter.PUBLIC_ONLY)) {
            // "localhost" is a name: only its resolved address shows where it points.
            String byName = "http://localhost:" + victim.server.getLocalPort() + "/announce";
            AnnounceResult.Failure f = assertInstanceOf(AnnounceResult.Failure.class,
                    a.announce(byName, LEARNED).get(10, TimeUnit.SECONDS));
            assertTrue(f.reason().startsWith("refused: ") && f.reason().contains("loopback"), f.reason());
            assertEquals(0, victim.accepted.get(), "nothing reached the listener");
            assertInstanceOf(AnnounceResult.Success.class, a.announce(byName, TRUSTED).get(10, TimeUnit.SECONDS),
                    "the same URL from the user's own torrent is trusted");
            assertEquals(1, victim.accepted.get());
        }
    }

    @Test
    void aLearnedUdpUrlResolvingToLoopbackIsRefusedAtRequestTime() throws Exception {
        try (DatagramSocket victim = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                Resolver resolver = Resolver.standard();
                UdpAnnouncer a = new UdpAnnouncer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        Duration.ofMillis(800), 4, resolver, AddressFilter.PUBLIC_ONLY)) {
            String byName = "udp://localhost:" + victim.getLocalPort() + "/announce";
            AnnounceResult.Failure f = assertInstanceOf(AnnounceResult.Failure.class,
                    a.announce(byName, LEARNED).get(10, TimeUnit.SECONDS));
            assertTrue(f.reason().startsWith("refused: ") && f.reason().contains("loopback"), f.reason());
            assertInstanceOf(AnnounceResult.Failure.class, a.announce(byName, TRUSTED).get(10, TimeUnit.SECONDS),
                    "trusted: sent (and timed out, the socket never answers)");
            victim.setSoTimeout(2000);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            victim.receive(p);
            assertEquals(16, p.getLength(), "the trusted request's connect arrived");
            assertEquals(0x41727101980L, java.nio.ByteBuffer.wrap(p.getData()).getLong(0), "BEP 15 protocol id");
        }
    }

    @Test
    void aSlowResolverNeverDelaysAnotherAnnouncesTimeout() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // A lookup that hangs for every name (as a dead DNS server would), until the test ends.
        Resolver.Lookup hanging = host -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        };
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                Resolver resolver = new Resolver(2, 8, Duration.ofSeconds(2), hanging);
                UdpAnnouncer a = new UdpAnnouncer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        Duration.ofMillis(800), 16, resolver, AddressFilter.ALLOW_ALL)) {
            List<CompletableFuture<AnnounceResult>> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(a.announce("udp://slow" + i + ".example.org:6969/announce", TRUSTED));
            }
            long start = System.nanoTime();
            AnnounceResult.Failure t = assertInstanceOf(AnnounceResult.Failure.class,
                    a.announce("udp://127.0.0.1:" + silent.getLocalPort() + "/announce", TRUSTED).get(10, TimeUnit.SECONDS));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(t.reason().contains("timeout"), t.reason());
            assertTrue(took < 1500, "the 800 ms timeout fired on time while four lookups hang: " + took + " ms");
            for (CompletableFuture<AnnounceResult> f : slow) {
                AnnounceResult.Failure s = assertInstanceOf(AnnounceResult.Failure.class, f.get(5, TimeUnit.SECONDS));
                assertTrue(s.reason().contains("took longer than 2000 ms") || s.reason().contains("busy"), s.reason());
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSlowResolverFailsWithinItsBoundAndWhenBusy() throws Exception {
        // A pool of one thread and no queue: while a lookup runs, another is refused at once ("busy").
        try (Resolver r = new Resolver(1, 1, Duration.ofSeconds(2))) {
            List<CompletableFuture<List<InetAddress>>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(r.resolve("localhost"));
            }
            int busy = 0;
            for (CompletableFuture<List<InetAddress>> f : all) {
                try {
                    assertTrue(f.get(5, TimeUnit.SECONDS).get(0).isLoopbackAddress());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause().getMessage().contains("busy"), e.getCause().getMessage());
                    busy++;
                }
            }
            assertTrue(busy <= 3, "at least the running and the queued lookup complete");
        }
    }
}

package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 11 item 6: stopping the tracker (SIGTERM) under HTTP load logged {@code RejectedExecutionException: XNIO007007}
 * for an announce in flight. Every request in flight must be finished or refused cleanly (a whole response, or the
 * connection closed or refused), and nothing may be logged as an error or with a stack trace.
 */
@Timeout(60)
class ShutdownUnderLoadTest {
    @TempDir
    Path dir;

    @Test
    void stoppingUnderLoadFinishesOrRefusesEveryRequestCleanly() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        log.start();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            Tracker tracker = Tracker.start(ConfigLoader.load(null, Map.of("http.listen", "127.0.0.1:0", "udp.listen", "off",
                    "http.io-threads", "2", "store.type", "heap", "store.data-dir", dir.toString(), "limits.announces-per-minute", "0")),
                    InstantSource.system(), Metrics.NOOP);
            int port = tracker.httpAddress().getPort();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger served = new AtomicInteger();
            ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(clients.submit(() -> {
                    // Bounded: at most 20,000 requests a thread, and it stops once the tracker is closed.
                    for (int i = 0; i < 20_000 && !stop.get(); i++) {
                        String reply = request(port, thread, i);
                        if (reply == null) {
                            continue; // refused or closed: a clean refusal
                        }
                        if (reply.startsWith("HTTP/1.1 200") && reply.contains("8:intervali")) {
                            served.incrementAndGet();
                        } else if (!reply.isEmpty() && !reply.startsWith("HTTP/1.1 503")) {
                            bad.add(reply);
                        }
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (served.get() < 500 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(served.get() >= 500, "the load runs before the stop");
            tracker.close();
            stop.set(true);
            for (Future<?> f : work) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), List.copyOf(bad), "responses cut short or wrong");
        } finally {
            clients.shutdownNow();
            root.detachAppender(log);
        }
        List<String> problems = new ArrayList<>();
        for (ILoggingEvent e : log.list) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null
                    || mentionsRejection(e.getThrowableProxy()) || e.getFormattedMessage().contains("XNIO007007")) {
                problems.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName() + ": "
                        + e.getThrowableProxy().getMessage()));
            }
        }
        assertEquals(List.of(), problems, "logged while stopping under load");
    }

    private static boolean mentionsRejection(IThrowableProxy t) {
        for (IThrowableProxy p = t; p != null; p = p.getCause()) {
            if (p.getClassName().endsWith("RejectedExecutionException")) {
                return true;
            }
        }
        return false;
    }

    /** One announce on its own connection; the response, or null when the connection was refused or reset. */
    private static String request(int port, int thread, int i) {
        byte[] hash = new byte[20];
        ByteBuffer.wrap(hash).putInt(0, thread).putInt(4, i % 50);
        String path = "/announce?info_hash=" + TestNet.percentEncode(hash) + "&peer_id=-TT0001-00000000000" + thread
                + "&port=" + (7000 + i % 1000) + "&uploaded=0&downloaded=0&left=0";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }
}

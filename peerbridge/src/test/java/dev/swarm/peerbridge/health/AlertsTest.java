package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AlertsTest {
    @Test
    void alertsArePostedAsJson() throws Exception {
        BlockingQueue<JsonNode> got = new LinkedBlockingQueue<>();
        BlockingQueue<String> types = new LinkedBlockingQueue<>();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/hook", ex -> {
            types.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
            got.add(new ObjectMapper().readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        s.start();
        try (Alerts a = new Alerts(URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/hook"),
                Duration.ofSeconds(2), 10)) {
            a.raise(new Alert("tracker-down", "udp://t:1/announce", 42, "tracker udp://t:1/announce is down", 2.0));
            JsonNode j = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(j);
            assertEquals("POST application/json", types.poll(1, TimeUnit.SECONDS));
            assertEquals("tracker-down", j.path("kind").asText());
            assertEquals("udp://t:1/announce", j.path("subject").asText());
            assertEquals(42, j.path("atMillis").asLong());
            assertEquals(2.0, j.path("value").asDouble());
            assertEquals("tracker-down", a.last(5).get(0).kind());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aHangingReceiverCostsOneTimeoutPerAlertNoRetryAndABoundedQueue() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        s.setExecutor(Executors.newCachedThreadPool());
        s.createContext("/hook", ex -> {
            requests.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS); // never answers in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        s.start();
        try (Alerts a = new Alerts(URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/hook"),
                Duration.ofMillis(300), 2)) {
            for (int i = 0; i < 10; i++) {
                a.raise(new Alert("tracker-down", "u" + i, i, "m", null));
            }
            // the sender took one (in flight), two wait in the queue: at least 7 were dropped at once
            assertTrue(a.dropped() >= 7 && a.dropped() <= 8, "dropped " + a.dropped());
            long deadline = System.currentTimeMillis() + 20_000;
            while (a.failed() < 10 - a.dropped() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(10 - a.dropped(), a.failed(), "each queued alert timed out once");
            assertEquals(a.failed(), requests.get(), "no retry: one request per alert");
            assertEquals(10, a.last(100).size(), "all are logged and kept, sent or not");
        } finally {
            release.countDown();
            s.stop(0);
        }
    }
}

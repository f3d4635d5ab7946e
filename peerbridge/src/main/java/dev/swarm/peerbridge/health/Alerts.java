package dev.swarm.peerbridge.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raises alerts: each is logged, kept among the last {@value #KEPT}, and (with a webhook) POSTed as
 * JSON ({@link Alert}'s fields) by one sender thread. The queue is bounded (a full queue drops the new
 * alert and counts it), each POST has a timeout, and a failed POST is logged and not retried, so a
 * dead receiver costs one timeout per alert and never a storm.
 */
public final class Alerts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    static final int KEPT = 200;

    private final URI webhook;
    private final Duration timeout;
    private final BlockingQueue<Alert> queue;
    private final ArrayDeque<Alert> last = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final Thread sender;
    private volatile boolean closed;

    /** @param webhook where to POST, or null to log only */
    public Alerts(URI webhook, Duration timeout, int queueSize) {
        this.webhook = webhook;
        this.timeout = timeout;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        if (webhook == null) {
            this.http = null;
            this.sender = null;
        } else {
            this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
            this.sender = new Thread(this::send, "pb-alert-webhook");
            sender.setDaemon(true);
            sender.start();
        }
    }

    /** Logs the alert and queues it for the webhook; never blocks. */
    public void raise(Alert a) {
        if (a.kind().endsWith("-up")) {
            LOG.info("alert {}: {}", a.kind(), a.message());
        } else {
            LOG.warn("alert {}: {}", a.kind(), a.message());
        }
        synchronized (last) {
            last.addFirst(a);
            while (last.size() > KEPT) {
                last.removeLast();
            }
        }
        if (webhook != null && !closed && !queue.offer(a)) {
            dropped.incrementAndGet();
            LOG.warn("alert webhook queue full: {} dropped", a.kind());
        }
    }

    /** The last {@code n} alerts, newest first. */
    public List<Alert> last(int n) {
        List<Alert> out = new ArrayList<>();
        synchronized (last) {
            Iterator<Alert> it = last.iterator();
            while (it.hasNext() && out.size() < n) {
                out.add(it.next());
            }
        }
        return out;
    }

    public long dropped() {
        return dropped.get();
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    private void send() {
        while (!closed) {
            Alert a;
            try {
                a = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (a == null) {
                continue;
            }
            try {
                HttpRequest req = HttpRequest.newBuilder(webhook).timeout(timeout)
                        .header("Content-Type", "application/json").header("User-Agent", "peerbridge")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(a))).build();
                HttpResponse<Void> r = http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (r.statusCode() / 100 == 2) {
                    sent.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    LOG.warn("alert webhook answered HTTP {} for {} (not retried)", r.statusCode(), a.kind());
                }
            } catch (InterruptedException e) {
                return;
            } catch (JsonProcessingException | RuntimeException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                failed.incrementAndGet();
                LOG.warn("alert webhook failed for {} (not retried): {}", a.kind(), e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (sender != null) {
            sender.interrupt();
            try {
                sender.join(timeout.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            http.shutdownNow();
        }
    }
}

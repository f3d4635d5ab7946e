package dev.swarm.peerbridge.trackers;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.client.HttpAnnounceClient;
import dev.swarm.protocol.client.TrackerAnnounceResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP(S) announces with the JDK client: no redirects (as newTrackon's check), a whole-request
 * timeout, a bounded response body, and at most {@code maxConcurrent} announces in flight (the
 * rest fail at once with "too many announces in flight").
 */
public final class HttpAnnouncer implements AnnounceClient {
    /** Largest body read: 200 peers6 records are 3.6 KiB; 256 KiB leaves room for dictionary-model replies. */
    public static final int MAX_BODY = 256 * 1024;

    private final HttpClient client;
    private final ExecutorService executor;
    private final Duration timeout;
    private final int maxConcurrent;
    private final AtomicInteger inFlight = new AtomicInteger();

    public HttpAnnouncer(Duration timeout, int maxConcurrent) {
        this.timeout = timeout;
        this.maxConcurrent = maxConcurrent;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pb-http-announce-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                .executor(executor).build();
    }

    @Override
    public CompletableFuture<AnnounceResult> announce(String url, AnnounceRequest r) {
        long start = System.nanoTime();
        if (inFlight.incrementAndGet() > maxConcurrent) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(failure("too many announces in flight", start));
        }
        HttpRequest request;
        try {
            String query = HttpAnnounceClient.buildQuery(r.infoHash(), r.peerId(), r.port(), 0, 0, r.left(), r.event(),
                    r.numWant(), Integer.toHexString(r.key()));
            request = HttpRequest.newBuilder(URI.create(HttpAnnounceClient.appendQuery(url, query))).timeout(timeout)
                    .header("User-Agent", "peerbridge").GET().build();
        } catch (IllegalArgumentException e) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(failure("bad request: " + e.getMessage(), start));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(resp -> interpret(resp, start))
                .exceptionally(e -> failure(describe(e), start))
                .completeOnTimeout(failure("timeout after " + timeout.toMillis() + " ms", start),
                        timeout.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS)
                .whenComplete((res, e) -> inFlight.decrementAndGet());
    }

    private AnnounceResult interpret(HttpResponse<InputStream> resp, long start) {
        try (InputStream in = resp.body()) {
            if (resp.statusCode() != 200) {
                return failure("HTTP status " + resp.statusCode(), start);
            }
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                return failure("response body over " + MAX_BODY + " bytes", start);
            }
            TrackerAnnounceResponse t = HttpAnnounceClient.parseResponse(body);
            if (t.failed()) {
                Duration retry = Duration.ofSeconds(t.minInterval() == null ? 0 : t.minInterval());
                return new AnnounceResult.Failure("failure reason: " + t.failureReason(), retry, since(start));
            }
            return new AnnounceResult.Success(t.peers(), t.interval() == null ? 1800 : t.interval(),
                    t.minInterval() == null ? 0 : t.minInterval(),
                    t.complete() == null ? 0 : t.complete(), t.incomplete() == null ? 0 : t.incomplete(), since(start));
        } catch (ProtocolException e) {
            return failure("invalid response: " + e.getMessage(), start);
        } catch (IOException e) {
            return failure("reading response: " + e.getMessage(), start);
        }
    }

    private static String describe(Throwable e) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    private static AnnounceResult.Failure failure(String reason, long start) {
        return new AnnounceResult.Failure(reason, Duration.ZERO, since(start));
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}

package dev.swarm.peerbridge.trackers;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.client.HttpAnnounceClient;
import dev.swarm.protocol.client.TrackerAnnounceResponse;

import dev.swarm.peerbridge.net.AddressFilter;
import dev.swarm.peerbridge.net.Resolver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
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
 * HTTP(S) announces with the JDK client: no redirects (as newTrackon's check), one deadline for the
 * whole exchange (connect, headers and body: a tracker trickling its body is cut off at the deadline,
 * the exchange cancelled and its connection closed), a response body bounded in size and read
 * without blocking a thread, and at most {@code maxConcurrent} announces in flight (the rest fail at
 * once with "too many announces in flight"). A learned URL ({@link AnnounceRequest#learned()}) is
 * first resolved on the {@link Resolver} and refused when the {@link AddressFilter} refuses one of
 * its addresses; the JDK client then connects through the same (cached) lookup.
 */
public final class HttpAnnouncer implements AnnounceClient {
    /** Largest body read: 200 peers6 records are 3.6 KiB; 256 KiB leaves room for dictionary-model replies. */
    public static final int MAX_BODY = 256 * 1024;

    private final HttpClient client;
    private final ExecutorService executor;
    private final Duration timeout;
    private final int maxConcurrent;
    private final Resolver resolver;
    private final boolean ownResolver;
    private final AddressFilter filter;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Trusting every address (tests of the plain client). */
    public HttpAnnouncer(Duration timeout, int maxConcurrent) {
        this(timeout, maxConcurrent, null, AddressFilter.ALLOW_ALL);
    }

    /**
     * @param resolver resolves learned hosts before they are checked (null: a private standard one)
     * @param filter   what learned URLs may resolve to
     */
    public HttpAnnouncer(Duration timeout, int maxConcurrent, Resolver resolver, AddressFilter filter) {
        this.timeout = timeout;
        this.maxConcurrent = maxConcurrent;
        this.ownResolver = resolver == null;
        this.resolver = resolver == null ? Resolver.standard() : resolver;
        this.filter = filter;
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
        CompletableFuture<String> allowed = !r.learned() || filter.allowsPrivate() ? CompletableFuture.completedFuture(null)
                : resolver.resolve(request.uri().getHost()).thenApply(filter::refusal);
        CompletableFuture<AnnounceResult> result = new CompletableFuture<>();
        allowed.whenComplete((refused, e) -> {
            if (e != null) {
                result.complete(failure(describe(e), start));
            } else if (refused != null) {
                result.complete(failure("refused: " + refused + " (tex.allow-private-addresses is false)", start));
            } else {
                send(request, start, result);
            }
        });
        return result.whenComplete((res, e) -> inFlight.decrementAndGet());
    }

    private void send(HttpRequest request, long start, CompletableFuture<AnnounceResult> result) {
        long left = timeout.toNanos() - (System.nanoTime() - start);
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, BoundedBody::new);
        // One deadline for everything: cancelling the exchange closes its connection, so a body trickled
        // byte by byte ends here instead of holding the request open.
        CompletableFuture.delayedExecutor(Math.max(0, left), TimeUnit.NANOSECONDS).execute(() -> {
            if (!exchange.isDone()) {
                result.complete(failure("timeout after " + timeout.toMillis() + " ms", start));
                exchange.cancel(true);
            }
        });
        exchange.whenComplete((resp, e) -> result.complete(e != null ? failure(describe(e), start) : interpret(resp, start)));
    }

    /**
     * Collects a body of at most {@link #MAX_BODY} bytes without blocking: a non-200 status discards the
     * body; a longer body cancels the exchange and fails it.
     */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final boolean wanted;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedBody(HttpResponse.ResponseInfo info) {
            this.wanted = info.statusCode() == 200;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (wanted) {
                s.request(Long.MAX_VALUE);
            } else {
                s.cancel();
                body.complete(new byte[0]);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > MAX_BODY) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("response body over " + MAX_BODY + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }
    }

    private AnnounceResult interpret(HttpResponse<byte[]> resp, long start) {
        if (resp.statusCode() != 200) {
            return failure("HTTP status " + resp.statusCode(), start);
        }
        try {
            TrackerAnnounceResponse t = HttpAnnounceClient.parseResponse(resp.body());
            if (t.failed()) {
                Duration retry = Duration.ofSeconds(t.minInterval() == null ? 0 : t.minInterval());
                return new AnnounceResult.Failure("failure reason: " + t.failureReason(), retry, since(start));
            }
            return new AnnounceResult.Success(t.peers(), t.interval() == null ? 1800 : t.interval(),
                    t.minInterval() == null ? 0 : t.minInterval(),
                    t.complete() == null ? 0 : t.complete(), t.incomplete() == null ? 0 : t.incomplete(), since(start));
        } catch (ProtocolException e) {
            return failure("invalid response: " + e.getMessage(), start);
        }
    }

    private static String describe(Throwable e) {
        Throwable c = e;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof java.util.concurrent.CancellationException) {
            return "cancelled";
        }
        if (c instanceof java.net.UnknownHostException || c instanceof IOException && c.getMessage() != null
                && c.getMessage().startsWith("response body over")) {
            return c.getMessage();
        }
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
        if (ownResolver) {
            resolver.close();
        }
    }
}

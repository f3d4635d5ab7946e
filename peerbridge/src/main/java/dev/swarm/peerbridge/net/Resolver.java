package dev.swarm.peerbridge.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host name resolution off every event-loop and timer thread: a small bounded pool ({@code pb-dns-N}
 * threads, a bounded queue) runs the blocking JDK lookups, and every lookup fails after a time bound,
 * so a slow or hostile resolver can delay only the requests that need it, never a UDP timeout or the
 * peer loop. A full queue fails the lookup at once ("resolver busy"). The JDK's address cache
 * ({@code networkaddress.cache.ttl}, 30 s by default) means a request made right after a lookup
 * connects to the addresses that lookup returned.
 */
public final class Resolver implements AutoCloseable {
    /** A blocking name lookup (the JDK's by default). */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private final ThreadPoolExecutor pool;
    private final Duration timeout;
    private final Lookup lookup;

    /**
     * @param threads  lookups run at once
     * @param queue    lookups waiting; more fail at once
     * @param timeout  a lookup fails after this long
     */
    public Resolver(int threads, int queue, Duration timeout) {
        this(threads, queue, timeout, InetAddress::getAllByName);
    }

    /** With another lookup (e.g. one that is slow, to show it holds nothing else up). */
    public Resolver(int threads, int queue, Duration timeout, Lookup lookup) {
        this.lookup = lookup;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "pb-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
        this.timeout = timeout;
    }

    /** The default pool: 2 threads, 64 waiting, 5 s per lookup. */
    public static Resolver standard() {
        return new Resolver(2, 64, Duration.ofSeconds(5));
    }

    /**
     * Resolves {@code host} (a literal is parsed without a lookup). Completes exceptionally with an
     * {@link UnknownHostException} whose message says what went wrong (unknown host, timeout, busy).
     */
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        if (isLiteral(host)) { // parsed, not looked up: never waits for the pool
            try {
                return CompletableFuture.completedFuture(List.of(InetAddress.getByName(host)));
            } catch (UnknownHostException | RuntimeException e) {
                return CompletableFuture.failedFuture(new UnknownHostException("bad address " + host));
            }
        }
        CompletableFuture<List<InetAddress>> f = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    f.complete(List.of(lookup.lookup(host)));
                } catch (UnknownHostException e) {
                    f.completeExceptionally(new UnknownHostException("unknown host " + host));
                } catch (RuntimeException e) {
                    f.completeExceptionally(new UnknownHostException("cannot resolve " + host + ": " + e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new UnknownHostException("resolver busy: " + host + " not looked up"));
            return f;
        }
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (c instanceof TimeoutException) {
                return CompletableFuture.failedFuture(
                        new UnknownHostException("resolving " + host + " took longer than " + timeout.toMillis() + " ms"));
            }
            return CompletableFuture.failedFuture(c);
        });
    }

    /** A dotted IPv4 or an IPv6 literal (bracketed or not). */
    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        return !host.isEmpty() && host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))
                && host.split("\\.", -1).length == 4;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

package dev.swarm.peerbridge.health;

import dev.swarm.peerbridge.net.AddressFilter;
import dev.swarm.peerbridge.net.Resolver;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.client.HttpAnnounceClient;
import dev.swarm.protocol.client.TrackerAnnounceResponse;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.ConnectResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.Udp;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Probes trackers over the network, apart from the announcer (own sockets, own threads, so a slow
 * tracker delays neither announces nor the event loop):
 * <ul>
 * <li>UDP: BEP 15 connect, then a scrape of the bridge's torrents (seeders, leechers, downloads);
 *     the host is resolved on the probe's thread and each address family it has is probed on its own
 *     (first address of the family), reported separately;</li>
 * <li>HTTP(S): the BEP 48 scrape URL with the bridge's info-hashes; where the URL has no scrape form,
 *     an announce with {@code event=stopped}, {@code numwant=0} and a probe-only peer id (so the probe
 *     never registers a peer nor removes the bridge's own registration). The JDK client resolves the
 *     name, so an HTTP tracker is reported as one family ({@code ipv4}/{@code ipv6} for an address
 *     literal or a single-family name, else {@code any}).</li>
 * </ul>
 * Host names are resolved with the bridge's {@link Resolver} (bounded pool, time bound); a URL learned
 * from a peer whose addresses the {@link AddressFilter} refuses (loopback, private, ... unless
 * {@code tex.allow-private-addresses}) is not contacted at all: the probe fails with the reason.
 * Each attempt is bounded by the probe timeout (HTTP: headers and body, and the body by size); a
 * failed attempt is retried once at once, and only then the probe counts as failed. Probes run on
 * virtual threads, at most {@value #MAX_IN_FLIGHT} at once.
 */
public final class NetProbeClient implements ProbeClient {
    static final int MAX_IN_FLIGHT = 64;
    static final int MAX_BODY = 256 * 1024;

    private final Duration timeout;
    private final LongSupplier clock;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pb-probe-", 0).factory());
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    private final byte[] probePeerId = new byte[20];
    private final Resolver resolver;
    private final AddressFilter filter;
    private final boolean ownResolver;

    /** With its own standard resolver and every address allowed (tests with the trackers of their config). */
    public NetProbeClient(Duration timeout, LongSupplier clock) {
        this(timeout, clock, null, AddressFilter.ALLOW_ALL);
    }

    /**
     * @param resolver the bridge's resolver (not closed here), or null for a private standard one
     * @param filter   what the addresses of learned URLs may be
     */
    public NetProbeClient(Duration timeout, LongSupplier clock, Resolver resolver, AddressFilter filter) {
        this.timeout = timeout;
        this.clock = clock;
        this.ownResolver = resolver == null;
        this.resolver = resolver == null ? Resolver.standard() : resolver;
        this.filter = filter;
        byte[] prefix = "-PBPROBE-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        random.nextBytes(probePeerId);
        System.arraycopy(prefix, 0, probePeerId, 0, prefix.length);
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                .executor(executor).build();
    }

    @Override
    public CompletableFuture<List<ProbeResult>> probe(String url, List<byte[]> infoHashes, boolean learned) {
        List<byte[]> hashes = infoHashes.size() > Udp.MAX_SCRAPE_HASHES
                ? infoHashes.subList(0, Udp.MAX_SCRAPE_HASHES) : List.copyOf(infoHashes);
        if (!slots.tryAcquire()) {
            return CompletableFuture.completedFuture(List.of(failure(url, "any", kindOf(url), 0, "too many probes in flight", hashes)));
        }
        CompletableFuture<List<ProbeResult>> out = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    out.complete(run(url, hashes, learned));
                } catch (RuntimeException e) {
                    out.complete(List.of(failure(url, "any", kindOf(url), 0, "probe failed: " + e, hashes)));
                } finally {
                    slots.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            slots.release();
            out.complete(List.of(failure(url, "any", kindOf(url), 0, "prober closed", hashes)));
        }
        return out;
    }

    private static String kindOf(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("udp:") ? ProbeResult.Kind.UDP_CONNECT.text()
                : Scrape.scrapeUrl(url) != null ? ProbeResult.Kind.HTTP_SCRAPE.text()
                        : ProbeResult.Kind.HTTP_ANNOUNCE.text();
    }

    private List<ProbeResult> run(String url, List<byte[]> hashes, boolean learned) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return List.of(failure(url, "any", kindOf(url), 0, "bad URL: " + e.getMessage(), hashes));
        }
        String host = uri.getHost();
        if (host == null) {
            return List.of(failure(url, "any", kindOf(url), 0, "URL has no host", hashes));
        }
        InetAddress[] all;
        long start = System.nanoTime();
        try {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            all = resolver.resolve(h).get().toArray(new InetAddress[0]);
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof UnknownHostException u ? u.getMessage() : "cannot resolve " + host;
            return List.of(failure(url, "any", kindOf(url), millisSince(start), why, hashes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(failure(url, "any", kindOf(url), millisSince(start), "interrupted", hashes));
        }
        if (learned) {
            String refused = filter.refusal(Arrays.asList(all));
            if (refused != null) {
                return List.of(failure(url, "any", kindOf(url), millisSince(start), "not contacted: " + refused, hashes));
            }
        }
        InetAddress v4 = Arrays.stream(all).filter(a -> a instanceof Inet4Address).findFirst().orElse(null);
        InetAddress v6 = Arrays.stream(all).filter(a -> a instanceof Inet6Address).findFirst().orElse(null);
        boolean udp = "udp".equalsIgnoreCase(uri.getScheme());
        List<ProbeResult> out = new ArrayList<>();
        if (udp) {
            if (uri.getPort() < 1) {
                return List.of(failure(url, "any", kindOf(url), 0, "UDP tracker URL needs a port", hashes));
            }
            for (InetAddress a : new InetAddress[] {v4, v6}) {
                if (a != null) {
                    String fam = a instanceof Inet4Address ? "ipv4" : "ipv6";
                    ProbeResult r = udpProbe(url, fam, new InetSocketAddress(a, uri.getPort()), hashes);
                    if (!r.ok()) {
                        r = udpProbe(url, fam, new InetSocketAddress(a, uri.getPort()), hashes);
                    }
                    out.add(r);
                }
            }
        } else {
            String fam = v4 != null && v6 != null ? "any" : v4 != null ? "ipv4" : "ipv6";
            ProbeResult r = httpProbe(url, fam, hashes);
            if (!r.ok()) {
                r = httpProbe(url, fam, hashes);
            }
            out.add(r);
        }
        return out;
    }

    private ProbeResult udpProbe(String url, String family, InetSocketAddress target, List<byte[]> hashes) {
        String kind = ProbeResult.Kind.UDP_CONNECT.text();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(
                target.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0))) {
            s.connect(target);
            int tx = random.nextInt();
            ByteBuffer out = ByteBuffer.allocate(16);
            UdpClientCodec.writeConnectRequest(out, tx);
            UdpResponse first = exchange(s, out, tx, deadline, false);
            if (first instanceof ErrorResponse e) {
                return failure(url, family, kind, millisSince(start), "tracker error: " + e.message(), hashes);
            }
            if (!(first instanceof ConnectResponse c)) {
                return failure(url, family, kind, millisSince(start), "unexpected reply to connect", hashes);
            }
            long latency = millisSince(start);
            Long seeders = null;
            Long leechers = null;
            Long downloads = null;
            if (!hashes.isEmpty()) {
                int tx2 = random.nextInt();
                ByteBuffer scrape = ByteBuffer.allocate(16 + 20 * hashes.size());
                UdpClientCodec.writeScrapeRequest(scrape, c.connectionId(), tx2, hashes.toArray(new byte[0][]));
                try {
                    UdpResponse r = exchange(s, scrape, tx2, deadline, target.getAddress() instanceof Inet6Address);
                    if (r instanceof ScrapeResponse sr) {
                        long se = 0;
                        long le = 0;
                        long dl = 0;
                        for (int i = 0; i < sr.seeders().length; i++) {
                            se += Integer.toUnsignedLong(sr.seeders()[i]);
                            le += Integer.toUnsignedLong(sr.leechers()[i]);
                            dl += Integer.toUnsignedLong(sr.completed()[i]);
                        }
                        seeders = se;
                        leechers = le;
                        downloads = dl;
                    }
                } catch (SocketTimeoutException e) {
                    // the tracker answered connect: it is up; it just gave no figures
                }
            }
            return new ProbeResult(url, family, clock.getAsLong(), kind, true, latency, seeders, leechers, downloads,
                    null, null, torrent(hashes));
        } catch (PortUnreachableException e) {
            return failure(url, family, kind, millisSince(start), "port unreachable", hashes);
        } catch (SocketTimeoutException e) {
            return failure(url, family, kind, millisSince(start), "timeout after " + timeout.toMillis() + " ms", hashes);
        } catch (IOException e) {
            return failure(url, family, kind, millisSince(start), "network: " + e.getMessage(), hashes);
        }
    }

    /** Sends and waits for the reply to {@code tx} (other datagrams are ignored) until the deadline. */
    private static UdpResponse exchange(DatagramSocket s, ByteBuffer request, int tx, long deadline, boolean v6)
            throws IOException {
        request.flip();
        byte[] req = Arrays.copyOf(request.array(), request.limit());
        s.send(new DatagramPacket(req, req.length));
        byte[] buf = new byte[2048];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("deadline");
            }
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, left)));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            ByteBuffer in = ByteBuffer.wrap(p.getData(), 0, p.getLength());
            if (in.remaining() < 8 || in.getInt(4) != tx) {
                continue;
            }
            try {
                return UdpClientCodec.decodeResponse(in, v6);
            } catch (ProtocolException e) {
                throw new IOException("invalid reply: " + e.getMessage());
            }
        }
    }

    private ProbeResult httpProbe(String url, String family, List<byte[]> hashes) {
        String scrapeUrl = Scrape.scrapeUrl(url);
        long start = System.nanoTime();
        String kind = scrapeUrl != null ? ProbeResult.Kind.HTTP_SCRAPE.text() : ProbeResult.Kind.HTTP_ANNOUNCE.text();
        List<byte[]> named = hashes.isEmpty() ? List.of(new byte[20]) : hashes;
        String target;
        try {
            target = scrapeUrl != null ? HttpAnnounceClient.appendQuery(scrapeUrl, Scrape.query(named))
                    : HttpAnnounceClient.appendQuery(url, HttpAnnounceClient.buildQuery(named.get(0), probePeerId, 1, 0,
                            0, 0, AnnounceEvent.STOPPED, 0, null));
        } catch (IllegalArgumentException e) {
            return failure(url, family, kind, 0, "bad URL: " + e.getMessage(), hashes);
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target)).timeout(timeout).header("User-Agent", "peerbridge")
                    .GET().build();
        } catch (IllegalArgumentException e) {
            return failure(url, family, kind, 0, "bad URL: " + e.getMessage(), hashes);
        }
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(request, info -> new BoundedBody());
        HttpResponse<byte[]> resp;
        try {
            resp = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return failure(url, family, kind, millisSince(start), "timeout after " + timeout.toMillis() + " ms", hashes);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            return failure(url, family, kind, millisSince(start),
                    c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage()), hashes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return failure(url, family, kind, millisSince(start), "interrupted", hashes);
        }
        long latency = millisSince(start);
        if (resp.statusCode() != 200) {
            return failure(url, family, kind, latency, "HTTP status " + resp.statusCode(), hashes);
        }
        try {
            if (scrapeUrl != null) {
                Scrape.Figures s = Scrape.parse(resp.body(), named);
                boolean real = !hashes.isEmpty();
                return new ProbeResult(url, family, clock.getAsLong(), kind, true, latency, real ? s.seeders() : null,
                        real ? s.leechers() : null, real ? s.downloads() : null, null, null, torrent(hashes));
            }
            TrackerAnnounceResponse a = HttpAnnounceClient.parseResponse(resp.body());
            if (a.failed()) {
                return failure(url, family, kind, latency, "failure reason: " + a.failureReason(), hashes);
            }
            return new ProbeResult(url, family, clock.getAsLong(), kind, true, latency,
                    a.complete(), a.incomplete(),
                    null, null, null, torrent(hashes));
        } catch (ProtocolException e) {
            return failure(url, family, kind, latency, "invalid response: " + e.getMessage(), hashes);
        }
    }

    /** Collects a response body up to {@link #MAX_BODY} bytes; beyond it the exchange is cancelled. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (bytes.size() + b.remaining() > MAX_BODY) {
                    subscription.cancel();
                    done.completeExceptionally(new IOException("response body over " + MAX_BODY + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return done;
        }
    }

    private static String torrent(List<byte[]> hashes) {
        return hashes.size() == 1 ? dev.swarm.protocol.Hex.encode(hashes.get(0)) : null;
    }

    private ProbeResult failure(String url, String family, String kind, long latency, String error, List<byte[]> hashes) {
        return new ProbeResult(url, family, clock.getAsLong(), kind, false, latency, null, null, null, null, error,
                torrent(hashes));
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        http.shutdownNow();
        executor.shutdownNow();
        if (ownResolver) {
            resolver.close();
        }
    }
}

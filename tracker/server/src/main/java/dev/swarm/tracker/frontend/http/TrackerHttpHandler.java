package dev.swarm.tracker.frontend.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.IpText;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.http.AnnounceRequest;
import dev.swarm.protocol.http.HttpQueryParser;
import dev.swarm.protocol.http.HttpResponses;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.frontend.PeerAddresses;
import dev.swarm.tracker.frontend.RequestLog;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.Family;
import dev.swarm.tracker.swarm.PeerSample;
import dev.swarm.tracker.swarm.ScrapeHolder;
import dev.swarm.tracker.swarm.StoreStats;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes and answers HTTP requests on the I/O thread. Bencoded answers are always status 200, as clients expect. */
final class TrackerHttpHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerHttpHandler.class);
    private static final String TEXT = "text/plain";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest bencoded reply: max-numwant peers in the dictionary model is about 60 bytes a peer. */
    private static final int MAX_RESPONSE = 1 << 20;
    private static final HttpString X_REAL_IP = new HttpString("X-Real-IP");
    private static final HttpString X_FORWARDED_FOR = new HttpString("X-Forwarded-For");

    private final TrackerLogic logic;
    private final Metrics metrics;
    private final boolean exposeMetrics;
    private final boolean trustAnnouncedIp;
    private final boolean reportExternalIp;
    private final int maxScrapeHashes;
    private final int maxNumWant;
    private final Metrics.Counter announces;
    private final Metrics.Counter scrapes;
    private final Metrics.Counter failures;
    private final Metrics.Counter badForwarded;
    private final ForwardedAddress forwarded;
    private final ThreadLocal<Scratch> scratch;
    private final FullScrape fullScrape;
    private final StatusPage statusPage;
    private final RequestLog requestLog;
    private final Metrics.Latency announceLatency;
    private final Metrics.Latency scrapeLatency;
    private final NodeStatus node;

    /** Per I/O thread reusable state. */
    private static final class Scratch {
        final AnnounceContext ctx = new AnnounceContext();
        final PeerSample sample;
        final ScrapeHolder counts = new ScrapeHolder();
        final ByteSink out = new ByteSink(MAX_RESPONSE);
        /** The failure reason sent for the current request, or null; for the request log. */
        String failure;

        Scratch(int maxPeers) {
            sample = new PeerSample(maxPeers);
            ctx.transport = AnnounceContext.Transport.HTTP;
            ctx.transportPeerCap = Integer.MAX_VALUE;
        }
    }

    TrackerHttpHandler(TrackerConfig cfg, TrackerLogic logic, Metrics metrics) {
        this(cfg, logic, metrics, NodeStatus.ALONE);
    }

    TrackerHttpHandler(TrackerConfig cfg, TrackerLogic logic, Metrics metrics, NodeStatus node) {
        this.node = node;
        this.logic = logic;
        this.metrics = metrics;
        this.exposeMetrics = cfg.http().exposeMetrics();
        this.trustAnnouncedIp = cfg.announce().trustAnnouncedIp();
        this.reportExternalIp = cfg.announce().reportExternalIp();
        this.maxScrapeHashes = cfg.scrape().maxHashes();
        this.maxNumWant = cfg.announce().maxNumwant();
        this.announces = metrics.counter("http.announce");
        this.scrapes = metrics.counter("http.scrape");
        this.failures = metrics.counter("http.failure_sent");
        this.badForwarded = metrics.counter("http.bad_forwarded_header");
        this.forwarded = new ForwardedAddress(cfg.proxy().trusted());
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(maxNumWant));
        this.fullScrape = new FullScrape(cfg, logic, metrics);
        this.statusPage = new StatusPage(cfg, logic, metrics);
        this.requestLog = new RequestLog(cfg.requestLog());
        this.announceLatency = metrics.requestLatency("http", "announce");
        this.scrapeLatency = metrics.requestLatency("http", "scrape");
    }

    /** Samples what the status page shows over time; the frontend calls it every few seconds. */
    void tick() {
        statusPage.tick();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            LOG.error("unexpected error on {} {}", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            if (!exchange.isResponseStarted()) {
                exchange.setStatusCode(500);
                exchange.getResponseSender().send("internal error");
            }
        }
    }

    private void route(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        if (!Methods.GET.equals(exchange.getRequestMethod()) && !Methods.HEAD.equals(exchange.getRequestMethod())) {
            plain(exchange, 405, "only GET");
            return;
        }
        if (path.equals("/announce") || path.startsWith("/announce/")) {
            timedAnnounce(exchange, path.length() > 10 ? path.substring(10) : "");
        } else if (path.equals("/scrape") || path.startsWith("/scrape/")) {
            timedScrape(exchange, path.length() > 8 ? path.substring(8) : "");
        } else if (exposeMetrics && path.equals("/metrics")) {
            prometheus(exchange);
        } else if (exposeMetrics && path.equals("/stats")) {
            stats(exchange);
        } else if (path.equals("/health")) {
            health(exchange);
        } else if (exposeMetrics && path.equals("/")) {
            exchange.dispatch(() -> statusPage(exchange)); // may walk the store: not on the I/O thread
        } else {
            plain(exchange, 404, "not found: the tracker serves /announce and /scrape");
        }
    }

    /** {@link #announce}, timed into the latency histogram and written to the request log when that is on. */
    private void timedAnnounce(HttpServerExchange exchange, String passkeyPath) {
        long t0 = System.nanoTime();
        Scratch s = scratch.get();
        s.failure = null;
        s.ctx.op.event = null; // set once the request has been understood
        announce(exchange, passkeyPath);
        long nanos = System.nanoTime() - t0;
        announceLatency.recordNanos(nanos);
        if (requestLog.sampled()) {
            AnnounceContext c = s.ctx;
            if (c.op.event == null) {
                requestLog.other("http", clientAddress(exchange), "announce", "failure \"" + s.failure + "\"", nanos);
            } else {
                requestLog.announce("http", c.clientAddress, c.op.infoHash, c.op.event, c.left, c.requestedNumWant,
                        s.failure, s.failure == null ? s.sample.count() : 0, nanos);
            }
        }
    }

    /** {@link #scrape}, timed (not a full scrape, which is streamed later) and logged as {@link #timedAnnounce}. */
    private void timedScrape(HttpServerExchange exchange, String passkeyPath) {
        long t0 = System.nanoTime();
        Scratch s = scratch.get();
        s.failure = null;
        scrape(exchange, passkeyPath);
        long nanos = System.nanoTime() - t0;
        if (!exchange.isDispatched()) {
            scrapeLatency.recordNanos(nanos);
        }
        if (requestLog.sampled()) {
            String q = exchange.getQueryString();
            int hashes = 0;
            for (int i = q.indexOf("info_hash="); i >= 0; i = q.indexOf("info_hash=", i + 1)) {
                hashes++;
            }
            requestLog.scrape("http", clientAddress(exchange), hashes, s.failure, nanos);
        }
    }

    /** The client's address: the connection's, or the one a trusted proxy forwarded; null for a bad header. */
    private byte[] clientAddress(HttpServerExchange exchange) {
        byte[] source = PeerAddresses.canonical(exchange.getSourceAddress().getAddress());
        if (!forwarded.enabled()) {
            return source;
        }
        HeaderValues xff = exchange.getRequestHeaders().get(X_FORWARDED_FOR);
        return forwarded.resolve(source, exchange.getRequestHeaders().getFirst(X_REAL_IP),
                xff == null ? null : String.join(",", xff));
    }

    private static byte[] queryBytes(HttpServerExchange exchange) {
        return exchange.getQueryString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void announce(HttpServerExchange exchange, String passkeyPath) {
        Scratch s = scratch.get();
        ByteSink out = s.out;
        out.reset();
        byte[] q = queryBytes(exchange);
        AnnounceRequest r;
        try {
            r = HttpQueryParser.parseAnnounce(q, 0, q.length);
        } catch (ProtocolException e) {
            fail(exchange, out, e.getMessage());
            return;
        }
        announces.inc();
        byte[] client = clientAddress(exchange);
        if (client == null) {
            badForwarded.inc();
            fail(exchange, out, "the proxy sent an X-Real-IP or X-Forwarded-For header that is not an address");
            return;
        }
        byte[] address = client;
        if (trustAnnouncedIp && r.ip() != null) {
            byte[] announced = literalAddress(r.ip());
            if (announced == null) {
                fail(exchange, out, "invalid ip parameter: not an IP address literal");
                return;
            }
            address = announced;
        }
        AnnounceContext c = s.ctx;
        System.arraycopy(r.infoHash(), 0, c.op.infoHash, 0, 20);
        System.arraycopy(r.peerId(), 0, c.peerId, 0, 20);
        PeerAddresses.fill(c.op, address, r.port());
        c.op.event = r.event();
        c.uploaded = r.uploaded();
        c.downloaded = r.downloaded();
        c.left = r.left();
        c.requestedNumWant = r.numWant();
        c.path = passkeyPath;
        c.clientAddress = client;
        String failure = logic.announce(c, s.sample);
        if (failure != null) {
            fail(exchange, out, failure);
            return;
        }
        PeerSample p = s.sample;
        boolean v4 = c.op.family == Family.V4;
        byte[] external = reportExternalIp ? client : null;
        HttpResponses.announce(out, logic.intervalSeconds(), logic.minIntervalSeconds(), p.seeders(), p.leechers(),
                v4 ? p.peers() : null, v4 ? p.bytes() : 0, v4 ? null : p.peers(), v4 ? 0 : p.bytes(),
                external, null, r.compact());
        send(exchange, out);
    }

    private void scrape(HttpServerExchange exchange, String passkeyPath) {
        Scratch s = scratch.get();
        ByteSink out = s.out;
        out.reset();
        String refused = logic.checkScrape(AnnounceContext.Transport.HTTP, passkeyPath, clientAddress(exchange));
        if (refused != null) {
            fail(exchange, out, refused);
            return;
        }
        byte[] q = queryBytes(exchange);
        java.util.List<byte[]> hashes;
        try {
            hashes = HttpQueryParser.parseScrape(q, 0, q.length, maxScrapeHashes);
        } catch (ProtocolException e) {
            fail(exchange, out, e.getMessage());
            return;
        }
        if (hashes.isEmpty()) {
            byte[] client = clientAddress(exchange);
            if (client == null) {
                badForwarded.inc();
                fail(exchange, out, "the proxy sent an X-Real-IP or X-Forwarded-For header that is not an address");
                return;
            }
            try {
                fullScrape.handle(exchange, client, reason -> fail(exchange, out, reason));
            } catch (Exception e) {
                throw new IllegalStateException("full scrape", e);
            }
            return;
        }
        scrapes.inc();
        byte[][] hs = new byte[hashes.size()][];
        long[] complete = new long[hs.length];
        long[] downloaded = new long[hs.length];
        long[] incomplete = new long[hs.length];
        int n = 0;
        for (byte[] h : hashes) {
            if (!logic.scrape(h, 0, s.counts)) {
                continue; // hidden by a scrape policy: left out of "files"
            }
            hs[n] = h;
            complete[n] = s.counts.seeders();
            downloaded[n] = s.counts.downloaded();
            incomplete[n] = s.counts.leechers();
            n++;
        }
        HttpResponses.scrape(out, hs, complete, downloaded, incomplete, n);
        send(exchange, out);
    }

    private void fail(HttpServerExchange exchange, ByteSink out, String reason) {
        failures.inc();
        scratch.get().failure = reason;
        out.reset();
        HttpResponses.failure(out, reason);
        send(exchange, out);
    }

    private static void send(HttpServerExchange exchange, ByteSink out) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT);
        exchange.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
    }

    private static void plain(HttpServerExchange exchange, int status, String text) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(text + "\n");
    }

    private void statusPage(HttpServerExchange exchange) {
        try {
            statusPage.send(exchange);
        } catch (RuntimeException e) {
            LOG.error("status page failed", e);
            if (!exchange.isResponseStarted()) {
                plain(exchange, 500, "internal error");
            }
        }
    }

    private void prometheus(HttpServerExchange exchange) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(16 * 1024);
        try {
            metrics.writePrometheus(buf);
        } catch (IOException e) {
            plain(exchange, 500, "metrics unavailable: " + e.getMessage());
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        exchange.getResponseSender().send(ByteBuffer.wrap(buf.toByteArray()));
    }

    private void stats(HttpServerExchange exchange) {
        StoreStats st = logic.stats();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("swarms", st.swarms());
        doc.put("peers", st.peers());
        doc.put("seeders", st.seeders());
        doc.put("leechers", st.leechers());
        Map<String, Object> rates = new LinkedHashMap<>();
        for (Metrics.Rate r : metrics.snapshot()) {
            rates.put(r.name(), Map.of("count", r.count(), "per_second_1m", Math.round(r.oneMinuteRate() * 100) / 100.0));
        }
        doc.put("requests", rates);
        Object cluster = node.stats();
        if (cluster != null) {
            doc.put("cluster", cluster);
        }
        try {
            byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        } catch (IOException e) {
            plain(exchange, 500, "stats unavailable: " + e.getMessage());
        }
    }

    /**
     * For load balancers: 200 when this node should get clients, 503 when not (a cluster node that has not caught up
     * yet); the JSON body says which, with the cluster state when there is one. Served whatever
     * {@code http.expose-metrics} says: it names no torrent.
     */
    private void health(HttpServerExchange exchange) {
        boolean healthy = node.healthy();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", healthy ? "ok" : "catching up");
        Object cluster = node.stats();
        if (cluster != null) {
            doc.put("cluster", cluster);
        }
        try {
            byte[] body = JSON.writeValueAsBytes(doc);
            exchange.setStatusCode(healthy ? 200 : 503);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        } catch (IOException e) {
            plain(exchange, 500, "health unavailable: " + e.getMessage());
        }
    }

    /**
     * Parses an IPv4 or IPv6 literal with {@link IpText}, which never asks the resolver (a name lookup here would
     * stall every client of this I/O thread); IPv4-mapped addresses become IPv4. Null when it is not a literal.
     */
    static byte[] literalAddress(String text) {
        byte[] raw = IpText.parse(text);
        return raw == null ? null : PeerAddresses.canonical(raw);
    }
}

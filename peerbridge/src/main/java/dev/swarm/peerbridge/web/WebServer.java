package dev.swarm.peerbridge.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.Bridge.TorrentSnapshot;
import dev.swarm.peerbridge.torrent.MagnetLink;
import dev.swarm.peerbridge.torrent.TorrentInputException;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.protocol.InfoHash;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The bridge's web address (the one {@code --api} sets), on Undertow: the JSON API ({@code /api/status},
 * {@code /api/ranking}, {@code /api/health}, {@code /api/trackers}, {@code /api/dashboard}, {@code POST
 * /api/torrents}, {@code DELETE /api/torrents/{hash}}), the dashboard ({@code /} and {@code /assets/...}, uPlot from its WebJar), the published lists
 * ({@code /trackers.txt}, {@code /torrents/{hash}/magnet}, {@code /torrents/{hash}.torrent}) and {@code /metrics}
 * (Prometheus text). Requests are answered on a few worker threads; bad requests get a 4xx with a JSON error (a
 * one-line text reason for the text lists).
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Where the uPlot WebJar keeps its files; served under {@code /assets/uplot/}. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist";
    private static final String STATIC = "dev/swarm/peerbridge/web/static";
    /** Bound on a request body ({@code POST /api/torrents}). */
    static final int MAX_BODY = 64 * 1024;
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "connect-src 'self'; script-src 'self'; frame-ancestors 'none'";

    /**
     * @param defaultSpan the span of the dashboard's charts when the page does not ask ({@code ?span=} seconds)
     * @param logSize     results shown in a tracker's response log
     */
    public record Settings(Duration defaultSpan, int logSize) {
        /** The last hour; the last 20 results. */
        public static final Settings DEFAULTS = new Settings(Duration.ofHours(1), 20);
    }

    /** Longest span the dashboard may ask for: the history's rollups reach 90 days. */
    static final Duration MAX_SPAN = Duration.ofDays(90);

    private final Bridge bridge;
    private final Settings settings;
    private final LongSupplier clock;
    private final byte[] index;
    private final Undertow server;
    private final InetSocketAddress address;

    public WebServer(Bridge bridge, InetSocketAddress address) {
        this(bridge, address, Settings.DEFAULTS, System::currentTimeMillis);
    }

    public WebServer(Bridge bridge, InetSocketAddress address, Settings settings, LongSupplier clock) {
        this.bridge = bridge;
        this.settings = settings;
        this.clock = clock;
        this.index = resource(STATIC + "/index.html");

        RoutingHandler routes = Handlers.routing()
                .get("/", ex -> page(ex))
                .get("/api/status", ex -> json(ex, 200, bridge.status()))
                .get("/api/ranking", ex -> json(ex, 200, bridge.ranking()))
                .get("/api/health", this::health)
                .get("/api/trackers", ex -> json(ex, 200, published()))
                .get("/api/dashboard", this::dashboard)
                .post("/api/torrents", sameOrigin(this::addTorrent))
                .delete("/api/torrents/{hash}", sameOrigin(this::removeTorrent))
                .get("/trackers.txt", this::trackersTxt)
                .get("/torrents/{hash}/magnet", this::magnet)
                .get("/torrents/{file}", this::torrentFile)
                .get("/metrics", this::metrics)
                .setFallbackHandler(ex -> error(ex, 404, "not found: " + ex.getRequestPath()))
                .setInvalidMethodHandler(ex -> error(ex, 405, ex.getRequestMethod() + " not allowed on "
                        + ex.getRequestPath()));
        ClassLoader cl = WebServer.class.getClassLoader();
        PathHandler root = Handlers.path(new BlockingHandler(guarded(routes)))
                .addPrefixPath("/assets/uplot", assets(new ResourceHandler(new ClassPathResourceManager(cl, UPLOT))))
                .addPrefixPath("/assets/app", assets(new ResourceHandler(new ClassPathResourceManager(cl, STATIC))));
        Undertow started = Undertow.builder()
                .addHttpListener(address.getPort(), address.getAddress() == null ? address.getHostString()
                        : address.getAddress().getHostAddress())
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) MAX_BODY)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 30_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
                .setHandler(root)
                .build();
        started.start();
        this.server = started;
        this.address = (InetSocketAddress) started.getListenerInfo().get(0).getAddress();
    }

    /** The bound address (port 0 resolved). */
    public InetSocketAddress address() {
        return address;
    }

    private List<PublishedTracker> published() {
        return TrackerDirectory.build(bridge.snapshot(), bridge.overallRanking(), bridge.health());
    }

    private void health(HttpServerExchange ex) throws IOException {
        boolean listening = bridge.listening();
        Views.Health h;
        try {
            h = HealthCheck.of(listening, bridge.snapshot(), bridge.health());
        } catch (RuntimeException e) {
            h = HealthCheck.unresponsive(listening, e.getMessage());
        }
        json(ex, h.up() ? 200 : 503, h);
    }

    private void dashboard(HttpServerExchange ex) throws IOException {
        long span = settings.defaultSpan().toMillis();
        String s = ex.getQueryParameters().containsKey("span") ? ex.getQueryParameters().get("span").getFirst() : null;
        if (s != null) {
            try {
                span = Long.parseLong(s.strip()) * 1000;
            } catch (NumberFormatException e) {
                span = -1;
            }
            if (span <= 0 || span > MAX_SPAN.toMillis()) {
                error(ex, 400, "span must be a number of seconds from 1 to " + MAX_SPAN.toSeconds() + ", got '"
                        + clip(s) + "'");
                return;
            }
        }
        List<TorrentSnapshot> torrents = bridge.snapshot();
        Views.Health h = HealthCheck.of(bridge.listening(), torrents, bridge.health());
        json(ex, 200, DashboardModel.build(clock.getAsLong(), span, h,
                TrackerDirectory.build(torrents, bridge.overallRanking(), bridge.health()), torrents, bridge.health(),
                settings.logSize()));
    }

    private void trackersTxt(HttpServerExchange ex) throws IOException {
        ListFilter filter;
        try {
            filter = ListFilter.parse(ex.getQueryParameters());
        } catch (ListFilter.BadFilter e) {
            text(ex, 400, "text/plain; charset=utf-8", e.getMessage() + "\n");
            return;
        }
        StringBuilder b = new StringBuilder();
        for (PublishedTracker t : published()) {
            if (t.working() && filter.matches(t)) {
                b.append(t.url()).append("\n\n");
            }
        }
        text(ex, 200, "text/plain; charset=utf-8", b.toString());
    }

    private void magnet(HttpServerExchange ex) throws IOException {
        TorrentSnapshot t = torrent(ex, param(ex, "hash"));
        if (t == null) {
            return;
        }
        if (t.isPrivate()) {
            error(ex, 404, "torrent " + t.spec().infoHash().toHex() + " is private (BEP 27): its trackers are not "
                    + "republished");
            return;
        }
        text(ex, 200, "text/plain; charset=utf-8",
                MagnetLinks.of(t.spec().infoHash(), t.name(), RankedTrackers.flat(t)) + "\n");
    }

    private void torrentFile(HttpServerExchange ex) throws IOException {
        String file = param(ex, "file");
        if (!file.endsWith(".torrent")) {
            error(ex, 404, "not found: " + ex.getRequestPath() + " (try /torrents/<info-hash>.torrent or "
                    + "/torrents/<info-hash>/magnet)");
            return;
        }
        TorrentSnapshot t = torrent(ex, file.substring(0, file.length() - ".torrent".length()));
        if (t == null) {
            return;
        }
        String key = t.spec().infoHash().toHex();
        if (t.isPrivate()) {
            error(ex, 404, "torrent " + key + " is private (BEP 27): its trackers are not republished");
            return;
        }
        byte[] original = t.spec().metainfo();
        if (original == null && t.info() != null) {
            // metadata fetched over ut_metadata: a .torrent around the verified info dictionary, byte for byte
            ByteArrayOutputStream b = new ByteArrayOutputStream(t.info().length + 8);
            b.writeBytes("d4:info".getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(t.info());
            b.write('e');
            original = b.toByteArray();
        }
        if (original == null) {
            error(ex, 404, "torrent " + key + " was added from a " + t.spec().source() + " and its metadata is not "
                    + "known yet: there is no .torrent to give (use /torrents/" + key + "/magnet)");
            return;
        }
        byte[] out = TorrentRewriter.rewrite(original, RankedTrackers.tiers(t));
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-bittorrent");
        ex.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"" + key + ".torrent\"");
        ex.getResponseSender().send(ByteBuffer.wrap(out));
    }

    /** The torrent named by a path parameter, or null after answering 400/404. */
    private TorrentSnapshot torrent(HttpServerExchange ex, String hash) throws IOException {
        InfoHash ih;
        try {
            ih = MagnetLink.btih(hash);
        } catch (TorrentInputException e) {
            error(ex, 400, "not an info-hash (40 hex or 32 base32 characters): '" + clip(hash) + "'");
            return null;
        }
        for (TorrentSnapshot t : bridge.snapshot()) {
            if (t.spec().infoHash().equals(ih)) {
                return t;
            }
        }
        error(ex, 404, "no torrent " + ih.toHex() + " in this bridge");
        return null;
    }

    private void addTorrent(HttpServerExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            error(ex, 413, "body larger than " + MAX_BODY + " bytes");
            return;
        }
        String line = new String(body, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) {
            error(ex, 400, "empty body: send a magnet link or '<info-hash> <tracker-url>...' as text");
            return;
        }
        TorrentSpec spec;
        try {
            spec = TorrentInputs.line(line, "api");
        } catch (TorrentInputException e) {
            error(ex, 400, e.getMessage());
            return;
        }
        String refused = bridge.addTorrent(spec);
        if (refused != null) {
            error(ex, 409, refused);
            return;
        }
        json(ex, 201, new Views.Added(spec.infoHash().toHex(), spec.name(),
                spec.tiers().stream().mapToInt(List::size).sum()));
    }

    private void removeTorrent(HttpServerExchange ex) throws IOException {
        String hash = param(ex, "hash");
        InfoHash ih;
        try {
            ih = MagnetLink.btih(hash);
        } catch (TorrentInputException e) {
            error(ex, 400, "not an info-hash (40 hex or 32 base32 characters): '" + clip(hash) + "'");
            return;
        }
        if (!bridge.removeTorrent(ih)) {
            error(ex, 404, "no torrent " + ih.toHex() + " in this bridge");
            return;
        }
        json(ex, 200, new Views.Removed(ih.toHex(), true));
    }

    private void metrics(HttpServerExchange ex) throws IOException {
        text(ex, 200, BridgeMetrics.CONTENT_TYPE, new String(BridgeMetrics.text(bridge.counts()), StandardCharsets.UTF_8));
    }

    private void page(HttpServerExchange ex) {
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        ex.getResponseHeaders().put(HttpString.tryFromString("Content-Security-Policy"), CSP);
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseSender().send(ByteBuffer.wrap(index));
    }

    private static HttpHandler assets(ResourceHandler h) {
        h.setDirectoryListingEnabled(false);
        h.setCacheTime(60);
        return ex -> {
            if (!ex.getRequestMethod().toString().equals("GET") && !ex.getRequestMethod().toString().equals("HEAD")) {
                error(ex, 405, ex.getRequestMethod() + " not allowed on " + ex.getRequestPath());
                return;
            }
            h.handleRequest(ex);
        };
    }

    /**
     * Refuses a state-changing request that a browser sends from another origin (a page elsewhere posting to the
     * bridge on the user's machine): a request with an {@code Origin} header must name this host and port. Clients
     * that are not browsers send no {@code Origin} and pass.
     */
    private static HttpHandler sameOrigin(HttpHandler next) {
        return ex -> {
            String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
            String host = ex.getRequestHeaders().getFirst(Headers.HOST);
            if (origin != null && (host == null || !(origin.equals("http://" + host)))) {
                error(ex, 403, "cross-origin request refused (Origin " + clip(origin) + ")");
                return;
            }
            next.handleRequest(ex);
        };
    }

    /** Turns an unexpected failure into a 503 with its one-line reason (the bridge's loop may not answer). */
    private static HttpHandler guarded(HttpHandler next) {
        return ex -> {
            try {
                next.handleRequest(ex);
            } catch (RuntimeException | IOException e) {
                LOG.warn("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestPath(), e.toString());
                if (!ex.isResponseStarted()) {
                    error(ex, 503, String.valueOf(e.getMessage()));
                }
            }
        };
    }

    private static String param(HttpServerExchange ex, String name) {
        PathTemplateMatch m = ex.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String v = m == null ? null : m.getParameters().get(name);
        return v == null ? "" : v;
    }

    private static void json(HttpServerExchange ex, int status, Object value) throws IOException {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(JSON.writeValueAsBytes(value)));
    }

    private static void error(HttpServerExchange ex, int status, String message) throws IOException {
        json(ex, status, new Views.ApiError(message));
    }

    private static void text(HttpServerExchange ex, int status, String type, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        ex.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    private static String clip(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 64 ? one.substring(0, 64) + "..." : one;
    }

    private static byte[] resource(String path) {
        try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}

package dev.swarm.peerbridge.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.swarm.peerbridge.session.Bridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The bridge's HTTP JSON API (JDK HTTP server, one named thread, GET only):
 * {@code /api/health}, {@code /api/status} (torrents, trackers with their state, peers, per-torrent
 * ranking) and {@code /api/ranking} (overall and per torrent, best first); {@code /metrics} in the Prometheus
 * text format.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpServer server;
    private final ExecutorService executor;

    public ApiServer(Bridge bridge, InetSocketAddress address) throws IOException {
        server = HttpServer.create(address, 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pb-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/health", ex -> reply(ex, () -> Map.of("status", "ok")));
        server.createContext("/api/status", ex -> reply(ex, bridge::status));
        server.createContext("/api/ranking", ex -> reply(ex, bridge::ranking));
        server.createContext("/metrics", ex -> metrics(ex, bridge));
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void reply(HttpExchange ex, Supplier<Object> body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, Map.of("error", "only GET"));
                return;
            }
            if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
                send(ex, 404, Map.of("error", "not found"));
                return;
            }
            Object value;
            try {
                value = body.get();
            } catch (RuntimeException e) {
                LOG.warn("API request failed", e);
                send(ex, 503, Map.of("error", String.valueOf(e.getMessage())));
                return;
            }
            send(ex, 200, value);
        }
    }

    private static void metrics(HttpExchange ex, Bridge bridge) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) || !ex.getRequestURI().getPath().equals("/metrics")) {
                send(ex, "GET".equals(ex.getRequestMethod()) ? 404 : 405, Map.of("error", "GET /metrics only"));
                return;
            }
            byte[] b;
            try {
                b = BridgeMetrics.text(bridge.counts());
            } catch (RuntimeException e) {
                LOG.warn("metrics request failed", e);
                send(ex, 503, Map.of("error", String.valueOf(e.getMessage())));
                return;
            }
            ex.getResponseHeaders().set("Content-Type", BridgeMetrics.CONTENT_TYPE);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private static void send(HttpExchange ex, int status, Object value) throws IOException {
        byte[] b = JSON.writeValueAsBytes(value);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

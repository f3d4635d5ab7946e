package dev.swarm.tracker.frontend.http;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.SwarmStore;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The HTTP frontend on Undertow: {@code /announce}, {@code /scrape} (also with a trailing {@code /<passkey>}
 * path segment), {@code /metrics}, {@code /stats}. Requests are answered on the I/O threads, without hand-off
 * to a worker pool: the store never blocks. HTTP/1.1 keep-alive is on.
 */
public final class HttpFrontend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontend.class);
    /** Request line and headers together; an announce URL is far below this (see HttpQueryParser.MAX_QUERY_LENGTH). */
    static final int MAX_HEADER_SIZE = 16 * 1024;

    private final Undertow server;
    private final InetSocketAddress address;

    private HttpFrontend(Undertow server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    public static HttpFrontend start(TrackerConfig cfg, TrackerLogic logic, SwarmStore store, Metrics metrics)
            throws Exception {
        TrackerConfig.Http h = cfg.http();
        InetSocketAddress addr = h.listen().resolve();
        TrackerHttpHandler handler = new TrackerHttpHandler(cfg, logic, store, metrics);
        int idleMs = (int) Math.min(Integer.MAX_VALUE, h.idleTimeout().toMillis());
        Undertow server = Undertow.builder()
                .addHttpListener(addr.getPort(), addr.getAddress().getHostAddress())
                .setIoThreads(h.ioThreads())
                .setWorkerThreads(2) // full scrape (one at a time) and status page; announces stay on the I/O threads
                .setServerOption(UndertowOptions.DECODE_URL, false)
                .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_SIZE)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, idleMs)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, idleMs)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                .setSocketOption(Options.BACKLOG, 1024)
                .setSocketOption(Options.CONNECTION_HIGH_WATER, h.maxConnections())
                .setSocketOption(Options.CONNECTION_LOW_WATER, h.maxConnections())
                .setHandler(handler)
                .build();
        server.start();
        server.getWorker().getIoThread().executeAtInterval(handler::tick, 5, TimeUnit.SECONDS);
        LOG.info("HTTP listening on {} ({} I/O thread{})", addr, h.ioThreads(), h.ioThreads() == 1 ? "" : "s");
        return new HttpFrontend(server, addr);
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
    }
}

package dev.swarm.tracker.admin;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Registry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The admin HTTP API on its own listener ({@code admin.listen}), separate from the public frontends so that it
 * can be bound to loopback or a management network. Every request needs the bearer token of {@code admin.token}.
 * One I/O thread and two worker threads: the API is for operators and scripts, not for load.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Undertow server;
    private final InetSocketAddress address;

    private AdminServer(Undertow server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /**
     * @param accessLists what {@code POST /access-list/reload} does, or null when no list is configured
     */
    public static AdminServer start(TrackerConfig.Admin cfg, Registry registry, AccessListControl accessLists,
                                    Metrics metrics) throws Exception {
        InetSocketAddress addr = cfg.listen().resolve();
        AdminHandler handler = new AdminHandler(new BearerToken(cfg.token()), registry, accessLists, metrics);
        Undertow server = Undertow.builder()
                .addHttpListener(addr.getPort(), addr.getAddress().getHostAddress())
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setWorkerOption(Options.WORKER_NAME, "admin")
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) AdminHandler.MAX_BODY)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setHandler(handler)
                .build();
        server.start();
        // The port the listener got (port 0 in the configuration asks the kernel for a free one).
        InetSocketAddress bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        LOG.info("admin API listening on {}", bound);
        return new AdminServer(server, bound);
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
    }
}

package dev.swarm.tracker;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.frontend.http.HttpFrontend;
import dev.swarm.tracker.frontend.udp.UdpFrontend;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.swarm.SwarmStore;
import dev.swarm.tracker.swarm.SwarmStoreConfig;
import dev.swarm.tracker.swarm.SwarmStores;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running tracker: store, logic, frontends and the expiry sweeper, started and stopped together. */
public final class Tracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);

    /** Start-up failed; the message says why (port in use, store unusable, ...). */
    public static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SwarmStore store;
    private final ScheduledExecutorService sweeper;
    private HttpFrontend http;
    private UdpFrontend udp;
    private boolean closed;

    private Tracker(SwarmStore store, ScheduledExecutorService sweeper) {
        this.store = store;
        this.sweeper = sweeper;
    }

    public static Tracker start(TrackerConfig cfg) throws StartException {
        return start(cfg, InstantSource.system(), new DropwizardMetrics(new MetricRegistry()));
    }

    public static Tracker start(TrackerConfig cfg, InstantSource clock, Metrics metrics) throws StartException {
        LOG.info("starting with {}", cfg);
        SwarmStore store;
        try {
            store = SwarmStores.open(storeConfig(cfg));
        } catch (Exception e) {
            throw new StartException("cannot open the swarm store: " + e.getMessage(), e);
        }
        metrics.gauge("store.swarms", () -> store.stats().swarms());
        metrics.gauge("store.peers", () -> store.stats().peers());
        metrics.gauge("store.seeders", () -> store.stats().seeders());
        metrics.gauge("store.leechers", () -> store.stats().leechers());
        Metrics.Counter expired = metrics.counter("store.expired_peers");
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-sweeper");
            t.setDaemon(true);
            return t;
        });
        Tracker t = new Tracker(store, sweeper);
        long every = cfg.store().sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                expired.inc(store.expireStep(clock.millis()));
            } catch (RuntimeException e) {
                LOG.error("expiry step failed; will retry", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);

        TrackerLogic logic = new TrackerLogic(cfg.announce(), store, List.of(), clock, metrics);
        try {
            if (cfg.udp().listen() != null) {
                t.udp = UdpFrontend.start(cfg.udp(), logic, clock, metrics);
            }
            if (cfg.http().listen() != null) {
                t.http = HttpFrontend.start(cfg, logic, store, metrics);
            }
        } catch (Exception e) {
            t.close();
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new StartException("cannot listen (http " + cfg.http().listen() + ", udp " + cfg.udp().listen() + "): " + what, e);
        }
        return t;
    }

    static SwarmStoreConfig storeConfig(TrackerConfig cfg) {
        TrackerConfig.Store s = cfg.store();
        return new SwarmStoreConfig(s.type() == TrackerConfig.StoreType.HEAP ? null : s.dataDir(), s.maxSwarms(),
                s.maxPeersPerSwarm(), s.expectedSwarms(), s.expectedPeersPerSwarm(), cfg.announce().peerTimeout(),
                s.onCorrupt() == TrackerConfig.OnCorrupt.FAIL ? SwarmStoreConfig.OnCorrupt.FAIL : SwarmStoreConfig.OnCorrupt.QUARANTINE);
    }

    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    public InetSocketAddress udpAddress() {
        return udp == null ? null : udp.address();
    }

    public SwarmStore store() {
        return store;
    }

    /** Stops accepting requests, stops the sweeper, then closes the store cleanly. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.close();
        }
        if (udp != null) {
            udp.close();
        }
        sweeper.shutdown();
        try {
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        LOG.info("stopped; store closed");
    }
}

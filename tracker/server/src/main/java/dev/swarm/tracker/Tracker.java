package dev.swarm.tracker;

import dev.swarm.tracker.access.AccessChain;
import dev.swarm.tracker.access.InfoHashList;
import dev.swarm.tracker.admin.AdminServer;
import dev.swarm.tracker.cluster.ClusterNode;
import dev.swarm.tracker.cluster.RegistrySync;
import dev.swarm.tracker.config.HostPort;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.frontend.http.HttpFrontend;
import dev.swarm.tracker.frontend.http.NodeStatus;
import dev.swarm.tracker.frontend.udp.ConnectionIdKeys;
import dev.swarm.tracker.frontend.udp.UdpFrontend;
import dev.swarm.tracker.logic.AnnounceObserver;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.RegistryException;
import dev.swarm.tracker.swarm.SwarmStore;
import dev.swarm.tracker.swarm.SwarmStoreConfig;
import dev.swarm.tracker.swarm.SwarmStores;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tracker: store, registry (private mode or admin API), policy chain, logic, frontends, admin API and
 * the background threads (expiry sweeper, registry flusher), started and stopped together.
 */
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
    private Registry registry;
    private ScheduledExecutorService flusher;
    private ScheduledExecutorService listWatcher;
    private InfoHashList accessList;
    private HttpFrontend http;
    private UdpFrontend udp;
    private AdminServer admin;
    private ClusterNode cluster;
    private RegistrySync registrySync;
    private boolean closed;

    private Tracker(SwarmStore store, ScheduledExecutorService sweeper) {
        this.store = store;
        this.sweeper = sweeper;
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public static Tracker start(TrackerConfig cfg) throws StartException {
        return start(cfg, InstantSource.system(), DropwizardMetrics.create());
    }

    public static Tracker start(TrackerConfig cfg, InstantSource clock, Metrics metrics) throws StartException {
        // A short line at INFO; the whole configuration (scripts/run --check-config prints it too) at DEBUG, since
        // the first toString of its records costs about 0.3 s of a cold start.
        LOG.info("starting: mode {}, http {}, udp {}, store {} in {}", cfg.mode(), orOff(cfg.http().listen()),
                orOff(cfg.udp().listen()), cfg.store().type(), cfg.store().dataDir());
        if (LOG.isDebugEnabled()) {
            LOG.debug("configuration: {}", cfg);
        }
        SwarmStore store;
        try {
            store = SwarmStores.open(storeConfig(cfg));
        } catch (Exception | LinkageError | InternalError e) {
            // InternalError: Chronicle's mapped-memory faults (e.g. a file that cannot be read back); LinkageError: its
            // generated classes. Either is a start-up refusal with a message, not a stack trace.
            throw new StartException("cannot open the swarm store: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        metrics.gauge("store.swarms", () -> store.stats().swarms());
        metrics.gauge("store.peers", () -> store.stats().peers());
        metrics.gauge("store.seeders", () -> store.stats().seeders());
        metrics.gauge("store.leechers", () -> store.stats().leechers());
        Metrics.Counter expired = metrics.counter("store.expired_peers");
        ScheduledExecutorService sweeper = daemonThread("store-sweeper");
        Tracker t = new Tracker(store, sweeper);
        long every = cfg.store().sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                expired.inc(store.expireStep(clock.millis()));
            } catch (RuntimeException e) {
                LOG.error("expiry step failed; will retry", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);

        try {
            t.openRegistry(cfg, clock, metrics);
        } catch (RegistryException e) {
            t.close();
            throw new StartException(e.getMessage(), e);
        }
        InfoHashList list;
        try {
            list = t.openInfoHashList(cfg.access(), metrics);
        } catch (IllegalStateException e) {
            t.close();
            throw new StartException(e.getMessage(), e);
        }
        t.accessList = list;
        AccessChain chain = AccessChain.of(cfg, t.registry, list, clock, metrics);
        List<AnnounceObserver> observers = new ArrayList<>(chain.observers());
        ConnectionIdKeys idKeys = new ConnectionIdKeys(UdpFrontend.initialKey(cfg.udp()));
        if (cfg.cluster().enabled()) {
            // Before the frontends: the shared connection-ID keys are in place when Redis is reachable.
            t.cluster = ClusterNode.start(cfg.cluster(), store, cfg.announce().peerTimeout(), clock, metrics, idKeys::set);
            observers.add(t.cluster.observer());
            if (t.registry != null) {
                // Users, passkeys, torrents and accounting shared by every node (private mode across nodes).
                t.registrySync = RegistrySync.start(t.registry, t.cluster, cfg.cluster(), cfg.announce().peerTimeout(),
                        metrics);
            }
        }
        TrackerLogic logic = new TrackerLogic(cfg.announce(), store, chain.announce(), observers, chain.scrape(),
                chain.invalidIds(), chain.swarmCreation(), chain.fullScrape(), clock, metrics);
        if (cfg.udp().listen() != null) {
            t.udp = t.listen("udp", cfg.udp().listen(), () -> UdpFrontend.start(cfg.udp(), cfg.requestLog(),
                    logic, clock, metrics, idKeys));
        }
        if (cfg.http().listen() != null) {
            ClusterNode node = t.cluster;
            RegistrySync sync = t.registrySync;
            NodeStatus status = node == null ? NodeStatus.ALONE : new NodeStatus() {
                @Override
                public Object stats() {
                    return node.status();
                }

                @Override
                public boolean healthy() {
                    // Also not while the users and torrents are being caught up with Redis reachable: this node
                    // would refuse passkeys made elsewhere meanwhile.
                    return node.healthy() && (sync == null || sync.synced() || !node.status().redis());
                }
            };
            t.http = t.listen("http", cfg.http().listen(), () -> HttpFrontend.start(cfg, logic, metrics, status));
        }
        if (cfg.admin().listen() != null) {
            t.admin = t.listen("admin", cfg.admin().listen(),
                    () -> AdminServer.start(cfg.admin(), t.registry, list == null ? null : list::reload, metrics));
        }
        return t;
    }

    /** Binds and starts one listener. */
    private interface Listener<T> {
        T start() throws Exception;
    }

    /** Starts one listener; on failure closes everything started so far and says which listener failed and why. */
    private <T> T listen(String name, HostPort at, Listener<T> listener) throws StartException {
        try {
            return listener.start();
        } catch (Exception e) {
            close();
            throw new StartException(listenError(name, at, e), e);
        }
    }

    /**
     * One line naming the listener, its address and the reason, e.g. {@code cannot listen on udp 127.0.0.1:6969:
     * address in use (another process holds it)}.
     */
    static String listenError(String listener, HostPort at, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? "" : root.getMessage();
        String reason;
        if (root instanceof UnknownHostException) {
            reason = "unknown host";
        } else if (m.startsWith("address in use")) {
            reason = m; // UdpFrontend's own finding, already worded
        } else if (m.contains("Address already in use")) {
            reason = "address in use (another process holds it)";
        } else if (m.contains("Cannot assign requested address")) {
            reason = "address not available (no interface of this host has it)";
        } else if (m.contains("Permission denied")) {
            reason = "permission denied (ports below 1024 need privileges)";
        } else {
            reason = m.isEmpty() ? root.getClass().getSimpleName() : m;
        }
        return "cannot listen on " + listener + " " + at + ": " + reason;
    }

    private static Object orOff(HostPort listen) {
        return listen == null ? "off" : listen;
    }

    /** Opens the registry when it is needed (private mode or the admin API) and starts its flusher. */
    private void openRegistry(TrackerConfig cfg, InstantSource clock, Metrics metrics) {
        if (cfg.mode() != TrackerConfig.Mode.PRIVATE && cfg.admin().listen() == null) {
            return;
        }
        Registry r = Registry.open(cfg.registry(), cfg.ratio(), cfg.announce().peerTimeout(), clock, metrics);
        registry = r;
        metrics.gauge("registry.users", r::userCount);
        metrics.gauge("registry.torrents", r::torrentCount);
        metrics.gauge("registry.accounts", () -> r.accounting().accountCount());
        metrics.gauge("registry.sessions", () -> r.accounting().sessionCount());
        Metrics.Counter flushed = metrics.counter("registry.records_flushed");
        Metrics.Counter flushFailures = metrics.counter("registry.flush_failed");
        flusher = daemonThread("registry-flush");
        long every = cfg.registry().flushInterval().toMillis();
        flusher.scheduleWithFixedDelay(() -> {
            try {
                flushed.inc(r.flush());
            } catch (RuntimeException e) {
                flushFailures.inc();
                LOG.error("registry flush failed; accounting stays in memory and is retried", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Loads the info-hash list, when one is configured, and starts watching its file. */
    private InfoHashList openInfoHashList(TrackerConfig.Access cfg, Metrics metrics) {
        if (cfg.infoHashList() == null) {
            return null;
        }
        InfoHashList l = InfoHashList.load(cfg, metrics);
        listWatcher = daemonThread("access-list-watch");
        long every = cfg.reloadInterval().toMillis();
        listWatcher.scheduleWithFixedDelay(() -> {
            try {
                l.pollForChange();
            } catch (RuntimeException e) {
                LOG.error("access list poll failed; will retry", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return l;
    }

    static SwarmStoreConfig storeConfig(TrackerConfig cfg) {
        TrackerConfig.Store s = cfg.store();
        return new SwarmStoreConfig(s.type() == TrackerConfig.StoreType.HEAP ? null : s.dataDir(), s.maxSwarms(),
                s.maxPeersPerSwarm(), s.expectedSwarms(), s.expectedPeersPerSwarm(), cfg.announce().peerTimeout(),
                s.onCorrupt() == TrackerConfig.OnCorrupt.FAIL ? SwarmStoreConfig.OnCorrupt.FAIL : SwarmStoreConfig.OnCorrupt.QUARANTINE);
    }

    /** The HTTP frontend's bound address (the port the kernel picked when the configured one is 0), or null when off. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    /** The UDP frontend's bound address, or null when it is off. */
    public InetSocketAddress udpAddress() {
        return udp == null ? null : udp.address();
    }

    /** The admin API's bound address, or null when it is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /**
     * Re-reads the info-hash list file now (SIGHUP), as the admin API's reload does.
     *
     * @return the reload summary, or null when no list is configured
     * @throws IllegalStateException when the file cannot be used (the previous list stays)
     */
    public Map<String, Object> reloadAccessList() {
        return accessList == null ? null : accessList.reload();
    }

    public SwarmStore store() {
        return store;
    }

    /** Private mode's state shared with the cluster, or null (no cluster, or no registry). */
    public RegistrySync registrySync() {
        return registrySync;
    }

    /** This node of a cluster, or null when {@code cluster.redis} is empty (the tracker runs alone). */
    public ClusterNode cluster() {
        return cluster;
    }

    /** The registry, or null in public mode without the admin API. */
    public Registry registry() {
        return registry;
    }

    /**
     * Stops accepting requests, stops the background threads, flushes and closes the registry, then closes the
     * store cleanly. Idempotent.
     */
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
        if (admin != null) {
            admin.close();
        }
        if (registrySync != null) {
            registrySync.close(); // before the cluster's client: sends what is queued
        }
        if (cluster != null) {
            cluster.close(); // after the frontends: what they accepted last is still published
        }
        stop(sweeper);
        if (flusher != null) {
            stop(flusher);
        }
        if (listWatcher != null) {
            stop(listWatcher);
        }
        if (registry != null) {
            try {
                registry.close();
            } catch (RuntimeException e) {
                LOG.error("registry: the last flush failed; up to registry.flush-interval of accounting is lost", e);
            }
        }
        store.close();
        LOG.info("stopped; store closed");
    }

    private static void stop(ScheduledExecutorService ex) {
        ex.shutdown();
        try {
            ex.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

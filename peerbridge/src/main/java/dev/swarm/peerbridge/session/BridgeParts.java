package dev.swarm.peerbridge.session;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.health.Alerts;
import dev.swarm.peerbridge.health.HealthMonitor;
import dev.swarm.peerbridge.health.HistoryStore;
import dev.swarm.peerbridge.health.NetProbeClient;
import dev.swarm.peerbridge.health.SqliteHistoryStore;
import dev.swarm.peerbridge.net.AddressFilter;
import dev.swarm.peerbridge.net.PeerNetwork;
import dev.swarm.peerbridge.net.Resolver;
import dev.swarm.peerbridge.trackers.HttpAnnouncer;
import dev.swarm.peerbridge.trackers.RequestBudget;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import dev.swarm.peerbridge.trackers.UdpAnnouncer;

import java.io.IOException;
import java.util.function.LongSupplier;

/** The parts a {@link Bridge} is wired from, built from its configuration; the bridge owns and closes them. */
record BridgeParts(TrackerRanking ranking, Resolver resolver, HealthMonitor health, PeerNetwork network,
        HttpAnnouncer http, UdpAnnouncer udp, RequestBudget requestBudget) {

    /** Builds the parts: ranking, resolver, history store, health monitor (with its probe client), network, announcers. */
    static BridgeParts create(BridgeConfig config, LongSupplier clock) throws IOException {
        var t = config.trackers();
        TrackerRanking ranking = new TrackerRanking(clock, t.rankingWindow(), t.maxPeersPerTracker());
        Resolver resolver = Resolver.standard();
        AddressFilter filter = AddressFilter.of(config.tex().allowPrivateAddresses());
        // the history is opened first: a refused file stops the start before any socket exists
        var h = config.health();
        HistoryStore store;
        try {
            store = SqliteHistoryStore.open(h.dataDir(), clock, h.rawRetention(), h.rollupRetention(),
                    h.flushInterval());
        } catch (RuntimeException e) {
            resolver.close();
            throw e;
        }
        HealthMonitor health = new HealthMonitor(h, clock, new NetProbeClient(h.probeTimeout(), clock, resolver, filter),
                store, new Alerts(h.webhook(), h.webhookTimeout(), h.webhookQueue()), ranking::overall);
        PeerNetwork network = new PeerNetwork(config.connections().maxMessageSize(),
                config.connections().connectTimeout());
        HttpAnnouncer http = new HttpAnnouncer(t.announceTimeout(), t.maxConcurrent(), resolver, filter);
        UdpAnnouncer udp = new UdpAnnouncer(t.udpBind(), t.announceTimeout(), t.maxConcurrent(), resolver, filter);
        RequestBudget requestBudget = new RequestBudget(
                t.minInterval().toMillis() == 0 ? 1 : t.minInterval().toMillis(), 4096);
        return new BridgeParts(ranking, resolver, health, network, http, udp, requestBudget);
    }
}

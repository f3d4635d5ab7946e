package dev.swarm.peerbridge.session;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.dht.DhtNode;
import dev.swarm.peerbridge.health.HealthMonitor;
import dev.swarm.peerbridge.health.HealthView;
import dev.swarm.peerbridge.net.ChannelEvents;
import dev.swarm.peerbridge.metadata.InfoDict;
import dev.swarm.peerbridge.metadata.MetadataFetcher;
import dev.swarm.peerbridge.metadata.MetadataMessage;
import dev.swarm.peerbridge.metadata.MetadataStore;
import dev.swarm.peerbridge.net.PeerNetwork;
import dev.swarm.peerbridge.net.Resolver;
import dev.swarm.peerbridge.pex.PexMessage;
import dev.swarm.peerbridge.peers.PeerOrigin;
import dev.swarm.peerbridge.tex.TrackerSet;
import dev.swarm.peerbridge.tex.TrackerUrl;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.peerbridge.trackers.AnnounceClient;
import dev.swarm.peerbridge.trackers.AnnounceRequest;
import dev.swarm.peerbridge.trackers.AnnounceResult;
import dev.swarm.peerbridge.trackers.AnnounceSchedule;
import dev.swarm.peerbridge.trackers.HttpAnnouncer;
import dev.swarm.peerbridge.trackers.RequestBudget;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import dev.swarm.peerbridge.trackers.UdpAnnouncer;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The bridge process core: the torrents it is in, their trackers (announced, verified, ranked,
 * exchanged over {@code lt_tex}) and the peer connections. Every piece of state is owned by the
 * network's single event loop thread; other threads talk to it through {@link #addTorrent}, {@link #offerPeers},
 * {@link #status()}, {@link #ranking()} and {@link #close()}, which hop onto that thread.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** How often timers (announces, dials, keep-alives, lt_tex) are looked at. */
    static final long TICK_MILLIS = 250;
    /** How long {@link #close()} waits, in all, for the trackers to take our {@code stopped}. */
    static final long STOP_GRACE_MILLIS = 2000;

    private final BridgeConfig config;
    private final LongSupplier clock;
    private final byte[] peerId;
    private final int announceKey;
    private final PeerNetwork network;
    private final HttpAnnouncer http;
    private final UdpAnnouncer udp;
    private final TrackerRanking ranking;
    private final HealthMonitor health;
    private boolean sampled;
    private long lastHealthSample;
    private final Resolver resolver;
    private final RequestBudget requestBudget;
    private final BridgeViews views;
    /** HTTP trackers (normal form) that refused {@code event=paused}; bounded. Loop thread only. */
    private final Set<String> noPaused = new java.util.HashSet<>();
    private final Map<InfoHash, TorrentState> torrents = new LinkedHashMap<>();
    private final Set<PeerConnection> open = new LinkedHashSet<>();
    private final java.util.Random random = new SecureRandom();
    private InetSocketAddress listenAddress;
    private ScheduledFuture<?> ticker;
    private DhtNode dht;
    private volatile boolean closed;

    private Bridge(BridgeConfig config, LongSupplier clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.peerId = newPeerId(config.peerIdPrefix(), random);
        this.announceKey = random.nextInt();
        BridgeParts p = BridgeParts.create(config, clock);
        this.ranking = p.ranking();
        this.resolver = p.resolver();
        this.health = p.health();
        this.network = p.network();
        this.http = p.http();
        this.udp = p.udp();
        this.requestBudget = p.requestBudget();
        this.views = new BridgeViews(this, torrents, open, ranking, health, clock);
    }

    /** The health monitor's read model: trackers, torrents, history, response logs, alerts. */
    public HealthView health() {
        return health;
    }

    /** Starts listening and ticking. */
    public static Bridge start(BridgeConfig config) throws IOException, InterruptedException {
        return start(config, System::currentTimeMillis);
    }

    /** Starts with an explicit clock (milliseconds). */
    public static Bridge start(BridgeConfig config, LongSupplier clock) throws IOException, InterruptedException {
        Bridge b = new Bridge(config, clock);
        try {
            b.listenAddress = b.network.listen(config.listen(), b::incoming);
            b.ticker = b.network.loop().scheduleAtFixedRate(b::tickSafely, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            if (config.dht().enabled()) {
                b.dht = DhtNode.start(config.dht(), clock, b::offerDhtPeers);
            }
        } catch (Throwable e) {
            b.close();
            throw e;
        }
        return b;
    }

    private static byte[] newPeerId(String prefix, java.util.Random random) {
        byte[] id = new byte[20];
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(p, 0, id, 0, p.length);
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (int i = p.length; i < 20; i++) {
            id[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return id;
    }

    public BridgeConfig config() {
        return config;
    }

    byte[] peerId() {
        return peerId;
    }

    /** Our peer id as text. */
    public String peerIdText() {
        return new String(peerId, StandardCharsets.ISO_8859_1);
    }

    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    int listenPort() {
        return listenAddress.getPort();
    }

    /**
     * Adds a torrent (from any thread). Peer host names are resolved here, before the loop sees them.
     *
     * @return null when added, otherwise why not
     */
    public String addTorrent(TorrentSpec spec) {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (InetSocketAddress p : spec.peers()) {
            InetSocketAddress r = p.isUnresolved() ? new InetSocketAddress(p.getHostString(), p.getPort()) : p;
            if (!r.isUnresolved()) {
                peers.add(r);
            }
        }
        return onLoop(() -> add(spec, peers));
    }

    private String add(TorrentSpec spec, List<InetSocketAddress> peers) {
        if (torrents.containsKey(spec.infoHash())) {
            return "already added: " + spec.infoHash().toHex();
        }
        if (torrents.size() >= config.maxTorrents()) {
            return "torrent limit of " + config.maxTorrents() + " reached";
        }
        TrackerSet set = new TrackerSet(spec.isPrivate(), spec.tiers(), config.tex());
        List<List<String>> tiers = new ArrayList<>();
        for (TrackerSet.Tracker tr : set.trackers()) {
            while (tiers.size() <= tr.tier()) {
                tiers.add(new ArrayList<>());
            }
            tiers.get(tr.tier()).add(tr.url());
        }
        var tc = config.trackers();
        AnnounceSchedule schedule = new AnnounceSchedule(tiers, tc.announceToAll(), tc.minInterval(), tc.maxInterval(),
                random);
        TorrentState t = new TorrentState(spec, set, schedule, ranking, config.texEnabled(),
                config.connections().maxKnownPeers(), config.exchange().pexEnabled(),
                health::advertisable);
        if (spec.pieceCount() < 0) {
            var x = config.exchange();
            MetadataFetcher<PeerConnection> f = new MetadataFetcher<>(spec.infoHash().bytes(), spec.v2Hash(),
                    x.metadataMaxSize(), x.metadataMaxOutstanding(), x.metadataRequestTimeout().toMillis());
            t.fetcher(f);
            byte[] stored = MetadataStore.load(x.metadataDir(), spec.infoHash(), x.metadataMaxSize());
            if (stored != null && f.verifies(stored)) {
                metadataVerified(t, stored, "stored copy");
            }
        }
        peers.forEach(p -> t.addPeer(p, PeerOrigin.X_PE));
        torrents.put(spec.infoHash(), t);
        if (dht != null && !spec.isPrivate()) {
            dht.addTorrent(spec.infoHash().bytes(), listenPort()); // BEP 27: never the DHT for a private torrent
        }
        LOG.info("torrent {} added from {}: {} trackers, private={}", t.key(), spec.source(), set.trackers().size(),
                spec.isPrivate());
        return null;
    }

    /** Peers a DHT lookup found (called on the DHT thread): offered with origin dht. */
    private void offerDhtPeers(byte[] infoHash, List<InetSocketAddress> peers) {
        if (closed) {
            return;
        }
        try {
            network.loop().execute(() -> {
                TorrentState t = torrents.get(InfoHash.of(infoHash));
                if (t != null && !t.spec().isPrivate()) {
                    offer(t.infoHash(), peers, PeerOrigin.DHT);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the bridge is closing
        }
    }

    /**
     * The DHT port to tell peers of this torrent about (reserved bit and {@code port} message, BEP 5), or 0:
     * not when the DHT is off or read-only (nothing would answer), nor for a private torrent (BEP 27).
     */
    int dhtPortFor(TorrentState t) {
        return dht != null && !config.dht().readOnly() && !t.spec().isPrivate() ? dht.address().getPort() : 0;
    }

    /** A peer's {@code port} message: its DHT node is pinged (BEP 5), never for a private torrent. */
    void dhtNodeOffered(TorrentState t, InetSocketAddress peer, int port) {
        if (dht != null && !t.spec().isPrivate() && port > 0 && peer.getAddress() != null) {
            dht.ping(new InetSocketAddress(peer.getAddress(), port));
        }
    }

    /** The DHT node, or null when the DHT is off. */
    public DhtNode dht() {
        return dht;
    }

    /**
     * Offers peer addresses for a torrent from any source (DHT, PEX, a tracker, ...), from any
     * thread: hops onto the loop, remembers each new peer with {@code origin} as where it was learned
     * first and adds {@code origin} to the sources of a known one; DHT and PEX peers also count for
     * the source ranking. Unresolved addresses and port 0 are dropped; an unknown torrent is ignored.
     *
     * @return how many of the offered peers were not known before (-1 when the torrent is unknown)
     */
    public int offerPeers(InfoHash infoHash, Collection<InetSocketAddress> peers, PeerOrigin origin) {
        List<InetSocketAddress> usable = new ArrayList<>(peers.size());
        for (InetSocketAddress p : peers) {
            if (p != null && !p.isUnresolved() && p.getPort() > 0) {
                usable.add(p);
            }
        }
        if (network.loop().inEventLoop()) {
            return offer(infoHash, usable, origin);
        }
        return onLoop(() -> offer(infoHash, usable, origin));
    }

    private int offer(InfoHash infoHash, List<InetSocketAddress> peers, PeerOrigin origin) {
        TorrentState t = torrents.get(infoHash);
        if (t == null) {
            return -1;
        }
        int before = t.known().size();
        int fresh = 0;
        for (InetSocketAddress p : peers) {
            boolean wasKnown = t.known().containsKey(p);
            t.addPeer(p, origin);
            if (!wasKnown && t.known().containsKey(p)) {
                fresh++;
            }
        }
        if (origin.kind() == PeerOrigin.Kind.DHT || origin.kind() == PeerOrigin.Kind.PEX) {
            ranking.recordPeers(t.key(), origin.source(), peers);
        }
        LOG.debug("{} offered {} peers for {} ({} new, {} known before)", origin, peers.size(), t.key(), fresh, before);
        return fresh;
    }

    /** A peer advertised {@code metadata_size} with a {@code ut_metadata} id (loop thread). */
    void metadataOffered(PeerConnection conn, long size, long now) {
        TorrentState t = conn.torrent();
        if (t.fetcher() != null) {
            carryOut(t, t.fetcher().offer(conn, size, now));
        }
    }

    /** A {@code ut_metadata} data or reject (loop thread). */
    void metadataMessage(PeerConnection conn, MetadataMessage m, long now) {
        TorrentState t = conn.torrent();
        if (t.fetcher() != null) {
            carryOut(t, t.fetcher().onMessage(conn, m, now));
        }
    }

    private void carryOut(TorrentState t, MetadataFetcher.Actions<PeerConnection> a) {
        for (MetadataFetcher.Send<PeerConnection> s : a.sends()) {
            s.peer().sendExtended(s.peer().peerMetadataId(), MetadataMessage.encode(s.message()), clock.getAsLong());
        }
        for (MetadataFetcher.Drop<PeerConnection> d : a.drops()) {
            LOG.info("peer {} dropped for {}: {}", d.peer().transport().remote(), t.key(), d.reason());
            d.peer().close(d.reason());
        }
        MetadataFetcher<PeerConnection> f = t.fetcher();
        if (f != null && f.done()) {
            metadataVerified(t, f.result(), "peers");
            MetadataStore.save(config.exchange().metadataDir(), t.infoHash(), f.result());
        }
    }

    private void metadataVerified(TorrentState t, byte[] info, String from) {
        InfoDict parsed;
        try {
            parsed = InfoDict.parse(info);
        } catch (dev.swarm.protocol.ProtocolException e) {
            LOG.warn("metadata of {} matches its info-hash but is not usable: {}", t.key(), e.getMessage());
            t.fetcher(null);
            return;
        }
        t.metadata(info, parsed);
        LOG.info("metadata of {} from {}: '{}', {} pieces, {} files, private={}", t.key(), from, parsed.name(),
                parsed.pieceCount(), parsed.files().size(), parsed.isPrivate());
        for (PeerConnection c : List.copyOf(t.connections())) {
            c.pieceCountKnown(parsed.pieceCount());
        }
    }

    /** An incoming peer told its listen port: it is a known peer, learned first as incoming unless known before. */
    void incomingListens(TorrentState t, InetSocketAddress listen) {
        if (!listen.equals(listenAddress)) {
            t.addPeer(listen, PeerOrigin.INCOMING);
        }
    }

    /** A {@code ut_pex} message (loop thread): added peers are offered with origin pex, seeds noted. */
    void pexReceived(TorrentState t, PexMessage pex) {
        List<InetSocketAddress> added = new ArrayList<>(pex.added().size());
        for (PexMessage.Peer p : pex.added()) {
            added.add(p.address());
        }
        offer(t.infoHash(), added, PeerOrigin.PEX);
        for (PexMessage.Peer p : pex.added()) {
            TorrentState.KnownPeer k = t.known().get(p.address());
            if (k != null && p.seed()) {
                k.pexSeed = true;
            }
        }
    }

    TorrentState torrent(InfoHash ih) {
        return torrents.get(ih);
    }

    /**
     * Removes a torrent at run time (from any thread): closes its peer connections, forgets its trackers'
     * ranking and sends {@code event=stopped} to every tracker it announced to (not waited for), so the
     * trackers drop the bridge from the swarm at once instead of after their peer timeout.
     *
     * @return true if the torrent was there
     */
    public boolean removeTorrent(InfoHash infoHash) {
        return onLoop(() -> {
            TorrentState t = torrents.remove(infoHash);
            if (t == null) {
                return false;
            }
            for (PeerConnection c : List.copyOf(open)) {
                if (c.torrent() == t) {
                    c.close("torrent removed");
                }
            }
            for (TrackerSet.Tracker tr : t.trackers().trackers()) {
                ranking.forget(t.key(), tr.url());
            }
            if (dht != null) {
                dht.removeTorrent(t.infoHash().bytes());
            }
            List<CompletableFuture<AnnounceResult>> stops = sendStopped(t);
            LOG.info("torrent {} removed: {} peers closed, stopped sent to {} trackers", t.key(), t.connections().size(),
                    stops.size());
            return true;
        });
    }

    /** Sends {@code stopped} to every tracker of {@code t} that was announced to. On the loop. */
    private List<CompletableFuture<AnnounceResult>> sendStopped(TorrentState t) {
        List<CompletableFuture<AnnounceResult>> out = new ArrayList<>();
        for (String url : List.copyOf(t.announcedTo())) {
            TrackerSet.Tracker tr = t.trackers().tracker(url);
            boolean learned = tr == null || tr.origin() == TrackerSet.Origin.LEARNED;
            AnnounceClient client = TrackerUrl.scheme(url).equals("udp") ? udp : http;
            out.add(client.announce(url, new AnnounceRequest(t.infoHash().bytes(), peerId, listenPort(), 1,
                    AnnounceEvent.STOPPED, 0, announceKey, learned)));
        }
        return out;
    }

    private void tickSafely() {
        try {
            tick(clock.getAsLong());
        } catch (RuntimeException e) {
            LOG.error("tick failed; continuing", e);
        }
    }

    private void tick(long now) {
        for (PeerConnection c : List.copyOf(open)) {
            c.onTick(now);
        }
        for (TorrentState t : torrents.values()) {
            announce(t, now);
            dial(t, now);
            if (t.fetcher() != null) {
                carryOut(t, t.fetcher().tick(now));
            }
        }
        healthTick(now);
    }

    /** Starts due probes; about once a second hands the torrents' figures to the health monitor. */
    private void healthTick(long now) {
        Map<String, List<byte[]>> urls = new LinkedHashMap<>();
        Set<String> learned = new java.util.HashSet<>();
        Set<String> candidates = new java.util.HashSet<>();
        for (TorrentState t : torrents.values()) {
            for (TrackerSet.Tracker tr : t.trackers().trackers()) {
                urls.computeIfAbsent(tr.url(), k -> new ArrayList<>()).add(t.infoHash().bytes());
                if (tr.origin() == TrackerSet.Origin.LEARNED) {
                    learned.add(tr.url());
                    if (tr.status() == TrackerSet.Status.CANDIDATE) {
                        candidates.add(tr.url());
                    }
                }
            }
        }
        // probes of unverified learned trackers take from the same per-host budget as their announces
        health.tick(now, urls, learned::contains,
                (url, at) -> !candidates.contains(url) || requestBudget.tryAcquire(url, at));
        if (sampled && now - lastHealthSample < 1000) {
            return;
        }
        sampled = true;
        lastHealthSample = now;
        List<String> keys = new ArrayList<>();
        for (TorrentState t : torrents.values()) {
            keys.add(t.key());
            health.torrentSample(BridgeViews.torrentHealth(t, now));
        }
        health.retainTorrents(keys);
    }

    /**
     * The per-host budget of requests to learned trackers that have not answered yet (one per interval);
     * probes of such trackers take from the same instance. Use on the loop thread.
     */
    public RequestBudget requestBudget() {
        return requestBudget;
    }

    private void announce(TorrentState t, long now) {
        for (String url : t.schedule().due(now)) {
            TrackerSet.Tracker tr = t.trackers().tracker(url);
            boolean learned = tr != null && tr.origin() == TrackerSet.Origin.LEARNED;
            if (learned && tr.status() == TrackerSet.Status.CANDIDATE && !requestBudget.tryAcquire(url, now)) {
                continue; // stays due; asked again on a later tick once its host's budget allows
            }
            t.schedule().started(url);
            boolean isUdp = TrackerUrl.scheme(url).equals("udp");
            AnnounceClient client = isUdp ? udp : http;
            boolean first = t.firstAnnounce(url);
            // BEP 21 event=paused over HTTP: trackers that support it (this project's) hand us peers without
            // counting us; BEP 15 has no paused, and a tracker that refused it is asked the BEP 3 way.
            AnnounceEvent event = !isUdp && !noPaused.contains(pausedKey(url)) ? AnnounceEvent.PAUSED
                    : first ? AnnounceEvent.STARTED : AnnounceEvent.NONE;
            AnnounceRequest req = new AnnounceRequest(t.infoHash().bytes(), peerId, listenPort(), 1, event,
                    config.trackers().numwant(), announceKey, learned);
            client.announce(url, req).thenAccept(r -> network.loop().execute(() -> onAnnounced(t, url, r, event)));
        }
    }

    /** The key of a URL in {@link #noPaused}: its normal form. */
    private static String pausedKey(String url) {
        TrackerUrl.Check c = TrackerUrl.check(url);
        return c.accepted() ? c.url() : url;
    }

    private void onAnnounced(TorrentState t, String url, AnnounceResult r, AnnounceEvent sent) {
        if (torrents.get(t.infoHash()) != t) {
            return;
        }
        long now = clock.getAsLong();
        if (sent == AnnounceEvent.PAUSED && r instanceof AnnounceResult.Failure f
                && f.reason().startsWith("failure reason:") && f.reason().toLowerCase(java.util.Locale.ROOT).contains("event")) {
            // A tracker that does not know BEP 21's paused (e.g. "unknown event"): not a failure of the tracker;
            // it is asked again at once without it.
            if (noPaused.size() < 10_000 && noPaused.add(pausedKey(url))) {
                LOG.info("tracker {} refused event=paused ({}); announcing to it without it", url, f.reason());
            }
            t.schedule().retryNow(url, now);
            return;
        }
        health.recordAnnounce(t.key(), url, r);
        TrackerSet set = t.trackers();
        TrackerSet.Status before = set.tracker(url) == null ? null : set.tracker(url).status();
        switch (r) {
            case AnnounceResult.Success s -> {
                set.recordSuccess(url, now);
                t.schedule().succeeded(url, now, s.interval(), s.minInterval());
                ranking.recordSuccess(t.key(), url, s.latency(), s.peers());
                t.recordError(url, null);
                TrackerSet.Tracker tr = set.tracker(url);
                PeerOrigin origin = tr != null && tr.origin() == TrackerSet.Origin.LEARNED ? PeerOrigin.ltTex(url)
                        : PeerOrigin.tracker(url);
                for (InetSocketAddress p : s.peers()) {
                    t.addPeer(p, origin);
                }
                if (before != TrackerSet.Status.VERIFIED) {
                    LOG.info("tracker {} verified for {} ({} peers)", url, t.key(), s.peers().size());
                }
            }
            case AnnounceResult.Failure f -> {
                set.recordFailure(url, now);
                t.recordError(url, f.reason());
                if (!set.contains(url)) {
                    t.schedule().remove(url);
                    ranking.forget(t.key(), url);
                    LOG.info("learned tracker {} dropped for {}: {}", url, t.key(), f.reason());
                } else {
                    t.schedule().failed(url, now, set.tracker(url).consecutiveFailures(), f.retryAfter());
                    ranking.recordFailure(t.key(), url);
                    LOG.debug("announce to {} failed: {}", url, f.reason());
                }
            }
        }
    }

    void learn(TorrentState t, List<String> urls, long now) {
        for (String url : t.trackers().learnAll(urls)) {
            t.schedule().addLearned(url);
            LOG.info("learned tracker {} for {} (candidate)", url, t.key());
        }
    }

    private void dial(TorrentState t, long now) {
        var c = config.connections();
        Set<InetSocketAddress> connectedTo = null;
        for (Map.Entry<InetSocketAddress, TorrentState.KnownPeer> e : t.known().entrySet()) {
            if (open.size() >= c.maxTotal() || t.connections().size() >= c.maxPerTorrent()) {
                return;
            }
            TorrentState.KnownPeer k = e.getValue();
            if (k.connected || k.self || k.nextDialAt > now || e.getKey().equals(listenAddress)) {
                continue;
            }
            if (connectedTo == null) {
                connectedTo = new java.util.HashSet<>();
                for (PeerConnection pc : t.connections()) {
                    InetSocketAddress a = pc.listenAddress();
                    if (a != null) {
                        connectedTo.add(a);
                    }
                }
            }
            if (connectedTo.contains(e.getKey())) {
                continue; // it connected to us (its listen port from its extension handshake): no second connection
            }
            k.connected = true;
            InetSocketAddress address = e.getKey();
            PeerConnection[] holder = new PeerConnection[1];
            network.dial(address, transport -> {
                holder[0] = new PeerConnection(this, transport, t, clock.getAsLong());
                open.add(holder[0]);
                return events(holder[0]);
            }, cause -> {
                k.connected = false;
                k.failures++;
                k.nextDialAt = clock.getAsLong() + c.redialDelay().toMillis() * (1L << Math.min(k.failures, 6));
            });
        }
    }

    private ChannelEvents incoming(dev.swarm.peerbridge.session.PeerTransport transport) {
        PeerConnection conn = new PeerConnection(this, transport, null, clock.getAsLong());
        String refusal = open.size() >= config.connections().maxTotal()
                ? "connection limit of " + config.connections().maxTotal() + " reached"
                : fromSameAddress(transport.remote()) >= config.connections().maxPerAddress()
                        ? "per-address connection limit of " + config.connections().maxPerAddress() + " reached"
                        : null;
        open.add(conn);
        ChannelEvents ev = events(conn);
        if (refusal != null) {
            return new ChannelEvents() {
                @Override
                public void onOpen() {
                    conn.close(refusal);
                }

                @Override
                public void onBytes(ByteBuffer in) {
                    in.position(in.limit());
                }

                @Override
                public void onClosed() {
                    ev.onClosed();
                }
            };
        }
        return ev;
    }

    /** Incoming connections open now from the IP address of {@code remote}. */
    private int fromSameAddress(InetSocketAddress remote) {
        int n = 0;
        for (PeerConnection c : open) {
            InetSocketAddress r = c.isIncoming() ? c.transport().remote() : null;
            if (r != null && r.getAddress() != null && r.getAddress().equals(remote.getAddress())) {
                n++;
            }
        }
        return n;
    }

    private ChannelEvents events(PeerConnection conn) {
        return new ChannelEvents() {
            @Override
            public void onOpen() {
                conn.onOpen(clock.getAsLong());
            }

            @Override
            public void onBytes(ByteBuffer in) {
                conn.onBytes(in, clock.getAsLong());
            }

            @Override
            public void onClosed() {
                conn.onClosed();
            }
        };
    }

    /** Admission after the handshake: limits and duplicates. Returns a refusal reason or null. */
    String admit(PeerConnection conn) {
        TorrentState t = conn.torrent();
        var c = config.connections();
        if (t.connections().size() >= c.maxPerTorrent()) {
            return "per-torrent connection limit of " + c.maxPerTorrent() + " reached";
        }
        for (PeerConnection other : List.copyOf(t.connections())) {
            if (java.util.Arrays.equals(other.peerId(), conn.peerId())) {
                // Both sides see the same pair of connections; both keep the one opened by the larger peer id.
                if (java.util.Arrays.compareUnsigned(initiator(conn), initiator(other)) > 0) {
                    other.close("duplicate connection to this peer id");
                    t.connections().remove(other);
                    break;
                }
                return "duplicate connection to this peer id";
            }
        }
        t.connections().add(conn);
        return null;
    }

    private byte[] initiator(PeerConnection c) {
        return c.isIncoming() ? c.peerId() : peerId;
    }

    void markSelf(TorrentState t, InetSocketAddress remote) {
        TorrentState.KnownPeer k = t.known().get(remote);
        if (k != null) {
            k.self = true;
        }
    }

    void closed(PeerConnection conn) {
        open.remove(conn);
        TorrentState t = conn.torrent();
        if (t == null) {
            return;
        }
        t.connections().remove(conn);
        if (t.fetcher() != null) {
            carryOut(t, t.fetcher().gone(conn, clock.getAsLong()));
        }
        if (!conn.isIncoming()) {
            TorrentState.KnownPeer k = t.known().get(conn.transport().remote());
            if (k != null) {
                k.connected = false;
                k.nextDialAt = clock.getAsLong() + config.connections().redialDelay().toMillis();
            }
        }
        LOG.debug("peer {} closed: {}", conn.transport().remote(), conn.closeReason());
    }

    /** Current numbers for the Prometheus endpoint, taken on the loop thread. */
    public record Counts(int torrents, int connections, int knownPeers, Map<TrackerSet.Status, Integer> trackers,
            int advertised) {
    }

    /** The bridge's current numbers: torrents, open connections, known peers, trackers by state, advertised ones. */
    public Counts counts() {
        return onLoop(() -> {
            int known = 0;
            int advertised = 0;
            Map<TrackerSet.Status, Integer> byStatus = new java.util.EnumMap<>(TrackerSet.Status.class);
            for (TrackerSet.Status s : TrackerSet.Status.values()) {
                byStatus.put(s, 0);
            }
            for (TorrentState t : torrents.values()) {
                known += t.known().size();
                advertised += t.advertisable().size();
                for (TrackerSet.Tracker tr : t.trackers().trackers()) {
                    byStatus.merge(tr.status(), 1, Integer::sum);
                }
            }
            return new Counts(torrents.size(), open.size(), known, Map.copyOf(byStatus), advertised);
        });
    }

    /** True while the peer listener is bound and open. */
    public boolean listening() {
        return !closed && network.listening();
    }

    /**
     * One torrent as the web package reads it, taken on the loop thread.
     *
     * @param spec        what it was added from (with the .torrent bytes when there was a file)
     * @param trackers    its trackers, by tier
     * @param advertising the verified trackers, best ranked first
     * @param ranking     its ranking, best first
     * @param peers       the open peer connections
     * @param knownPeers  peer addresses remembered
     * @param lastErrors  the last error per tracker that is failing now
     * @param isPrivate   private by the .torrent or by the fetched info dictionary (BEP 27)
     * @param name        the .torrent's or magnet's name, else the fetched info dictionary's, else empty
     * @param info        the info dictionary fetched over ut_metadata (or loaded from the metadata store), verified
     *                    against the info-hash; null when it came with a .torrent ({@code spec.metainfo()}) or is unknown
     */
    public record TorrentSnapshot(TorrentSpec spec, List<TrackerSet.Tracker> trackers, List<String> advertising,
            List<TrackerRanking.Rank> ranking, List<PeerConnection.View> peers, int knownPeers,
            Map<String, String> lastErrors, boolean isPrivate, String name, byte[] info) {
    }

    /** Every torrent, typed: what the web package publishes, beside the health monitor's figures ({@link #health()}). */
    public List<TorrentSnapshot> snapshot() {
        return onLoop(() -> {
            long now = clock.getAsLong();
            List<TorrentSnapshot> out = new ArrayList<>();
            for (TorrentState t : torrents.values()) {
                List<PeerConnection.View> peers = new ArrayList<>();
                for (PeerConnection c : t.connections()) {
                    peers.add(c.view(now));
                }
                Map<String, String> errors = new LinkedHashMap<>();
                for (TrackerSet.Tracker tr : t.trackers().trackers()) {
                    String e = t.lastError(tr.url());
                    if (e != null) {
                        errors.put(tr.url(), e);
                    }
                }
                String name = !t.spec().name().isEmpty() || t.infoDict() == null ? t.spec().name() : t.infoDict().name();
                out.add(new TorrentSnapshot(t.spec(), t.trackers().trackers(), t.advertisable(),
                        ranking.rank(t.key()), List.copyOf(peers), t.known().size(), errors, t.isPrivate(), name,
                        t.info()));
            }
            return out;
        });
    }

    /** The overall ranking, best first. */
    public List<TrackerRanking.Rank> overallRanking() {
        return ranking.overall();
    }

    /**
     * Everything the API shows, taken on the loop thread (the DHT's figures on its own thread); the health figures (field {@code health} of each
     * torrent and each of its trackers) are added after, off the loop.
     */
    public Map<String, Object> status() {
        return views.status();
    }

    /** The ranking overall and per torrent, and (field {@code health}) every tracker's health, best first. */
    public Map<String, Object> ranking() {
        return views.ranking();
    }

    /** Runs {@code task} on the loop thread (at once when already on it) and returns its result. */
    <T> T onLoop(Callable<T> task) {
        if (network.loop().inEventLoop()) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return network.loop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("bridge loop did not answer: " + e, e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        // Leave every swarm: stopped to every tracker announced to, waited for STOP_GRACE_MILLIS in all.
        try {
            List<CompletableFuture<AnnounceResult>> stops = network.loop().isShuttingDown() ? List.of() : onLoop(() -> {
                List<CompletableFuture<AnnounceResult>> all = new ArrayList<>();
                for (TorrentState t : torrents.values()) {
                    all.addAll(sendStopped(t));
                }
                return all;
            });
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("some trackers did not take our stopped within {} ms", STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            LOG.debug("sending stopped failed", e);
        }
        if (dht != null) {
            dht.close();
        }
        network.close();
        http.close();
        udp.close();
        health.close();
        resolver.close();
    }
}

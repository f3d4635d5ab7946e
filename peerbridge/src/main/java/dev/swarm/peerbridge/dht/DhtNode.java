package dev.swarm.peerbridge.dht;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.dht.krpc.Krpc;
import dev.swarm.peerbridge.dht.krpc.KrpcException;
import dev.swarm.peerbridge.dht.krpc.KrpcMessage;
import dev.swarm.peerbridge.dht.krpc.NodeIds;
import dev.swarm.peerbridge.dht.krpc.NodeInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A Mainline DHT node (BEP 5) on its own UDP socket and its own single Netty event loop thread
 * ({@code pb-dht}), which owns all of its state.
 *
 * <p>What it does: joins through the configured bootstrap nodes (and the nodes it saved last time),
 * keeps a {@link RoutingTable}, runs an iterative {@code get_peers} {@link Lookup} for every torrent
 * it was given (alpha 3, K 8, at most {@value #MAX_LOOKUP_QUERIES} queries) and again every
 * lookup interval, and hands the peers found to the bridge. Read-only (BEP 43, the default) it marks
 * its queries {@code ro = 1}, answers nothing and announces nothing. Otherwise it answers
 * {@code ping}, {@code find_node}, {@code get_peers} and {@code announce_peer} with {@link Tokens},
 * stores announced peers in a bounded {@link PeerStore}, and announces its own torrents with the
 * bridge's listen port to the closest nodes that gave it a token.
 *
 * <p>Bounds: the table ({@code max-nodes}), queries waiting for an answer ({@code max-outstanding}),
 * answered queries per source IP and in all ({@link SourceRateLimit}), stored peers, the datagram size
 * ({@link Krpc#MAX_PACKET}). A source that has not answered one of our queries (not verified) never
 * gets a reply larger than its query: {@code values} and {@code nodes} are cut until it fits, or
 * nothing is sent. Malformed KRPC gets error 203/204 (same size rule) or is dropped.
 *
 * <p>Why not a library: the one Java Mainline DHT, mldht (embedded in the {@code bt} project's
 * {@code bt-dht}), has had no release on Maven Central since 2021, pulls in the {@code bt} runtime and
 * Guice, and has no BEP 43 read-only mode; the DHT needed here is small (four queries), so it is
 * written on the project's own bencode codec and Netty, like the rest of the bridge.
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
    private static final HexFormat HEX = HexFormat.of();
    /** BEP 5: K, nodes per bucket and nodes per answer. */
    static final int K = 8;
    /** Queries in flight per lookup. */
    static final int ALPHA = 3;
    /** A lookup ends after this many queries, whatever happens. */
    static final int MAX_LOOKUP_QUERIES = 64;
    /** Peers per get_peers answer (~50 fit a 1500-byte datagram with room to spare). */
    static final int MAX_VALUES = 50;
    /** BEP 5: token secrets change every 5 minutes. */
    static final long TOKEN_ROTATE_MILLIS = 5 * 60_000;
    /** How often timers are looked at (real time; what is due is decided by the injected clock). */
    static final long TICK_MILLIS = 100;
    /** Re-join through the bootstrap nodes this often while the table holds fewer than K nodes. */
    static final long REBOOTSTRAP_MILLIS = 30_000;
    /** Save the routing table this often. */
    static final long SAVE_MILLIS = 5 * 60_000;
    /** Sources that answered us, remembered as verified beyond the routing table. */
    static final int MAX_VERIFIED = 4096;
    /**
     * A source IP that queries us is pinged (to verify it and add it to the table) at most once per this
     * long, so spoofed queries cannot make us send a stream of pings to a victim.
     */
    static final long VERIFY_PING_MILLIS = 10 * 60_000;
    /** Announced peers per info-hash. */
    static final int MAX_PEERS_PER_HASH = 200;

    /** Counters and sizes, for status and tests. */
    public record Status(String nodeId, String listen, boolean readOnly, int nodes, int outstanding, int storedPeers,
            long queriesIn, long answered, long droppedRate, long droppedSize, long malformed, long repliesIn,
            long timeouts, Map<String, Integer> peersFound) {
    }

    /** A torrent we look up. */
    private static final class Torrent {
        final byte[] infoHash;
        final int announcePort;
        long nextLookupAt;
        Lookup lookup;
        final java.util.Set<InetSocketAddress> found = new java.util.LinkedHashSet<>();

        Torrent(byte[] infoHash, int announcePort) {
            this.infoHash = infoHash;
            this.announcePort = announcePort;
        }
    }

    /** A query of ours waiting for its answer. */
    private record Pending(InetSocketAddress to, KrpcMessage.Method method, long deadline, Lookup lookup) {
    }

    private final BridgeConfig.Dht config;
    private final LongSupplier clock;
    private final BiConsumer<byte[], List<InetSocketAddress>> sink;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final SecureRandom random = new SecureRandom();
    private final byte[] ownId;
    private final RoutingTable table;
    private final Tokens tokens;
    private final PeerStore store;
    private final SourceRateLimit limit;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    private final Map<String, Torrent> torrents = new LinkedHashMap<>();
    private final Map<InetSocketAddress, Boolean> verified = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
            return size() > MAX_VERIFIED;
        }
    };
    private final Map<InetAddress, Long> verifyPinged = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Long> eldest) {
            return size() > MAX_VERIFIED;
        }
    };
    private final List<NodeInfo> saved;
    private Channel channel;
    private ScheduledFuture<?> ticker;
    private Lookup selfLookup;
    private int nextTx = new SecureRandom().nextInt(1 << 16);
    private long lastBootstrap = Long.MIN_VALUE / 2;
    private long lastSave;
    private long queriesIn;
    private long answered;
    private long droppedRate;
    private long droppedSize;
    private long malformed;
    private long repliesIn;
    private long timeouts;
    private volatile boolean closed;

    private DhtNode(BridgeConfig.Dht config, LongSupplier clock, BiConsumer<byte[], List<InetSocketAddress>> sink) {
        this.config = config;
        this.clock = clock;
        this.sink = sink;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pb-dht", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        StateFile.State state = StateFile.read(config.stateFile(), config.maxNodes());
        byte[] id = state.id();
        if (!StateFile.validId(id)) {
            id = new byte[NodeIds.LENGTH];
            random.nextBytes(id);
        }
        this.ownId = id;
        this.saved = state.nodes();
        long now = clock.getAsLong();
        this.table = new RoutingTable(ownId, K, config.maxNodes());
        this.tokens = new Tokens(TOKEN_ROTATE_MILLIS, now);
        this.store = new PeerStore(config.maxStoredPeers(), MAX_PEERS_PER_HASH, config.peerTtl().toMillis());
        this.limit = new SourceRateLimit(config.sourceRate(), config.sourceBurst(), config.totalRate(), 65_536, now);
        this.lastSave = now;
    }

    /**
     * Binds the socket and starts joining.
     *
     * @param sink receives (info-hash, peers) on the node's thread whenever a lookup finds new peers
     */
    public static DhtNode start(BridgeConfig.Dht config, LongSupplier clock,
            BiConsumer<byte[], List<InetSocketAddress>> sink) throws InterruptedException {
        DhtNode n = new DhtNode(config, clock, sink);
        try {
            n.channel = new Bootstrap().group(n.group).channel(NioDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            n.receive(p);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            LOG.debug("dht socket: {}", cause.toString());
                        }
                    }).bind(config.listen()).sync().channel();
            n.ticker = n.loop.scheduleAtFixedRate(n::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Throwable e) {
            n.close();
            throw e;
        }
        LOG.info("dht node {} on udp {} ({}), {} bootstrap nodes, {} saved nodes", HEX.formatHex(n.ownId),
                n.address(), config.readOnly() ? "read-only" : "answering", config.bootstrap().size(), n.saved.size());
        return n;
    }

    /** The bound UDP address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Our node id. */
    public byte[] nodeId() {
        return ownId.clone();
    }

    /** Looks up peers for {@code infoHash} (from any thread); {@code announcePort} is announced when not read-only. */
    public void addTorrent(byte[] infoHash, int announcePort) {
        byte[] ih = infoHash.clone();
        later(() -> torrents.putIfAbsent(HEX.formatHex(ih), new Torrent(ih, announcePort)));
    }

    /** Stops looking up {@code infoHash} (from any thread). */
    public void removeTorrent(byte[] infoHash) {
        String key = HEX.formatHex(infoHash);
        later(() -> torrents.remove(key));
    }

    /**
     * Pings a node a peer told us about (BEP 5 {@code port} message), from any thread; it joins the table
     * if it answers. At most once per address per {@link #VERIFY_PING_MILLIS}, and only with room for queries.
     */
    public void ping(InetSocketAddress node) {
        later(() -> {
            long now = clock.getAsLong();
            Long last = verifyPinged.get(node.getAddress());
            if (!table.contains(node) && (last == null || now - last >= VERIFY_PING_MILLIS)
                    && pending.size() < config.maxOutstanding() / 2) {
                verifyPinged.put(node.getAddress(), now);
                query(node, KrpcMessage.Method.PING, null, null, now);
            }
        });
    }

    /** Current figures, taken on the node's thread. */
    public Status status() {
        return onLoop(() -> {
            Map<String, Integer> found = new LinkedHashMap<>();
            torrents.forEach((k, t) -> found.put(k, t.found.size()));
            return new Status(HEX.formatHex(ownId), address().getAddress().getHostAddress() + ":" + address().getPort(),
                    config.readOnly(), table.size(), pending.size(), store.size(), queriesIn, answered, droppedRate,
                    droppedSize, malformed, repliesIn, timeouts, found);
        });
    }

    /** The routing table now (for tests and status), taken on the node's thread. */
    public List<NodeInfo> nodes() {
        return onLoop(table::all);
    }

    // ---- receiving -------------------------------------------------------------------------------------------

    private void receive(DatagramPacket p) {
        try {
            InetSocketAddress from = p.sender();
            ByteBuf buf = p.content();
            int len = buf.readableBytes();
            long now = clock.getAsLong();
            if (len > Krpc.MAX_PACKET) {
                malformed++;
                return;
            }
            byte[] data = new byte[len];
            buf.getBytes(buf.readerIndex(), data);
            KrpcMessage m;
            try {
                m = Krpc.decode(data);
            } catch (KrpcException e) {
                malformed++;
                if (e.wasQuery() && e.transactionId() != null && !config.readOnly() && limit.allow(from.getAddress(), now)) {
                    send(from, new KrpcMessage.Error(e.transactionId(), e.code(), e.getMessage()), len);
                }
                return;
            }
            switch (m) {
                case KrpcMessage.Query q -> onQuery(from, q, len, now);
                case KrpcMessage.Response r -> onResponse(from, r, now);
                case KrpcMessage.Error e -> onError(from, e);
            }
        } catch (RuntimeException e) {
            LOG.warn("dht: datagram from {} not handled: {}", p.sender(), e.toString());
        }
    }

    private boolean isVerified(InetSocketAddress a) {
        return table.contains(a) || verified.containsKey(a);
    }

    private void onQuery(InetSocketAddress from, KrpcMessage.Query q, int queryLength, long now) {
        queriesIn++;
        if (config.readOnly()) {
            return; // BEP 43: a read-only node answers nothing
        }
        if (!limit.allow(from.getAddress(), now)) {
            droppedRate++;
            return;
        }
        byte[] t = q.transactionId();
        KrpcMessage reply = switch (q.method()) {
            case PING -> KrpcMessage.Response.idOnly(t, ownId, from);
            case FIND_NODE -> new KrpcMessage.Response(t, ownId, table.closest(q.target(), K), List.of(), List.of(),
                    null, from);
            case GET_PEERS -> {
                List<InetSocketAddress> values = store.peers(q.target(), MAX_VALUES, now);
                yield new KrpcMessage.Response(t, ownId, table.closest(q.target(), K), List.of(), values,
                        tokens.issue(from.getAddress(), now), from);
            }
            case ANNOUNCE_PEER -> {
                if (!tokens.valid(q.token(), from.getAddress(), now)) {
                    yield new KrpcMessage.Error(t, KrpcException.PROTOCOL, "bad token");
                }
                int port = q.impliedPort() ? from.getPort() : q.port();
                store.announce(q.target(), new InetSocketAddress(from.getAddress(), port), now);
                yield KrpcMessage.Response.idOnly(t, ownId, from);
            }
        };
        send(from, reply, queryLength);
        if (!q.readOnly() && !table.contains(from) && table.wouldAdd(q.senderId())
                && pending.size() < config.maxOutstanding() / 2) {
            Long last = verifyPinged.get(from.getAddress());
            if (last == null || now - last >= VERIFY_PING_MILLIS) {
                // a node we do not know: it joins the table once it answers a ping of ours
                verifyPinged.put(from.getAddress(), now);
                query(from, KrpcMessage.Method.PING, null, null, now);
            }
        }
    }

    private void onResponse(InetSocketAddress from, KrpcMessage.Response r, long now) {
        Pending p = takePending(from, r.transactionId());
        if (p == null) {
            return; // not an answer to a query of ours from where it went: dropped
        }
        repliesIn++;
        verified.put(from, Boolean.TRUE);
        table.seen(new NodeInfo(r.senderId(), from), now);
        if (p.lookup() == null && p.method() == KrpcMessage.Method.FIND_NODE && selfLookup != null) {
            // a bootstrap node's answer: its nodes seed the self-lookup
            r.nodes().stream().filter(n -> usable(n.address())).forEach(selfLookup::offer);
            advance(selfLookup, now);
        }
        if (p.lookup() != null) {
            List<NodeInfo> closer = r.nodes().stream().filter(n -> usable(n.address())).toList();
            List<InetSocketAddress> values = r.values().stream().filter(this::usable).toList();
            p.lookup().answered(from, closer, values, r.token());
            advance(p.lookup(), now);
        }
    }

    private void onError(InetSocketAddress from, KrpcMessage.Error e) {
        Pending p = takePending(from, e.transactionId());
        if (p == null) {
            return;
        }
        repliesIn++;
        LOG.debug("dht: {} answered {} with error {} {}", from, p.method().wire(), e.code(), e.message());
        if (p.lookup() != null) {
            p.lookup().failed(from);
            advance(p.lookup(), clock.getAsLong());
        }
    }

    private Pending takePending(InetSocketAddress from, byte[] t) {
        if (t.length != 2) {
            return null;
        }
        int key = ((t[0] & 0xff) << 8) | (t[1] & 0xff);
        Pending p = pending.get(key);
        if (p == null || !p.to().equals(from)) {
            return null;
        }
        pending.remove(key);
        return p;
    }

    // ---- sending ---------------------------------------------------------------------------------------------

    /** Sends a reply; to an unverified source only when no larger than its query (cut values, then nodes). */
    private void send(InetSocketAddress to, KrpcMessage reply, int queryLength) {
        byte[] out = Krpc.encode(reply);
        if (!isVerified(to) && out.length > queryLength && reply instanceof KrpcMessage.Response r) {
            List<InetSocketAddress> values = new ArrayList<>(r.values());
            List<NodeInfo> nodes = new ArrayList<>(r.nodes());
            while (out.length > queryLength && (!values.isEmpty() || !nodes.isEmpty())) {
                if (!values.isEmpty()) {
                    values.remove(values.size() - 1);
                } else {
                    nodes.remove(nodes.size() - 1);
                }
                out = Krpc.encode(new KrpcMessage.Response(r.transactionId(), r.senderId(), nodes, List.of(), values,
                        r.token(), r.requester()));
            }
            if (out.length > queryLength) {
                // without the BEP 42 ip field
                out = Krpc.encode(new KrpcMessage.Response(r.transactionId(), r.senderId(), nodes, List.of(), values,
                        r.token(), null));
            }
        }
        if (!isVerified(to) && out.length > queryLength) {
            droppedSize++;
            return;
        }
        answered++;
        write(to, out);
    }

    private void write(InetSocketAddress to, byte[] out) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out), to), channel.voidPromise());
    }

    /** Whether we may send to an address at all (no wildcard, multicast or port 0). */
    private boolean usable(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        return ip != null && a.getPort() > 0 && !ip.isAnyLocalAddress() && !ip.isMulticastAddress();
    }

    /** Sends one of our queries; false when too many are outstanding. */
    private boolean query(InetSocketAddress to, KrpcMessage.Method method, byte[] target, Lookup lookup, long now) {
        if (pending.size() >= config.maxOutstanding() || !usable(to)) {
            return false;
        }
        int key;
        do {
            key = nextTx++ & 0xffff;
        } while (pending.containsKey(key));
        byte[] t = {(byte) (key >>> 8), (byte) key};
        boolean ro = config.readOnly();
        KrpcMessage.Query q = switch (method) {
            case PING -> KrpcMessage.Query.ping(t, ownId, ro);
            case FIND_NODE -> KrpcMessage.Query.findNode(t, ownId, target, ro);
            case GET_PEERS -> KrpcMessage.Query.getPeers(t, ownId, target, ro);
            case ANNOUNCE_PEER -> throw new IllegalArgumentException("announce through announce()");
        };
        pending.put(key, new Pending(to, method, now + config.queryTimeout().toMillis(), lookup));
        write(to, Krpc.encode(q));
        return true;
    }

    private void announce(InetSocketAddress to, byte[] infoHash, int port, byte[] token, long now) {
        if (pending.size() >= config.maxOutstanding() || !usable(to)) {
            return;
        }
        int key;
        do {
            key = nextTx++ & 0xffff;
        } while (pending.containsKey(key));
        byte[] t = {(byte) (key >>> 8), (byte) key};
        pending.put(key, new Pending(to, KrpcMessage.Method.ANNOUNCE_PEER, now + config.queryTimeout().toMillis(), null));
        write(to, Krpc.encode(KrpcMessage.Query.announcePeer(t, ownId, infoHash, port, false, token)));
    }

    // ---- timers ----------------------------------------------------------------------------------------------

    private void tickSafely() {
        try {
            tick(clock.getAsLong());
        } catch (RuntimeException e) {
            LOG.error("dht tick failed; continuing", e);
        }
    }

    private void tick(long now) {
        expire(now);
        if (table.size() < K && now - lastBootstrap >= REBOOTSTRAP_MILLIS) {
            bootstrap(now);
        }
        if (selfLookup != null) {
            advance(selfLookup, now);
        }
        for (Torrent t : torrents.values()) {
            if (t.lookup == null && now >= t.nextLookupAt && table.size() > 0) {
                t.lookup = new Lookup(t.infoHash, true, ALPHA, K, MAX_LOOKUP_QUERIES, table.closest(t.infoHash, K * 2));
                t.nextLookupAt = now + config.lookupInterval().toMillis();
            }
            if (t.lookup != null) {
                advance(t.lookup, now);
                deliver(t);
                if (t.lookup.done()) {
                    finish(t, now);
                }
            }
        }
        if (now - lastSave >= SAVE_MILLIS) {
            save();
            lastSave = now;
            store.expire(now);
        }
    }

    private void expire(long now) {
        var it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.deadline() <= now) {
                it.remove();
                timeouts++;
                table.failed(p.to());
                if (p.lookup() != null) {
                    p.lookup().failed(p.to());
                }
            }
        }
    }

    /** Sends find_node for our own id to the bootstrap and saved nodes; answers start the self-lookup. */
    private void bootstrap(long now) {
        lastBootstrap = now;
        List<InetSocketAddress> bootstrap = config.bootstrap();
        // names are resolved off the loop; the queries are sent from the loop
        Thread.ofVirtual().name("pb-dht-resolve").start(() -> {
            List<InetSocketAddress> resolved = new ArrayList<>();
            for (InetSocketAddress b : bootstrap) {
                InetSocketAddress r = b.isUnresolved() ? new InetSocketAddress(b.getHostString(), b.getPort()) : b;
                if (r.isUnresolved()) {
                    LOG.warn("dht bootstrap node {}:{} does not resolve", b.getHostString(), b.getPort());
                } else {
                    resolved.add(r);
                }
            }
            later(() -> joinThrough(resolved, clock.getAsLong()));
        });
    }

    private void joinThrough(List<InetSocketAddress> nodes, long now) {
        List<NodeInfo> start = new ArrayList<>(table.closest(ownId, K));
        selfLookup = new Lookup(ownId, false, ALPHA, K, MAX_LOOKUP_QUERIES, start);
        for (NodeInfo n : saved) {
            selfLookup.offer(n);
        }
        for (InetSocketAddress a : nodes) {
            // the id of a bootstrap node is unknown: its answer adds it to the table and gives closer nodes
            query(a, KrpcMessage.Method.FIND_NODE, ownId, null, now);
        }
    }

    private void advance(Lookup l, long now) {
        if (l == selfLookup && l.done() && l.queries() > 0) {
            selfLookup = null;
            return;
        }
        if (l == selfLookup) {
            // bootstrap answers arrive outside the lookup: feed the table's closest in
            table.closest(ownId, K).forEach(l::offer);
        }
        for (NodeInfo n : l.next()) {
            if (!query(n.address(), l.getPeers() ? KrpcMessage.Method.GET_PEERS : KrpcMessage.Method.FIND_NODE,
                    l.target(), l, now)) {
                l.failed(n.address());
            }
        }
    }

    private void deliver(Torrent t) {
        List<InetSocketAddress> fresh = new ArrayList<>();
        for (InetSocketAddress p : t.lookup.peers()) {
            if (t.found.size() < 10_000 && t.found.add(p)) {
                fresh.add(p);
            }
        }
        if (!fresh.isEmpty()) {
            LOG.debug("dht: {} new peers for {}", fresh.size(), HEX.formatHex(t.infoHash));
            sink.accept(t.infoHash.clone(), List.copyOf(fresh));
        }
    }

    private void finish(Torrent t, long now) {
        Lookup l = t.lookup;
        t.lookup = null;
        if (!config.readOnly() && t.announcePort > 0) {
            for (Lookup.Candidate c : l.closestWithTokens()) {
                announce(c.node.address(), t.infoHash, t.announcePort, c.token, now);
            }
        }
        LOG.debug("dht: get_peers for {} done after {} queries, {} peers", HEX.formatHex(t.infoHash), l.queries(),
                l.peers().size());
    }

    private void save() {
        if (config.stateFile() == null) {
            return;
        }
        try {
            StateFile.write(config.stateFile(), ownId, table.all());
        } catch (IOException | RuntimeException e) {
            LOG.warn("dht: cannot save the routing table to {}: {}", config.stateFile(), e.toString());
        }
    }

    /** Runs {@code task} on the node's thread; dropped once the node is closed. */
    private void later(Runnable task) {
        if (closed) {
            return;
        }
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nothing to do any more
        }
    }

    private <T> T onLoop(Callable<T> task) {
        try {
            return loop.inEventLoop() ? task.call() : loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("dht loop did not answer: " + e, e);
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
        if (channel != null) {
            try {
                loop.submit(this::save).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("dht: save on close: {}", e.toString());
            }
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

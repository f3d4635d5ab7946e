package dev.swarm.peerbridge.session;

import dev.swarm.peerbridge.tex.TexAdvertiser;
import dev.swarm.peerbridge.wire.ExtensionHandshake;
import dev.swarm.peerbridge.wire.Handshake;
import dev.swarm.peerbridge.wire.MessageCodec;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.PieceSet;
import dev.swarm.peerbridge.wire.TexMessage;
import dev.swarm.peerbridge.wire.WireException;
import dev.swarm.protocol.InfoHash;

import dev.swarm.peerbridge.metadata.MetadataMessage;
import dev.swarm.peerbridge.pex.PexMessage;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One peer connection's state machine: BEP 3 handshake, then the BEP 10 extension handshake, then
 * the steady state in which it records what the peer has, answers as an observer (never unchokes,
 * so requests are ignored as BEP 3 allows), sends keep-alives, and exchanges trackers over
 * {@code lt_tex}. Any protocol violation closes the connection with the reason recorded. All
 * methods run on the bridge's event loop thread.
 */
public final class PeerConnection {
    /** Our id for {@code lt_tex} in {@code m}, the one libtorrent 1.1 used. */
    public static final int LT_TEX_ID = 19;
    /** Our id for {@code ut_pex} in {@code m} (as libtorrent). */
    public static final int UT_PEX_ID = 1;
    /** Our id for {@code ut_metadata} in {@code m} (as libtorrent). */
    public static final int UT_METADATA_ID = 2;
    public static final String UT_PEX = "ut_pex";
    public static final String UT_METADATA = "ut_metadata";

    enum State { AWAIT_HANDSHAKE, ACTIVE, CLOSED }

    private final Bridge bridge;
    private final PeerTransport transport;
    private final boolean incoming;
    private final MessageCodec codec;
    private final long openedAt;
    private State state = State.AWAIT_HANDSHAKE;
    private TorrentState torrent;
    private byte[] peerId;
    private ExtensionHandshake peerExtensions;
    private TexAdvertiser advertiser;
    private PieceSet pieces;
    private boolean peerChoking = true;
    private boolean peerInterested;
    private long lastReceived;
    private long lastSent;
    private long messages;
    private long ignored;
    private long texReceived;
    private long texSent;
    private Integer dhtPort;
    private long pexReceived;
    private long pexSent;
    private long nextPexAt = Long.MAX_VALUE;
    private final Set<InetSocketAddress> pexLast = new LinkedHashSet<>();
    private String closeReason;

    /**
     * @param torrent the torrent dialed for an outgoing connection; null for an incoming one (the
     *                peer's handshake names it)
     */
    PeerConnection(Bridge bridge, PeerTransport transport, TorrentState torrent, long nowMillis) {
        this.bridge = bridge;
        this.transport = transport;
        this.incoming = torrent == null;
        this.torrent = torrent;
        this.codec = new MessageCodec(bridge.config().connections().maxMessageSize());
        this.openedAt = nowMillis;
        this.lastReceived = nowMillis;
        this.lastSent = nowMillis;
    }

    /** The transport is open: an outgoing connection sends its handshake first. */
    void onOpen(long now) {
        if (!incoming) {
            sendHandshake(now);
        }
    }

    /**
     * Consumes as many whole handshake/messages as {@code in} holds; leaves a partial one in place.
     */
    public void onBytes(ByteBuffer in, long now) {
        if (state == State.CLOSED) {
            in.position(in.limit());
            return;
        }
        lastReceived = now;
        try {
            if (state == State.AWAIT_HANDSHAKE) {
                Handshake h = Handshake.read(in);
                if (h == null) {
                    return;
                }
                onHandshake(h, now);
            }
            PeerMessage m;
            while (state == State.ACTIVE && (m = codec.read(in)) != null) {
                messages++;
                onMessage(m, now);
            }
        } catch (WireException e) {
            close("protocol error: " + e.getMessage());
        }
    }

    private void onHandshake(Handshake h, long now) throws WireException {
        InfoHash ih = InfoHash.of(h.infoHash());
        if (incoming) {
            TorrentState t = bridge.torrent(ih);
            if (t == null) {
                close("unknown info-hash " + ih.toHex());
                return;
            }
            torrent = t;
        } else if (!torrent.infoHash().equals(ih)) {
            close("peer answered with another info-hash " + ih.toHex());
            return;
        }
        peerId = h.peerId();
        if (Arrays.equals(peerId, bridge.peerId())) {
            bridge.markSelf(torrent, transport.remote());
            close("connected to ourselves");
            return;
        }
        String refusal = bridge.admit(this);
        if (refusal != null) {
            close(refusal);
            return;
        }
        state = State.ACTIVE;
        pieces = new PieceSet(torrent.pieceCount(), 8 * codec.maxLength());
        if (incoming) {
            sendHandshake(now);
        }
        if (h.supportsExtensions()) {
            send(new PeerMessage.Extended(0, ourExtensionHandshake().encode()), now);
        }
        int dht = bridge.dhtPortFor(torrent);
        if (dht > 0 && h.supportsDht()) {
            send(new PeerMessage.Port(dht), now); // BEP 5: our DHT node, for the peer to ping
        }
    }

    private void sendHandshake(long now) {
        Handshake ours = Handshake.withExtensions(torrent.infoHash().bytes(), bridge.peerId());
        transport.send((bridge.dhtPortFor(torrent) > 0 ? ours.withDht() : ours).encode());
        lastSent = now;
    }

    private ExtensionHandshake ourExtensionHandshake() {
        boolean tex = torrent.texAllowed();
        byte[] yourIp = transport.remote().getAddress() == null ? null : transport.remote().getAddress().getAddress();
        Map<String, Integer> m = new HashMap<>();
        if (tex) {
            m.put(ExtensionHandshake.LT_TEX, LT_TEX_ID);
        }
        if (torrent.pexAllowed()) {
            m.put(UT_PEX, UT_PEX_ID);
        }
        m.put(UT_METADATA, UT_METADATA_ID);
        byte[] info = torrent.info();
        return new ExtensionHandshake(m, bridge.listenPort(), bridge.config().clientName(), 250,
                tex ? dev.swarm.peerbridge.wire.TrackerListHash.of(torrent.advertisable()) : null, yourIp,
                info == null ? null : (long) info.length);
    }

    private void onMessage(PeerMessage m, long now) throws WireException {
        switch (m) {
            case PeerMessage.KeepAlive k -> {
            }
            case PeerMessage.Choke c -> peerChoking = true;
            case PeerMessage.Unchoke u -> peerChoking = false;
            case PeerMessage.Interested i -> peerInterested = true;
            case PeerMessage.NotInterested n -> peerInterested = false;
            case PeerMessage.Have h -> pieces.applyHave(h.index());
            case PeerMessage.Bitfield b -> pieces.applyBitfield(b.bits());
            case PeerMessage.Request r -> ignored++;
            case PeerMessage.Piece p -> ignored++;
            case PeerMessage.Cancel c -> ignored++;
            case PeerMessage.Port p -> {
                dhtPort = p.port();
                bridge.dhtNodeOffered(torrent, transport.remote(), p.port());
            }
            case PeerMessage.Extended e -> onExtended(e, now);
            case PeerMessage.Unknown u -> ignored++;
        }
    }

    private void onExtended(PeerMessage.Extended e, long now) throws WireException {
        if (e.extendedId() == 0) {
            peerExtensions = ExtensionHandshake.decode(e.payload());
            int texId = peerExtensions.idOf(ExtensionHandshake.LT_TEX);
            if (advertiser == null) {
                advertiser = new TexAdvertiser(bridge.config().tex(), now, peerExtensions.trackerHash(),
                        texId != 0 && torrent.texAllowed());
            }
            if (peerExtensions.idOf(UT_PEX) != 0 && torrent.pexAllowed() && nextPexAt == Long.MAX_VALUE) {
                nextPexAt = now;
            }
            if (incoming && listenAddress() != null) {
                bridge.incomingListens(torrent, listenAddress());
            }
            Long size = peerExtensions.metadataSize();
            if (peerExtensions.idOf(UT_METADATA) != 0 && size != null) {
                bridge.metadataOffered(this, size, now);
            }
            return;
        }
        if (e.extendedId() == UT_METADATA_ID) {
            onMetadata(MetadataMessage.decode(e.payload()), now);
            return;
        }
        if (e.extendedId() == UT_PEX_ID) {
            if (!torrent.pexAllowed()) {
                ignored++;
                return;
            }
            PexMessage pex = PexMessage.decode(e.payload());
            pexReceived++;
            bridge.pexReceived(torrent, pex);
            return;
        }
        if (e.extendedId() != LT_TEX_ID || !torrent.texAllowed()) {
            ignored++;
            return;
        }
        if (peerExtensions == null || peerExtensions.idOf(ExtensionHandshake.LT_TEX) == 0) {
            throw new WireException("lt_tex message from a peer that did not announce lt_tex");
        }
        TexMessage tex = TexMessage.decode(e.payload());
        texReceived++;
        bridge.learn(torrent, tex.added(), now);
    }

    private void onMetadata(MetadataMessage m, long now) {
        if (m == null) {
            ignored++;
            return;
        }
        if (m instanceof MetadataMessage.Request r) {
            int id = peerExtensions == null ? 0 : peerExtensions.idOf(UT_METADATA);
            if (id == 0) {
                ignored++;
                return;
            }
            byte[] info = torrent.info();
            MetadataMessage answer = info == null || r.piece() >= MetadataMessage.pieceCount(info.length)
                    ? new MetadataMessage.Reject(r.piece())
                    : new MetadataMessage.Data(r.piece(), info.length, Arrays.copyOfRange(info,
                            r.piece() * MetadataMessage.BLOCK,
                            r.piece() * MetadataMessage.BLOCK + MetadataMessage.blockLength(info.length, r.piece())));
            sendExtended(id, MetadataMessage.encode(answer), now);
            return;
        }
        bridge.metadataMessage(this, m, now);
    }

    /** Sends an extended message with the id the peer asked for. */
    void sendExtended(int id, byte[] payload, long now) {
        if (state == State.ACTIVE) {
            send(new PeerMessage.Extended(id, payload), now);
        }
    }

    /** The id the peer wants {@code ut_metadata} messages with (0: none). */
    int peerMetadataId() {
        return peerExtensions == null ? 0 : peerExtensions.idOf(UT_METADATA);
    }

    /** The piece count became known (metadata): checks what the peer claimed so far. */
    void pieceCountKnown(int count) {
        if (pieces == null || state != State.ACTIVE) {
            return;
        }
        try {
            pieces.validate(count);
        } catch (WireException e) {
            close("protocol error: " + e.getMessage());
        }
    }

    /** Where the peer accepts connections: the dialed address, or the IP and BEP 10 {@code p} of an incoming one. */
    InetSocketAddress listenAddress() {
        if (!incoming) {
            return transport.remote();
        }
        Integer p = peerExtensions == null ? null : peerExtensions.listenPort();
        return p == null || transport.remote().getAddress() == null ? null
                : new InetSocketAddress(transport.remote().getAddress(), p);
    }

    /** The peer has every piece (needs the piece count). */
    boolean isSeed() {
        return pieces != null && pieces.isComplete();
    }

    private void sendPex(long now) {
        nextPexAt = now + bridge.config().exchange().pexInterval().toMillis();
        Set<InetSocketAddress> current = new LinkedHashSet<>();
        for (PeerConnection c : torrent.connections()) {
            InetSocketAddress a = c.listenAddress();
            if (c != this && c.isActive() && a != null && a.getAddress() != null) {
                current.add(a);
            }
        }
        List<PexMessage.Peer> added = new ArrayList<>();
        for (InetSocketAddress a : current) {
            if (added.size() < PexMessage.MAX_PER_MESSAGE && !pexLast.contains(a)) {
                added.add(new PexMessage.Peer(a, flagsOf(a)));
            }
        }
        List<InetSocketAddress> dropped = new ArrayList<>();
        for (InetSocketAddress a : pexLast) {
            if (dropped.size() < PexMessage.MAX_PER_MESSAGE && !current.contains(a)) {
                dropped.add(a);
            }
        }
        if (added.isEmpty() && dropped.isEmpty()) {
            return;
        }
        added.forEach(p -> pexLast.add(p.address()));
        dropped.forEach(pexLast::remove);
        sendExtended(peerExtensions.idOf(UT_PEX), new PexMessage(added, dropped).encode(), now);
        pexSent++;
    }

    private int flagsOf(InetSocketAddress a) {
        for (PeerConnection c : torrent.connections()) {
            if (a.equals(c.listenAddress())) {
                return (c.isSeed() ? PexMessage.FLAG_SEED : 0) | (c.incoming ? 0 : PexMessage.FLAG_REACHABLE);
            }
        }
        return 0;
    }

    /** Called every tick: timeouts, keep-alive, due {@code lt_tex} message. */
    void onTick(long now) {
        if (state == State.CLOSED) {
            return;
        }
        var c = bridge.config().connections();
        if (state == State.AWAIT_HANDSHAKE && now - openedAt > c.handshakeTimeout().toMillis()) {
            close("handshake timeout");
            return;
        }
        if (now - lastReceived > c.idleTimeout().toMillis()) {
            close("idle timeout");
            return;
        }
        if (state != State.ACTIVE) {
            return;
        }
        if (advertiser != null && now >= advertiser.nextPollAt()) {
            List<String> urls = advertiser.poll(now, torrent.advertisable());
            if (!urls.isEmpty()) {
                send(new PeerMessage.Extended(peerExtensions.idOf(ExtensionHandshake.LT_TEX), new TexMessage(urls).encode()),
                        now);
                texSent++;
                torrent.noteAdvertised(urls);
            }
        }
        if (now >= nextPexAt && torrent.pexAllowed()) {
            sendPex(now);
        }
        if (now - lastSent >= c.keepaliveInterval().toMillis()) {
            send(new PeerMessage.KeepAlive(), now);
        }
    }

    private void send(PeerMessage m, long now) {
        transport.send(MessageCodec.encode(m));
        lastSent = now;
    }

    /** Closes with a reason (kept for the API and logs). */
    public void close(String reason) {
        if (state != State.CLOSED) {
            closeReason = reason;
            state = State.CLOSED;
            transport.close();
        }
    }

    /** The transport closed (either side). */
    void onClosed() {
        if (closeReason == null) {
            closeReason = "closed by peer";
        }
        state = State.CLOSED;
        bridge.closed(this);
    }

    /** A snapshot for the API. */
    public record View(String address, boolean incoming, String state, String peerId, String client,
            boolean extensions, boolean ltTex, int pieces, int pieceCount, boolean seed, boolean peerChoking,
            boolean peerInterested, long messages, long ignored, long texReceived, long texSent, Integer dhtPort,
            long connectedMillis, String closeReason, String origin, boolean utPex, boolean utMetadata,
            long pexReceived, long pexSent, String listen) {
    }

    View view(long now) {
        return new View(hostPort(transport.remote()), incoming, state.name(), peerId == null ? null : printable(peerId),
                peerExtensions == null ? null : peerExtensions.client(), peerExtensions != null,
                peerExtensions != null && peerExtensions.idOf(ExtensionHandshake.LT_TEX) != 0,
                pieces == null ? 0 : pieces.count(), pieces == null ? -1 : pieces.pieceCount(),
                isSeed(), peerChoking, peerInterested, messages, ignored, texReceived,
                texSent, dhtPort, now - openedAt, closeReason, origin(),
                peerExtensions != null && peerExtensions.idOf(UT_PEX) != 0,
                peerExtensions != null && peerExtensions.idOf(UT_METADATA) != 0, pexReceived, pexSent,
                listenAddress() == null ? null : hostPort(listenAddress()));
    }

    /**
     * Where the peer was learned first, looked up by its listen address (so a peer that connected
     * to us after we learned it keeps that origin); {@code incoming} when it is not known otherwise.
     */
    private String origin() {
        InetSocketAddress a = listenAddress();
        TorrentState.KnownPeer k = a == null || torrent == null ? null : torrent.known().get(a);
        return k != null ? k.origin.toString() : incoming ? dev.swarm.peerbridge.peers.PeerOrigin.INCOMING.toString() : null;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String printable(byte[] id) {
        StringBuilder sb = new StringBuilder();
        for (byte b : id) {
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return sb.toString();
    }

    /** The peer's pieces, null before the handshake. */
    PieceSet pieces() {
        return pieces;
    }

    boolean isActive() {
        return state == State.ACTIVE;
    }

    boolean isIncoming() {
        return incoming;
    }

    TorrentState torrent() {
        return torrent;
    }

    byte[] peerId() {
        return peerId;
    }

    PeerTransport transport() {
        return transport;
    }

    String closeReason() {
        return closeReason;
    }
}

package dev.swarm.peerbridge.dht.krpc;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BInt;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The KRPC codec (BEP 5, with BEP 32 {@code nodes6}, BEP 42 {@code ip} and BEP 43 {@code ro}): bytes of
 * one UDP datagram to a {@link KrpcMessage} and back. Pure: no I/O, no state. Decoding uses the
 * project's bencode decoder (tracker-protocol) with tight limits; every problem is a
 * {@link KrpcException} carrying the BEP 5 error code and, when the message had one, its transaction
 * id, and no other exception escapes for any input.
 */
public final class Krpc {
    /**
     * Largest datagram looked at. KRPC messages fit one unfragmented Ethernet packet (a get_peers
     * response with 8 nodes and ~50 values is about 600 bytes); libtorrent and mldht also stay under 1500.
     */
    public static final int MAX_PACKET = 1500;
    /** Longest transaction id accepted (libtorrent sends 2 bytes, mldht 6). */
    public static final int MAX_TRANSACTION_ID = 32;
    /** Longest token accepted (libtorrent: 4 bytes, mldht: 8, BEP 5 leaves it open). */
    public static final int MAX_TOKEN = 64;
    /** {@code v} we send: client "PB", version 0.1. */
    static final byte[] VERSION = {'P', 'B', 0, 1};
    /** Depth 3 is the deepest KRPC nesting ({@code r.values[i]}); strings no longer than a packet. */
    private static final BencodeLimits LIMITS = new BencodeLimits(4, MAX_PACKET, 512, false);

    private Krpc() {
    }

    /** Decodes one datagram. */
    public static KrpcMessage decode(byte[] data) throws KrpcException {
        return decode(data, 0, data.length);
    }

    /** Decodes {@code data[off, off + len)}. */
    public static KrpcMessage decode(byte[] data, int off, int len) throws KrpcException {
        if (len > MAX_PACKET) {
            throw new KrpcException(KrpcException.PROTOCOL, "message of " + len + " bytes is over " + MAX_PACKET, null,
                    false);
        }
        BValue v;
        try {
            v = Bencode.decode(data, off, len, LIMITS);
        } catch (ProtocolException e) {
            throw new KrpcException(KrpcException.PROTOCOL, e.getMessage(), null, false);
        }
        if (!(v instanceof BDict top)) {
            throw new KrpcException(KrpcException.PROTOCOL, "message is not a dictionary", null, false);
        }
        byte[] t = top.bytes("t");
        byte[] y = top.bytes("y");
        boolean query = y != null && y.length == 1 && y[0] == 'q';
        if (t == null || t.length == 0 || t.length > MAX_TRANSACTION_ID) {
            throw new KrpcException(KrpcException.PROTOCOL,
                    "'t' missing or not a string of 1.." + MAX_TRANSACTION_ID + " bytes", null, query);
        }
        if (y == null || y.length != 1) {
            throw new KrpcException(KrpcException.PROTOCOL, "'y' missing or not one byte", t, false);
        }
        return switch (y[0]) {
            case 'q' -> query(top, t);
            case 'r' -> response(top, t);
            case 'e' -> error(top, t);
            default -> throw new KrpcException(KrpcException.PROTOCOL, "'y' is not q, r or e", t, false);
        };
    }

    private static KrpcMessage.Query query(BDict top, byte[] t) throws KrpcException {
        byte[] q = top.bytes("q");
        if (q == null) {
            throw protocol("query without 'q'", t);
        }
        String name = new String(q, StandardCharsets.ISO_8859_1);
        KrpcMessage.Method method = switch (name) {
            case "ping" -> KrpcMessage.Method.PING;
            case "find_node" -> KrpcMessage.Method.FIND_NODE;
            case "get_peers" -> KrpcMessage.Method.GET_PEERS;
            case "announce_peer" -> KrpcMessage.Method.ANNOUNCE_PEER;
            default -> throw new KrpcException(KrpcException.METHOD_UNKNOWN, "method unknown", t, true);
        };
        BDict a = top.dict("a");
        if (a == null) {
            throw protocol("query without 'a' dictionary", t);
        }
        byte[] id = id(a, "id", t);
        Long ro = top.integer("ro");
        boolean readOnly = ro != null && ro == 1;
        return switch (method) {
            case PING -> KrpcMessage.Query.ping(t, id, readOnly);
            case FIND_NODE -> KrpcMessage.Query.findNode(t, id, id(a, "target", t), readOnly);
            case GET_PEERS -> KrpcMessage.Query.getPeers(t, id, id(a, "info_hash", t), readOnly);
            case ANNOUNCE_PEER -> {
                byte[] ih = id(a, "info_hash", t);
                Long implied = a.integer("implied_port");
                boolean impliedPort = implied != null && implied != 0;
                Long port = a.integer("port");
                if (!impliedPort && (port == null || port < 1 || port > 65535)) {
                    throw protocol("announce_peer 'port' missing or not 1..65535", t);
                }
                int p = port != null && port >= 0 && port <= 65535 ? port.intValue() : 0;
                byte[] token = a.bytes("token");
                if (token == null || token.length == 0 || token.length > MAX_TOKEN) {
                    throw protocol("announce_peer 'token' missing or not 1.." + MAX_TOKEN + " bytes", t);
                }
                yield new KrpcMessage.Query(t, method, id, ih, p, impliedPort, token, readOnly);
            }
        };
    }

    private static KrpcMessage.Response response(BDict top, byte[] t) throws KrpcException {
        BDict r = top.dict("r");
        if (r == null) {
            throw new KrpcException(KrpcException.PROTOCOL, "response without 'r' dictionary", t, false);
        }
        byte[] id = r.bytes("id");
        if (id == null || id.length != NodeIds.LENGTH) {
            throw new KrpcException(KrpcException.PROTOCOL, "response 'id' missing or not 20 bytes", t, false);
        }
        List<NodeInfo> nodes = List.of();
        List<NodeInfo> nodes6 = List.of();
        List<InetSocketAddress> values = new ArrayList<>();
        try {
            if (r.containsKey("nodes")) {
                nodes = CompactNodes.decodeNodes(bytes(r, "nodes", t), false, "nodes");
            }
            if (r.containsKey("nodes6")) {
                nodes6 = CompactNodes.decodeNodes(bytes(r, "nodes6", t), true, "nodes6");
            }
            if (r.containsKey("values")) {
                BList list = r.list("values");
                if (list == null) {
                    throw new KrpcException(KrpcException.PROTOCOL, "'values' is not a list", t, false);
                }
                for (BValue item : list.items()) {
                    if (!(item instanceof BBytes b)) {
                        throw new KrpcException(KrpcException.PROTOCOL, "an item of 'values' is not a string", t, false);
                    }
                    InetSocketAddress p = CompactNodes.decodePeer(b.value());
                    if (p.getPort() != 0) {
                        values.add(p);
                    }
                }
            }
        } catch (KrpcException e) {
            throw e.transactionId() != null ? e : new KrpcException(e.code(), e.getMessage(), t, false);
        }
        byte[] token = null;
        if (r.containsKey("token")) {
            token = bytes(r, "token", t);
            if (token.length > MAX_TOKEN) {
                throw new KrpcException(KrpcException.PROTOCOL, "'token' longer than " + MAX_TOKEN + " bytes", t, false);
            }
        }
        InetSocketAddress requester = null;
        byte[] ip = top.bytes("ip");
        if (ip != null && (ip.length == CompactNodes.V4_PEER || ip.length == CompactNodes.V6_PEER)) {
            requester = CompactNodes.decodePeer(ip);
        }
        return new KrpcMessage.Response(t, id, nodes, nodes6, values, token, requester);
    }

    private static KrpcMessage.Error error(BDict top, byte[] t) throws KrpcException {
        BList e = top.list("e");
        if (e == null || e.size() < 2 || !(e.get(0) instanceof BInt code) || !(e.get(1) instanceof BBytes msg)) {
            throw new KrpcException(KrpcException.PROTOCOL, "error without 'e' = [code, message]", t, false);
        }
        long c = code.value();
        return new KrpcMessage.Error(t, c < 0 || c > 999 ? 0 : (int) c,
                new String(msg.value(), StandardCharsets.UTF_8));
    }

    private static byte[] id(BDict a, String key, byte[] t) throws KrpcException {
        byte[] id = a.bytes(key);
        if (id == null || id.length != NodeIds.LENGTH) {
            throw protocol("'" + key + "' missing or not 20 bytes", t);
        }
        return id;
    }

    private static byte[] bytes(BDict d, String key, byte[] t) throws KrpcException {
        byte[] b = d.bytes(key);
        if (b == null) {
            throw new KrpcException(KrpcException.PROTOCOL, "'" + key + "' is not a string", t, false);
        }
        return b;
    }

    private static KrpcException protocol(String reason, byte[] t) {
        return new KrpcException(KrpcException.PROTOCOL, reason, t, true);
    }

    /** Encodes a message (canonical bencode, with our {@code v}). */
    public static byte[] encode(KrpcMessage m) {
        BDict.Builder top = BDict.builder().put("t", m.transactionId()).put("v", VERSION);
        switch (m) {
            case KrpcMessage.Query q -> {
                BDict.Builder a = BDict.builder().put("id", q.senderId());
                switch (q.method()) {
                    case PING -> {
                    }
                    case FIND_NODE -> a.put("target", q.target());
                    case GET_PEERS -> a.put("info_hash", q.target());
                    case ANNOUNCE_PEER -> {
                        a.put("info_hash", q.target()).put("port", q.port()).put("token", q.token());
                        if (q.impliedPort()) {
                            a.put("implied_port", 1);
                        }
                    }
                }
                top.put("y", "q").put("q", q.method().wire()).put("a", a.build());
                if (q.readOnly()) {
                    top.put("ro", 1);
                }
            }
            case KrpcMessage.Response r -> {
                BDict.Builder body = BDict.builder().put("id", r.senderId());
                if (!r.nodes().isEmpty()) {
                    body.put("nodes", CompactNodes.encodeNodes(r.nodes(), false));
                }
                if (!r.nodes6().isEmpty()) {
                    body.put("nodes6", CompactNodes.encodeNodes(r.nodes6(), true));
                }
                if (!r.values().isEmpty()) {
                    List<BValue> values = new ArrayList<>();
                    for (InetSocketAddress p : r.values()) {
                        values.add(new BBytes(CompactNodes.encodePeer(p)));
                    }
                    body.put("values", new BList(values));
                }
                if (r.token() != null) {
                    body.put("token", r.token());
                }
                top.put("y", "r").put("r", body.build());
                if (r.requester() != null) {
                    top.put("ip", CompactNodes.encodePeer(r.requester()));
                }
            }
            case KrpcMessage.Error e -> top.put("y", "e")
                    .put("e", BList.of(new BInt(e.code()), BBytes.utf8(e.message())));
        }
        return Bencode.encode(top.build());
    }
}

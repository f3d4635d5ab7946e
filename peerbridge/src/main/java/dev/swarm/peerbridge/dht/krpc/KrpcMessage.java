package dev.swarm.peerbridge.dht.krpc;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** One KRPC message (BEP 5): a query, a response or an error, each with the transaction id {@code t}. */
public sealed interface KrpcMessage permits KrpcMessage.Query, KrpcMessage.Response, KrpcMessage.Error {

    /** The transaction id (not a copy). */
    byte[] transactionId();

    /** The four BEP 5 query methods. */
    enum Method {
        PING, FIND_NODE, GET_PEERS, ANNOUNCE_PEER;

        /** The name on the wire ({@code find_node}...). */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A query.
     *
     * @param transactionId {@code t}
     * @param method        {@code q}
     * @param senderId      {@code a.id}, 20 bytes
     * @param target        {@code a.target} (find_node) or {@code a.info_hash} (get_peers, announce_peer); null for ping
     * @param port          {@code a.port} of announce_peer, else 0
     * @param impliedPort   {@code a.implied_port = 1}: the peer's port is the UDP source port
     * @param token         {@code a.token} of announce_peer, else null
     * @param readOnly      {@code ro = 1} (BEP 43): the sender answers no queries, do not add it to a routing table
     */
    record Query(byte[] transactionId, Method method, byte[] senderId, byte[] target, int port, boolean impliedPort,
            byte[] token, boolean readOnly) implements KrpcMessage {

        public static Query ping(byte[] t, byte[] id, boolean readOnly) {
            return new Query(t, Method.PING, id, null, 0, false, null, readOnly);
        }

        public static Query findNode(byte[] t, byte[] id, byte[] target, boolean readOnly) {
            return new Query(t, Method.FIND_NODE, id, target, 0, false, null, readOnly);
        }

        public static Query getPeers(byte[] t, byte[] id, byte[] infoHash, boolean readOnly) {
            return new Query(t, Method.GET_PEERS, id, infoHash, 0, false, null, readOnly);
        }

        public static Query announcePeer(byte[] t, byte[] id, byte[] infoHash, int port, boolean impliedPort,
                byte[] token) {
            return new Query(t, Method.ANNOUNCE_PEER, id, infoHash, port, impliedPort, token, false);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Query q && Arrays.equals(transactionId, q.transactionId) && method == q.method
                    && Arrays.equals(senderId, q.senderId) && Arrays.equals(target, q.target) && port == q.port
                    && impliedPort == q.impliedPort && Arrays.equals(token, q.token) && readOnly == q.readOnly;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(transactionId) * 31 + method.hashCode();
        }

        @Override
        public String toString() {
            return "Query[" + method.wire() + " t=" + hex(transactionId) + " id=" + hex(senderId)
                    + (target == null ? "" : " target=" + hex(target)) + (port == 0 ? "" : " port=" + port)
                    + (impliedPort ? " implied_port" : "") + (token == null ? "" : " token=" + hex(token))
                    + (readOnly ? " ro" : "") + "]";
        }
    }

    /**
     * A response. Which fields are set depends on the query it answers.
     *
     * @param transactionId {@code t}
     * @param senderId      {@code r.id}, 20 bytes
     * @param nodes         {@code r.nodes} (IPv4), empty when absent
     * @param nodes6        {@code r.nodes6} (IPv6), empty when absent
     * @param values        {@code r.values}: peers, empty when absent
     * @param token         {@code r.token}, or null
     * @param requester     top-level {@code ip} (BEP 42): the address the responder saw us at, or null
     */
    record Response(byte[] transactionId, byte[] senderId, List<NodeInfo> nodes, List<NodeInfo> nodes6,
            List<InetSocketAddress> values, byte[] token, InetSocketAddress requester) implements KrpcMessage {

        public Response {
            nodes = List.copyOf(nodes);
            nodes6 = List.copyOf(nodes6);
            values = List.copyOf(values);
        }

        /** A response that carries only the id (ping, announce_peer). */
        public static Response idOnly(byte[] t, byte[] id, InetSocketAddress requester) {
            return new Response(t, id, List.of(), List.of(), List.of(), null, requester);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && Arrays.equals(transactionId, r.transactionId)
                    && Arrays.equals(senderId, r.senderId) && nodes.equals(r.nodes) && nodes6.equals(r.nodes6)
                    && values.equals(r.values) && Arrays.equals(token, r.token)
                    && java.util.Objects.equals(requester, r.requester);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(transactionId) * 31 + Arrays.hashCode(senderId);
        }

        @Override
        public String toString() {
            return "Response[t=" + hex(transactionId) + " id=" + hex(senderId) + " nodes=" + nodes + " nodes6=" + nodes6
                    + " values=" + values + (token == null ? "" : " token=" + hex(token))
                    + (requester == null ? "" : " ip=" + requester) + "]";
        }
    }

    /** An error: {@code e = [code, message]}. */
    record Error(byte[] transactionId, int code, String message) implements KrpcMessage {

        @Override
        public boolean equals(Object o) {
            return o instanceof Error e && Arrays.equals(transactionId, e.transactionId) && code == e.code
                    && message.equals(e.message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(transactionId) * 31 + code;
        }

        @Override
        public String toString() {
            return "Error[t=" + hex(transactionId) + " " + code + " " + message + "]";
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}

package dev.swarm.peerbridge.dht.krpc;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compact node info (BEP 5 {@code nodes}: 26 bytes each, id + IPv4 + port; BEP 32 {@code nodes6}: 38
 * bytes each, id + IPv6 + port) and compact peer info ({@code values}: 6 or 18 bytes). Pure: no I/O.
 */
public final class CompactNodes {
    /** One IPv4 node: 20-byte id, 4-byte address, 2-byte port. */
    public static final int V4_NODE = 26;
    /** One IPv6 node: 20-byte id, 16-byte address, 2-byte port. */
    public static final int V6_NODE = 38;
    /** One IPv4 peer in {@code values}. */
    public static final int V4_PEER = 6;
    /** One IPv6 peer in {@code values}. */
    public static final int V6_PEER = 18;

    private CompactNodes() {
    }

    /**
     * Decodes a {@code nodes} ({@code ipv6 = false}) or {@code nodes6} string; entries with port 0 and
     * IPv4-mapped entries in {@code nodes6} are skipped.
     */
    public static List<NodeInfo> decodeNodes(byte[] b, boolean ipv6, String key) throws KrpcException {
        int size = ipv6 ? V6_NODE : V4_NODE;
        if (b.length % size != 0) {
            throw new KrpcException(KrpcException.PROTOCOL,
                    "'" + key + "' is " + b.length + " bytes, not a multiple of " + size, null, false);
        }
        List<NodeInfo> out = new ArrayList<>(b.length / size);
        for (int off = 0; off < b.length; off += size) {
            InetSocketAddress a = address(b, off + NodeIds.LENGTH, size - NodeIds.LENGTH);
            // an IPv4-mapped address in nodes6 (the JDK reads it as IPv4) belongs in nodes: skipped
            if (a.getPort() != 0 && isV6(a) == ipv6) {
                out.add(new NodeInfo(Arrays.copyOfRange(b, off, off + NodeIds.LENGTH), a));
            }
        }
        return out;
    }

    /** Encodes the nodes of one family ({@code ipv6}); nodes of the other family are left out. */
    public static byte[] encodeNodes(List<NodeInfo> nodes, boolean ipv6) {
        int size = ipv6 ? V6_NODE : V4_NODE;
        List<NodeInfo> fit = nodes.stream().filter(n -> isV6(n.address()) == ipv6).toList();
        byte[] out = new byte[fit.size() * size];
        int off = 0;
        for (NodeInfo n : fit) {
            System.arraycopy(n.id(), 0, out, off, NodeIds.LENGTH);
            writeAddress(n.address(), out, off + NodeIds.LENGTH);
            off += size;
        }
        return out;
    }

    /** Decodes one compact peer (6 or 18 bytes). */
    public static InetSocketAddress decodePeer(byte[] b) throws KrpcException {
        if (b.length != V4_PEER && b.length != V6_PEER) {
            throw new KrpcException(KrpcException.PROTOCOL, "a peer in 'values' is " + b.length + " bytes, not 6 or 18",
                    null, false);
        }
        return address(b, 0, b.length);
    }

    /** Encodes one peer as 6 (IPv4) or 18 (IPv6) bytes. */
    public static byte[] encodePeer(InetSocketAddress peer) {
        byte[] out = new byte[isV6(peer) ? V6_PEER : V4_PEER];
        writeAddress(peer, out, 0);
        return out;
    }

    /** Whether the address is IPv6 (an IPv4-mapped address counts as IPv4, as the JDK already unmaps it). */
    public static boolean isV6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }

    private static InetSocketAddress address(byte[] b, int off, int len) {
        byte[] ip = Arrays.copyOfRange(b, off, off + len - 2);
        int port = ((b[off + len - 2] & 0xff) << 8) | (b[off + len - 1] & 0xff);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static void writeAddress(InetSocketAddress a, byte[] out, int off) {
        byte[] ip = a.getAddress().getAddress();
        if (a.getAddress() instanceof Inet4Address || ip.length == 4) {
            System.arraycopy(ip, 0, out, off, 4);
            off += 4;
        } else {
            System.arraycopy(ip, 0, out, off, 16);
            off += 16;
        }
        out[off] = (byte) (a.getPort() >>> 8);
        out[off + 1] = (byte) a.getPort();
    }
}

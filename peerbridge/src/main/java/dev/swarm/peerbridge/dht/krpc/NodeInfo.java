package dev.swarm.peerbridge.dht.krpc;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;

/** A DHT node as compact node info carries it: a 20-byte node id and a UDP address. */
public record NodeInfo(byte[] id, InetSocketAddress address) {

    public NodeInfo {
        if (id.length != NodeIds.LENGTH) {
            throw new IllegalArgumentException("node id must be 20 bytes");
        }
        id = id.clone();
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeInfo n && Arrays.equals(id, n.id) && address.equals(n.address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id) * 31 + address.hashCode();
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(id) + "@" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}

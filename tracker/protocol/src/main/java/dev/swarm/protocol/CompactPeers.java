package dev.swarm.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact peer records: 4-byte IPv4 address + 2-byte big-endian port (BEP 23, also BEP 15) and
 * 16-byte IPv6 address + 2-byte port (BEP 7). Converting to {@link InetSocketAddress} never resolves
 * names.
 */
public final class CompactPeers {

    /** Bytes of one IPv4 peer record. */
    public static final int V4_SIZE = 6;
    /** Bytes of one IPv6 peer record. */
    public static final int V6_SIZE = 18;

    private CompactPeers() {
    }

    /**
     * Decodes consecutive records.
     *
     * @throws ProtocolException (drop) if {@code len} is not a multiple of the record size
     */
    public static List<InetSocketAddress> decode(byte[] b, int off, int len, boolean ipv6)
            throws ProtocolException {
        int size = ipv6 ? V6_SIZE : V4_SIZE;
        if (len % size != 0) {
            throw ProtocolException.drop("compact peer list of " + len + " bytes is not a multiple of " + size);
        }
        int addrLen = size - 2;
        List<InetSocketAddress> out = new ArrayList<>(len / size);
        byte[] addr = new byte[addrLen];
        for (int p = off; p < off + len; p += size) {
            System.arraycopy(b, p, addr, 0, addrLen);
            int port = (b[p + addrLen] & 0xff) << 8 | (b[p + addrLen + 1] & 0xff);
            out.add(new InetSocketAddress(address(addr), port));
        }
        return out;
    }

    /**
     * Writes one record for {@code peer} into {@code dst} at {@code off}: 6 bytes for an IPv4 address,
     * 18 for IPv6.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static int write(InetSocketAddress peer, byte[] dst, int off) {
        InetAddress a = peer.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("unresolved address " + peer);
        }
        byte[] raw = a.getAddress();
        System.arraycopy(raw, 0, dst, off, raw.length);
        dst[off + raw.length] = (byte) (peer.getPort() >> 8);
        dst[off + raw.length + 1] = (byte) peer.getPort();
        return raw.length + 2;
    }

    /** The address for 4 or 16 raw bytes, without any lookup. */
    public static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + raw.length, e);
        }
    }
}

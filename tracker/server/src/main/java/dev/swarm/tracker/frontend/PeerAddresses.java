package dev.swarm.tracker.frontend;

import dev.swarm.tracker.swarm.AnnounceOp;
import dev.swarm.tracker.swarm.Family;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Turns a client's source address into the store's peer key. IPv4 clients seen through a dual-stack socket
 * arrive as IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}); they belong to the IPv4 swarm.
 */
public final class PeerAddresses {
    private PeerAddresses() {
    }

    /** The raw address in its swarm's form: 4 bytes for IPv4 (also when mapped), otherwise 16. */
    public static byte[] canonical(InetAddress address) {
        return canonical(address.getAddress());
    }

    /** {@code raw} (4 or 16 bytes) in its swarm's form: an IPv4-mapped IPv6 address becomes its 4 IPv4 bytes. */
    public static byte[] canonical(byte[] raw) {
        if (raw.length == 16 && isV4Mapped(raw)) {
            byte[] v4 = new byte[4];
            System.arraycopy(raw, 12, v4, 0, 4);
            return v4;
        }
        return raw;
    }

    /** Fills the op's family and compact peer (address then big-endian port). */
    public static void fill(AnnounceOp op, byte[] canonicalAddress, int port) {
        int n = canonicalAddress.length;
        op.family = n == 4 ? Family.V4 : Family.V6;
        System.arraycopy(canonicalAddress, 0, op.peer, 0, n);
        op.peer[n] = (byte) (port >>> 8);
        op.peer[n + 1] = (byte) port;
    }

    public static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address || canonical(a).length == 4;
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
    }
}

package dev.swarm.peerbridge.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a peer may make the bridge send requests to. Pure: looks at address bytes, never
 * resolves or sends anything.
 *
 * <p>Refused unless private addresses are allowed: IPv4 "this network" 0/8 (incl. the unspecified
 * 0.0.0.0), private 10/8, 172.16/12, 192.168/16, CGNAT 100.64/10, loopback 127/8, link-local
 * 169.254/16, IETF protocol assignments 192.0.0/24, documentation 192.0.2/24, 198.51.100/24,
 * 203.0.113/24, benchmarking 198.18/15, multicast 224/4, reserved 240/4 and the broadcast address;
 * IPv6 unspecified {@code ::}, loopback {@code ::1}, unique-local fc00::/7, link-local fe80::/10,
 * site-local fec0::/10, multicast ff00::/8, documentation 2001:db8::/32, discard 100::/64,
 * local-use NAT64 64:ff9b:1::/48. Addresses that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96,
 * IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address they carry.
 *
 * <p>Used for what peers tell us (trackers learned over {@code lt_tex}, later DHT and PEX): trackers
 * of the user's own config, magnet links and .torrent files are trusted and never filtered.
 */
public final class AddressFilter {
    /** The filter of the default configuration: only public unicast addresses. */
    public static final AddressFilter PUBLIC_ONLY = new AddressFilter(false);
    /** Everything passes (tests and private networks: {@code tex.allow-private-addresses: true}). */
    public static final AddressFilter ALLOW_ALL = new AddressFilter(true);

    private final boolean allowPrivate;

    private AddressFilter(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    public static AddressFilter of(boolean allowPrivate) {
        return allowPrivate ? ALLOW_ALL : PUBLIC_ONLY;
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /** Null if the address may be contacted, otherwise the class that refuses it (e.g. "loopback"). */
    public String refusal(InetAddress address) {
        return allowPrivate ? null : classify(address.getAddress());
    }

    /** Null if every address may be contacted, otherwise why the first refused one is refused. */
    public String refusal(List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return "no address";
        }
        for (InetAddress a : addresses) {
            String r = refusal(a);
            if (r != null) {
                return a.getHostAddress() + ": " + r + " address";
            }
        }
        return null;
    }

    /**
     * The special-purpose class of a raw address (4 or 16 bytes), or null for a public unicast one.
     *
     * @throws IllegalArgumentException for another length
     */
    public static String classify(byte[] a) {
        if (a.length == 4) {
            return classify4(a[0] & 0xff, a[1] & 0xff, a[2] & 0xff, a[3] & 0xff);
        }
        if (a.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + a.length);
        }
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            first10Zero &= a[i] == 0;
        }
        int w5 = ((a[10] & 0xff) << 8) | (a[11] & 0xff);
        if (first10Zero && w5 == 0xffff) {
            return embedded(a, 12); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (first10Zero && w5 == 0) {
            int w6 = ((a[12] & 0xff) << 8) | (a[13] & 0xff);
            int w7 = ((a[14] & 0xff) << 8) | (a[15] & 0xff);
            if (w6 == 0 && w7 == 0) {
                return "unspecified";
            }
            if (w6 == 0 && w7 == 1) {
                return "loopback";
            }
            return embedded(a, 12); // ::a.b.c.d, IPv4-compatible (deprecated)
        }
        int w0 = ((a[0] & 0xff) << 8) | (a[1] & 0xff);
        int w1 = ((a[2] & 0xff) << 8) | (a[3] & 0xff);
        int w2 = ((a[4] & 0xff) << 8) | (a[5] & 0xff);
        if (w0 == 0x64 && w1 == 0xff9b) {
            if (w2 == 1) {
                return "private (local-use NAT64)";
            }
            boolean zeros = true;
            for (int i = 4; i < 12; i++) {
                zeros &= a[i] == 0;
            }
            return zeros ? embedded(a, 12) : "reserved";
        }
        if (w0 == 0x2002) {
            return embedded(a, 2); // 6to4
        }
        if ((w0 & 0xfe00) == 0xfc00) {
            return "private (unique-local)";
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return "link-local";
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return "private (site-local)";
        }
        if ((w0 & 0xff00) == 0xff00) {
            return "multicast";
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return "documentation";
        }
        if (w0 == 0x0100 && w1 == 0 && w2 == 0 && a[6] == 0 && a[7] == 0) {
            return "discard-only";
        }
        if (w0 == 0) {
            return "reserved";
        }
        return null;
    }

    private static String embedded(byte[] a, int at) {
        return classify4(a[at] & 0xff, a[at + 1] & 0xff, a[at + 2] & 0xff, a[at + 3] & 0xff);
    }

    private static String classify4(int a, int b, int c, int d) {
        if (a == 0) {
            return b == 0 && c == 0 && d == 0 ? "unspecified" : "reserved (this network)";
        }
        if (a == 127) {
            return "loopback";
        }
        if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168)) {
            return "private";
        }
        if (a == 100 && (b & 0xc0) == 64) {
            return "private (CGNAT)";
        }
        if (a == 169 && b == 254) {
            return "link-local";
        }
        if (a == 192 && b == 0 && c == 0) {
            return "reserved (IETF)";
        }
        if ((a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113)) {
            return "documentation";
        }
        if (a == 198 && (b & 0xfe) == 18) {
            return "benchmarking";
        }
        if ((a & 0xf0) == 224) {
            return "multicast";
        }
        if (a == 255 && b == 255 && c == 255 && d == 255) {
            return "broadcast";
        }
        if ((a & 0xf0) == 240) {
            return "reserved";
        }
        return null;
    }
}

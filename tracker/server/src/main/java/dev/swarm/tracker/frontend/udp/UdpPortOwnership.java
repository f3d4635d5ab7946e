package dev.swarm.tracker.frontend.udp;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Keeps the UDP port the tracker's own. The tracker binds {@code udp.threads} sockets with SO_REUSEPORT, and Linux
 * lets any socket of the same user join such a port: a second tracker started on it would take half the clients,
 * two half swarms and no error anywhere. So binding is done in two steps:
 * <ol>
 *   <li>{@link #probe}: bind a plain socket (no SO_REUSEPORT, no SO_REUSEADDR) to the address and close it. The bind
 *       fails if any socket holds the port, with or without SO_REUSEPORT. (Port 0 needs no probe: the kernel gives
 *       the first of our sockets a port no socket uses.)</li>
 *   <li>bind our sockets with SO_REUSEPORT, then {@link #foreignSockets}: read {@code /proc/net/udp} and
 *       {@code /proc/net/udp6} and refuse when a socket that is not one of ours (by inode, from
 *       {@code /proc/self/fd}) sits on the port. That closes the window between the probe's close and our bind,
 *       in which another process could have joined.</li>
 * </ol>
 * Checking {@code /proc} alone would be racy (a holder can appear right after the read); the probe alone would
 * leave the window open; the two together leave no silent split. Elsewhere than Linux no SO_REUSEPORT is set and
 * a plain bind already fails on a taken port.
 */
final class UdpPortOwnership {
    private static final Path PROC_UDP = Path.of("/proc/net/udp");
    private static final Path PROC_UDP6 = Path.of("/proc/net/udp6");

    /** A socket in {@code /proc/net/udp{,6}}: its local address and inode. */
    record Entry(InetSocketAddress local, long inode) {
    }

    private UdpPortOwnership() {
    }

    /**
     * Binds and closes a plain socket of the family our sockets use on {@code addr}.
     *
     * @return {@code addr} with the port the probe got (the same port unless it was 0, which would pick one)
     * @throws BindException if any socket holds the port
     */
    static InetSocketAddress probe(InetSocketAddress addr) throws IOException {
        StandardProtocolFamily family = addr.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.bind(addr);
            return new InetSocketAddress(addr.getAddress(), ((InetSocketAddress) ch.getLocalAddress()).getPort());
        }
    }

    /** The inode of the socket behind file descriptor {@code fd} of this process. */
    static long inode(int fd) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            throw new IOException("fd " + fd + " is not a socket: " + link);
        }
        return Long.parseLong(link, 8, link.length() - 1, 10);
    }

    /**
     * Sockets on {@code bound}'s port whose inode is not in {@code own} and that share traffic with {@code bound}:
     * the same address, or a wildcard on either side (a dual-stack {@code [::]} receives IPv4 too). Empty when
     * {@code /proc/net/udp} does not exist (not Linux).
     */
    static List<Entry> foreignSockets(InetSocketAddress bound, Set<Long> own) throws IOException {
        List<Entry> all = new ArrayList<>();
        read(PROC_UDP, all);
        read(PROC_UDP6, all);
        List<Entry> foreign = new ArrayList<>();
        for (Entry e : all) {
            if (e.local().getPort() == bound.getPort() && !own.contains(e.inode())
                    && overlaps(e.local().getAddress(), bound.getAddress())) {
                foreign.add(e);
            }
        }
        return foreign;
    }

    /**
     * Whether a datagram for {@code ours} may be delivered to a socket bound to {@code other}. An IPv6 wildcard
     * seen from an IPv4 socket counts only when ours is a wildcard too: {@code /proc} does not show IPV6_V6ONLY, and
     * the probe has already refused a dual-stack holder that was there before us.
     */
    static boolean overlaps(InetAddress other, InetAddress ours) {
        InetAddress o = unmapped(other);
        InetAddress u = unmapped(ours);
        if (o.equals(u)) {
            return true;
        }
        boolean sameFamily = (o instanceof Inet4Address) == (u instanceof Inet4Address);
        if (u.isAnyLocalAddress()) {
            return sameFamily || u instanceof Inet6Address; // our [::] is dual stack: every IPv4 socket overlaps
        }
        return o.isAnyLocalAddress() && sameFamily;
    }

    private static InetAddress unmapped(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return a;
                }
            }
            if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // 4 bytes are always a valid address
                }
            }
        }
        return a;
    }

    private static void read(Path table, List<Entry> out) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (NoSuchFileException e) {
            return;
        }
        for (int i = 1; i < lines.size(); i++) {
            Entry e = parse(lines.get(i));
            if (e != null) {
                out.add(e);
            }
        }
    }

    /**
     * One line of {@code /proc/net/udp{,6}}: {@code sl local_address rem_address st tx:rx tr:when retrnsmt uid
     * timeout inode ...}; the address is hex of 32-bit words in host byte order, the port hex, e.g. {@code
     * 0100007F:1B39} for 127.0.0.1:6969 on a little-endian machine. Null for a line that is not an entry.
     */
    static Entry parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return null;
        }
        int colon = f[1].indexOf(':');
        if (colon != 8 && colon != 32) {
            return null;
        }
        try {
            byte[] raw = HexFormat.of().parseHex(f[1], 0, colon);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                for (int w = 0; w < raw.length; w += 4) {
                    byte t = raw[w];
                    raw[w] = raw[w + 3];
                    raw[w + 3] = t;
                    t = raw[w + 1];
                    raw[w + 1] = raw[w + 2];
                    raw[w + 2] = t;
                }
            }
            int port = Integer.parseInt(f[1], colon + 1, f[1].length(), 16);
            return new Entry(new InetSocketAddress(InetAddress.getByAddress(raw), port), Long.parseLong(f[9]));
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }
}

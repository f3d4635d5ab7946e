package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/** Test data: info-hashes, peers and sample decoding. */
final class Peers {
    private static final HexFormat HEX = HexFormat.of();

    private Peers() {
    }

    /** A distinct info-hash for every {@code i}. */
    static byte[] hash(int i) {
        byte[] h = new byte[20];
        for (int k = 0; k < 20; k++) {
            h[k] = (byte) (i * 31 + k * 7 + (i >>> (k % 4 * 8)));
        }
        h[0] = (byte) (i >>> 24);
        h[1] = (byte) (i >>> 16);
        h[2] = (byte) (i >>> 8);
        h[3] = (byte) i;
        return h;
    }

    /** A distinct IPv4 address for every {@code i} in 0..2^24: 10.x.y.z, scattered so that joins land mid-swarm. */
    static byte[] v4(int i) {
        int x = (i * 0x9E3779B1) & 0xFFFFFF;
        return new byte[] {10, (byte) (x >>> 16), (byte) (x >>> 8), (byte) x};
    }

    /**
     * A distinct IPv6 address for every {@code i}: 2001:db8::/32, scattered bits (half of them with the
     * top bit of the second 8-byte half set, for unsigned comparison) and {@code i} in the last 4 bytes.
     */
    static byte[] v6(int i) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        int x = i * 0x85EBCA77;
        a[7] = (byte) (x >>> 3);
        a[8] = (byte) (x >>> 24);
        a[9] = (byte) (x >>> 16);
        a[12] = (byte) (i >>> 24);
        a[13] = (byte) (i >>> 16);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
        return a;
    }

    static int port(int i) {
        return 1024 + i % 60000;
    }

    /** Fills {@code op} for peer {@code peer} of family {@code f} in torrent {@code torrent}. */
    static AnnounceOp fill(AnnounceOp op, int torrent, Family f, int peer, AnnounceEvent event, boolean seeder,
                           int numWant) {
        op.infoHash(hash(torrent), 0);
        op.peer(f == Family.V4 ? v4(peer) : v6(peer), port(peer));
        op.event = event;
        op.seeder = seeder;
        op.numWant = numWant;
        op.createSwarm = true;
        return op;
    }

    /** The compact record of a peer as hex, as it appears in a sample. */
    static String record(Family f, int peer) {
        AnnounceOp op = new AnnounceOp().peer(f == Family.V4 ? v4(peer) : v6(peer), port(peer));
        return HEX.formatHex(op.peer, 0, f.recordLength());
    }

    /** The sample's records as hex strings; fails on duplicates. */
    static Set<String> records(PeerSample s) {
        Set<String> out = new HashSet<>();
        int len = s.family().recordLength();
        for (int i = 0; i < s.count(); i++) {
            String r = HEX.formatHex(s.peers(), i * len, (i + 1) * len);
            if (!out.add(r)) {
                throw new AssertionError("duplicate peer " + r + " in one sample");
            }
        }
        return out;
    }
}

package dev.swarm.tracker.bench;

import java.nio.charset.StandardCharsets;

/**
 * The benchmark workload, shaped like the load of {@code ../shared/bench/udpload}: {@link #TORRENTS}
 * torrents with {@link #PEERS_MIN}..{@link #PEERS_MAX} peers each (fixed per torrent), every fourth peer a
 * seeder, each peer always with the same address, port and peer id. Pure functions of (torrent, peer), so
 * every benchmark sees the same swarms. Not a copy of udpload's hash function: only the shape matters here.
 */
public final class Workload {
    /** Torrents in the pool (the store benchmarks prefill all of them). */
    public static final int TORRENTS = 10_000;
    /** Fewest peers of a torrent. */
    public static final int PEERS_MIN = 20;
    /** Most peers of a torrent. */
    public static final int PEERS_MAX = 50;
    /** Peers asked for by every announce, as udpload and httpload do. */
    public static final int NUM_WANT = 50;

    private Workload() {
    }

    /** The 20-byte info-hash of torrent {@code t}. */
    public static byte[] infoHash(int t) {
        byte[] h = new byte[20];
        long x = mix(0x5EED0000_00000000L + t);
        for (int i = 0; i < 20; i++) {
            if (i % 8 == 0) {
                x = mix(x);
            }
            h[i] = (byte) (x >>> (8 * (i % 8)));
        }
        return h;
    }

    /** Number of peers of torrent {@code t}: PEERS_MIN..PEERS_MAX. */
    public static int peers(int t) {
        return PEERS_MIN + (int) Long.remainderUnsigned(mix(t * 31L + 7), PEERS_MAX - PEERS_MIN + 1);
    }

    /** The IPv4 address of peer {@code j} of torrent {@code t}: scattered over 10.0.0.0/8. */
    public static byte[] address(int t, int j) {
        int a = (int) mix(((long) t << 16) | j);
        return new byte[] {10, (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    /** The port of peer {@code j} of torrent {@code t} (udpload's formula). */
    public static int port(int t, int j) {
        return 1025 + (211 * t + j) % 64000;
    }

    /** Every fourth peer is a seeder. */
    public static boolean seeder(int j) {
        return j % 4 == 0;
    }

    /** The 20-byte peer id of peer {@code j} of torrent {@code t} (udpload's format). */
    public static byte[] peerId(int t, int j) {
        return String.format("-UL0001-%06x%06x", t, j).getBytes(StandardCharsets.US_ASCII);
    }

    /** A 64-bit finaliser (splitmix64): a cheap, well-spread function of {@code z}. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

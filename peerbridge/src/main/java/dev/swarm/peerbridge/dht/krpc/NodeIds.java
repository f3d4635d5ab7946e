package dev.swarm.peerbridge.dht.krpc;

import java.util.Arrays;

/** Node ids and info-hashes as 160-bit keys: the XOR metric of Kademlia (BEP 5). */
public final class NodeIds {
    /** Bytes in a node id or info-hash. */
    public static final int LENGTH = 20;

    private NodeIds() {
    }

    /** Number of leading bits {@code a} and {@code b} share (0..160). */
    public static int commonPrefixBits(byte[] a, byte[] b) {
        for (int i = 0; i < LENGTH; i++) {
            int x = (a[i] ^ b[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return LENGTH * 8;
    }

    /** Compares the XOR distances of {@code a} and {@code b} to {@code target}: negative when {@code a} is closer. */
    public static int compareDistance(byte[] target, byte[] a, byte[] b) {
        for (int i = 0; i < LENGTH; i++) {
            int da = (a[i] ^ target[i]) & 0xff;
            int db = (b[i] ^ target[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** Whether two ids are equal. */
    public static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}

package dev.swarm.tracker.cluster;

import dev.swarm.tracker.swarm.Family;

/**
 * One replicated peer change, as it travels in a stream entry and as it is kept in the snapshot. Pure: no I/O.
 *
 * <p>Record layout (big-endian), {@link #length(Family)} bytes:
 * <pre>
 *   0      kind: 0 upsert (added or refreshed), 1 removed (stopped), 2 removed by address (a stop without port)
 *   1      flags: bit 0 seeder, bit 1 completed (this announce finished the download)
 *   2      address length: 4 (IPv4 swarm) or 16 (IPv6 swarm)
 *   3..23  info-hash (20 bytes)
 *   23..   compact peer: address (4 or 16 bytes) then port (2 bytes)
 *   then   the origin node's time of the change, milliseconds since the epoch (8 bytes)
 * </pre>
 * Several records are concatenated in one stream entry; {@link #decode} walks them and rejects a damaged tail.
 */
final class PeerChange {
    static final byte UPSERT = 0;
    static final byte REMOVE = 1;
    static final byte REMOVE_BY_ADDRESS = 2;
    static final int SEEDER = 1;
    static final int COMPLETED = 2;
    static final int HEADER = 3 + 20;

    byte kind;
    int flags;
    Family family;
    final byte[] infoHash = new byte[20];
    /** Compact peer, the first {@code family.recordLength()} bytes used. */
    final byte[] peer = new byte[18];
    long timeMillis;

    private PeerChange() {
    }

    static PeerChange create() {
        return new PeerChange();
    }

    static int length(Family f) {
        return HEADER + f.recordLength() + 8;
    }

    int length() {
        return length(family);
    }

    boolean seeder() {
        return (flags & SEEDER) != 0;
    }

    boolean completed() {
        return (flags & COMPLETED) != 0;
    }

    /** Writes this change at {@code out[off..]}; returns the offset after it. */
    int encode(byte[] out, int off) {
        out[off] = kind;
        out[off + 1] = (byte) flags;
        out[off + 2] = (byte) family.addressLength();
        System.arraycopy(infoHash, 0, out, off + 3, 20);
        int n = family.recordLength();
        System.arraycopy(peer, 0, out, off + HEADER, n);
        putLong(out, off + HEADER + n, timeMillis);
        return off + HEADER + n + 8;
    }

    /**
     * Reads the change at {@code in[off..end)} into this one.
     *
     * @return the offset after it, or -1 when the bytes there are not a whole valid record
     */
    int decode(byte[] in, int off, int end) {
        if (end - off < HEADER) {
            return -1;
        }
        byte k = in[off];
        if (k != UPSERT && k != REMOVE && k != REMOVE_BY_ADDRESS) {
            return -1;
        }
        Family f = switch (in[off + 2]) {
            case 4 -> Family.V4;
            case 16 -> Family.V6;
            default -> null;
        };
        if (f == null || end - off < length(f)) {
            return -1;
        }
        kind = k;
        flags = in[off + 1] & 0xFF;
        family = f;
        System.arraycopy(in, off + 3, infoHash, 0, 20);
        int n = f.recordLength();
        System.arraycopy(in, off + HEADER, peer, 0, n);
        timeMillis = getLong(in, off + HEADER + n);
        return off + HEADER + n + 8;
    }

    /** The shard of an info-hash: its first two bytes, masked ({@code shards} is a power of two up to 2^16). */
    static int shardOf(byte[] infoHash, int shards) {
        return ((infoHash[0] & 0xFF) << 8 | (infoHash[1] & 0xFF)) & (shards - 1);
    }

    /** The snapshot field of a peer: the info-hash, the address length, then the compact peer. */
    static byte[] snapshotField(byte[] infoHash, Family f, byte[] peer) {
        int n = f.recordLength();
        byte[] field = new byte[21 + n];
        System.arraycopy(infoHash, 0, field, 0, 20);
        field[20] = (byte) f.addressLength();
        System.arraycopy(peer, 0, field, 21, n);
        return field;
    }

    /** The snapshot value of a peer: flags, then the time of its last change (9 bytes). */
    static byte[] snapshotValue(int flags, long timeMillis) {
        byte[] v = new byte[9];
        v[0] = (byte) flags;
        putLong(v, 1, timeMillis);
        return v;
    }

    /** The time in a snapshot value, or -1 when it is not one this class wrote. */
    static long snapshotTime(byte[] value) {
        return value.length == 9 ? getLong(value, 1) : -1;
    }

    /**
     * Fills this change as an upsert from a snapshot entry.
     *
     * @return false when the field or value is not one this class wrote
     */
    boolean fromSnapshot(byte[] field, byte[] value) {
        if (field.length < 21 || value.length != 9) {
            return false;
        }
        Family f = field[20] == 4 ? Family.V4 : field[20] == 16 ? Family.V6 : null;
        if (f == null || field.length != 21 + f.recordLength()) {
            return false;
        }
        kind = UPSERT;
        family = f;
        flags = value[0] & 0xFF;
        System.arraycopy(field, 0, infoHash, 0, 20);
        System.arraycopy(field, 21, peer, 0, f.recordLength());
        timeMillis = getLong(value, 1);
        return true;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xFFL);
        }
        return v;
    }
}

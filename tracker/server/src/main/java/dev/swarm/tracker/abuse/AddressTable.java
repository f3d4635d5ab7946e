package dev.swarm.tracker.abuse;

import java.security.SecureRandom;

/**
 * A fixed-size table of per-address state: the bound on memory whatever the number of addresses. An address maps
 * to one slot by a hash keyed with a per-process random seed (so nobody can aim collisions); when the slot belongs
 * to another address, a subclass decides whether the newcomer takes it over ({@link #evictable}). Slots are guarded
 * by 64 striped locks; subclasses keep their state in arrays indexed by slot and touch them only under
 * {@link #lockFor}.
 */
abstract class AddressTable {
    private static final int STRIPES = 64;

    private final int mask;
    private final long seed = new SecureRandom().nextLong();
    private final long[] keyHi;
    private final long[] keyLo;
    private final boolean[] used;
    private final Object[] locks = new Object[STRIPES];

    /** @param size a power of two */
    AddressTable(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("table size must be a power of two: " + size);
        }
        this.mask = size - 1;
        this.keyHi = new long[size];
        this.keyLo = new long[size];
        this.used = new boolean[size];
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    final int size() {
        return mask + 1;
    }

    /** The 16-byte key of an address: IPv4 (4 bytes) as an IPv4-mapped IPv6 address. */
    static long hi(byte[] a) {
        return a.length == 4 ? 0 : bytes(a, 0);
    }

    static long lo(byte[] a) {
        return a.length == 4 ? 0xFFFF_0000_0000L | (bytes(a, 0) >>> 32) : bytes(a, 8);
    }

    private static long bytes(byte[] a, int off) {
        long v = 0;
        int n = Math.min(8, a.length - off);
        for (int i = 0; i < n; i++) {
            v = v << 8 | (a[off + i] & 0xFF);
        }
        return v << (8 * (8 - n));
    }

    final int slotOf(long hi, long lo) {
        long h = mix(hi ^ seed) ^ mix(lo + 0x9E37_79B9_7F4A_7C15L * (seed | 1));
        return (int) h & mask;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return z ^ (z >>> 33);
    }

    final Object lockFor(int slot) {
        return locks[slot & (STRIPES - 1)];
    }

    /** Whether {@code slot} holds the address (hi, lo). Call under the slot's lock. */
    final boolean owns(int slot, long hi, long lo) {
        return used[slot] && keyHi[slot] == hi && keyLo[slot] == lo;
    }

    /**
     * Makes the address the slot's owner if it is not already. Call under the slot's lock.
     *
     * @return 1 if it owned the slot, 0 if it just took the slot (the subclass must reset the slot's state),
     *         -1 if the slot belongs to another address that may not be evicted now
     */
    final int claim(int slot, long hi, long lo, long nowMillis) {
        if (owns(slot, hi, lo)) {
            return 1;
        }
        if (used[slot] && !evictable(slot, nowMillis)) {
            return -1;
        }
        used[slot] = true;
        keyHi[slot] = hi;
        keyLo[slot] = lo;
        return 0;
    }

    final boolean used(int slot) {
        return used[slot];
    }

    /** Whether the current owner of {@code slot} may lose it to another address. Called under the slot's lock. */
    abstract boolean evictable(int slot, long nowMillis);
}

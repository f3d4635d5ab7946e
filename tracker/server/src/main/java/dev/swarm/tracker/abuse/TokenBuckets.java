package dev.swarm.tracker.abuse;

/**
 * A token bucket per client address in a fixed table ({@link AddressTable}): each holds up to {@code burst} tokens
 * and refills at {@code perMinute}. A slot is given to another address only when its bucket is full again, which is
 * the state a new address starts in, so taking it over forgets nothing: a limited address stays limited however many
 * other addresses come by. A newcomer whose slot is held by a limited address is not tracked (and not limited) until
 * that bucket has refilled. Time is passed in.
 */
final class TokenBuckets extends AddressTable {
    private final double tokensPerMilli;
    private final double burst;
    private final double[] tokens;
    private final long[] lastMillis;

    TokenBuckets(int size, int perMinute, int burst) {
        super(size);
        this.tokensPerMilli = perMinute / 60_000.0;
        this.burst = burst;
        this.tokens = new double[size];
        this.lastMillis = new long[size];
    }

    /** Heap taken by a table of {@code size} slots: the keys and flags of {@link AddressTable} and two arrays. */
    static long bytes(int size) {
        return size * (8L + 8 + 1 + 8 + 8);
    }

    /** Takes one token of {@code address}'s bucket; false (nothing taken) when it is empty. */
    boolean take(byte[] address, long nowMillis) {
        return apply(address, nowMillis, true, true);
    }

    /** Whether {@code address}'s bucket holds a token now; takes none. */
    boolean has(byte[] address, long nowMillis) {
        return apply(address, nowMillis, false, true);
    }

    /** Takes one token of {@code address}'s bucket, if it holds one. */
    void charge(byte[] address, long nowMillis) {
        apply(address, nowMillis, true, false);
    }

    private boolean apply(byte[] address, long now, boolean take, boolean untracked) {
        long hi = hi(address);
        long lo = lo(address);
        int slot = slotOf(hi, lo);
        synchronized (lockFor(slot)) {
            int c = claim(slot, hi, lo, now);
            if (c < 0) {
                return untracked;
            }
            if (c == 0) {
                tokens[slot] = burst;
                lastMillis[slot] = now;
            }
            refill(slot, now);
            if (tokens[slot] < 1) {
                return false;
            }
            if (take) {
                tokens[slot] -= 1;
            }
            return true;
        }
    }

    private void refill(int slot, long now) {
        long elapsed = Math.max(0, now - lastMillis[slot]);
        tokens[slot] = Math.min(burst, tokens[slot] + elapsed * tokensPerMilli);
        lastMillis[slot] = Math.max(lastMillis[slot], now);
    }

    @Override
    boolean evictable(int slot, long nowMillis) {
        refill(slot, nowMillis);
        return tokens[slot] >= burst;
    }
}

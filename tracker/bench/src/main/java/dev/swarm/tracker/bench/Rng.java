package dev.swarm.tracker.bench;

/**
 * A tiny xorshift generator for picking the next request inside a benchmark loop: a few cycles, no
 * allocation, no synchronisation. One instance per benchmark thread.
 */
public final class Rng {
    private long state;

    /** @param seed any value; 0 is replaced by a fixed non-zero seed */
    public Rng(long seed) {
        state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    /** A uniform value in {@code [0, bound)}; {@code bound} must be positive. */
    public int nextInt(int bound) {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return (int) (((x >>> 32) * bound) >>> 32);
    }
}

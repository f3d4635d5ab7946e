package dev.swarm.protocol.bencode;

/**
 * Bounds and strictness for {@link Bencode} decoding.
 *
 * @param maxDepth        deepest nesting of lists and dictionaries (1 = a flat list or dict), 1..1024;
 *                        also bounds the decoder's recursion
 * @param maxStringLength longest byte string, in bytes
 * @param maxItems        most values in one document, counting every integer, string, list and
 *                        dictionary at any depth (dictionary keys are not counted)
 * @param strict          {@code true}: only canonical bencode is accepted (dictionary keys strictly
 *                        ascending in unsigned byte order, so no duplicates; no leading zeros in integers
 *                        or string lengths; no {@code -0}). {@code false}: unsorted keys are accepted, a
 *                        duplicate key keeps its last value, and leading zeros and {@code -0} are read as
 *                        their value. Negative lengths, empty integers, non-digits and overflow are
 *                        rejected in both modes.
 */
public record BencodeLimits(int maxDepth, int maxStringLength, int maxItems, boolean strict) {

    /** Largest {@code maxDepth} allowed: keeps the recursive decoder far from a stack overflow. */
    public static final int DEPTH_CEILING = 1024;

    /** Canonical input only; depth 32, strings up to 1 MiB, 100 000 values. */
    public static final BencodeLimits DEFAULT = new BencodeLimits(32, 1 << 20, 100_000, true);

    /** Same bounds as {@link #DEFAULT}, non-canonical input accepted (for responses of other software). */
    public static final BencodeLimits LENIENT = new BencodeLimits(32, 1 << 20, 100_000, false);

    /** @throws IllegalArgumentException if a bound is out of range */
    public BencodeLimits {
        if (maxDepth < 1 || maxDepth > DEPTH_CEILING) {
            throw new IllegalArgumentException("maxDepth must be 1.." + DEPTH_CEILING);
        }
        if (maxStringLength < 0) {
            throw new IllegalArgumentException("maxStringLength must be >= 0");
        }
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be >= 1");
        }
    }
}

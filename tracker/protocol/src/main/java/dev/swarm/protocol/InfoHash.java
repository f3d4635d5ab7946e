package dev.swarm.protocol;

/**
 * A 20-byte info-hash: the SHA-1 of a torrent's bencoded {@code info} dictionary (BEP 3); for a v2
 * or hybrid torrent also the SHA-256 truncated to 20 bytes (BEP 52).
 *
 * <p>Immutable: the factories copy their input and {@link #bytes()} returns a copy. Equality is by
 * content; ordering compares the bytes as unsigned values, the order bencode uses for dictionary keys.
 */
public final class InfoHash extends Bytes20 implements Comparable<InfoHash> {

    private InfoHash(byte[] bytes) {
        super(bytes);
    }

    /**
     * A copy of exactly {@value #LENGTH} bytes.
     *
     * @throws IllegalArgumentException if {@code b} is null or not {@value #LENGTH} bytes long
     */
    public static InfoHash of(byte[] b) {
        return new InfoHash(copyExact(b, "info-hash"));
    }

    /**
     * A copy of the {@value #LENGTH} bytes starting at {@code off}.
     *
     * @throws IndexOutOfBoundsException if fewer than {@value #LENGTH} bytes are available
     */
    public static InfoHash of(byte[] b, int off) {
        return new InfoHash(copyAt(b, off));
    }

    /**
     * Parses {@value #LENGTH}&times;2 hex digits of either case.
     *
     * @throws IllegalArgumentException if the text is not exactly 40 hex digits
     */
    public static InfoHash fromHex(String hex) {
        return new InfoHash(Hex.decode(hex, LENGTH, "info-hash"));
    }

    @Override
    public int compareTo(InfoHash o) {
        return compareBytes(o);
    }
}

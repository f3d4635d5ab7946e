package dev.swarm.protocol;

/**
 * A 20-byte peer id a client chooses for itself (BEP 3; BEP 20 describes common conventions).
 *
 * <p>Immutable: the factories copy their input and {@link #bytes()} returns a copy. Equality is by
 * content; ordering compares the bytes as unsigned values, the order bencode uses for dictionary keys.
 */
public final class PeerId extends Bytes20 implements Comparable<PeerId> {

    private PeerId(byte[] bytes) {
        super(bytes);
    }

    /**
     * A copy of exactly {@value #LENGTH} bytes.
     *
     * @throws IllegalArgumentException if {@code b} is null or not {@value #LENGTH} bytes long
     */
    public static PeerId of(byte[] b) {
        return new PeerId(copyExact(b, "peer id"));
    }

    /**
     * A copy of the {@value #LENGTH} bytes starting at {@code off}.
     *
     * @throws IndexOutOfBoundsException if fewer than {@value #LENGTH} bytes are available
     */
    public static PeerId of(byte[] b, int off) {
        return new PeerId(copyAt(b, off));
    }

    /**
     * Parses {@value #LENGTH}&times;2 hex digits of either case.
     *
     * @throws IllegalArgumentException if the text is not exactly 40 hex digits
     */
    public static PeerId fromHex(String hex) {
        return new PeerId(Hex.decode(hex, LENGTH, "peer id"));
    }

    @Override
    public int compareTo(PeerId o) {
        return compareBytes(o);
    }
}

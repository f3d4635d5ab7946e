package dev.swarm.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A 20-byte peer id a client chooses for itself (BEP 3; BEP 20 describes common conventions).
 *
 * <p>Immutable: the factories copy their input and {@link #bytes()} returns a copy. Equality is by
 * content; ordering compares the bytes as unsigned values, the order bencode uses for dictionary keys.
 */
public final class PeerId implements Comparable<PeerId> {

    /** The length in bytes. */
    public static final int LENGTH = 20;

    private final byte[] bytes;
    private final int hash;

    private PeerId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * A copy of exactly {@value #LENGTH} bytes.
     *
     * @throws IllegalArgumentException if {@code b} is null or not {@value #LENGTH} bytes long
     */
    public static PeerId of(byte[] b) {
        if (b == null || b.length != LENGTH) {
            throw new IllegalArgumentException("peer id must be " + LENGTH + " bytes");
        }
        return new PeerId(b.clone());
    }

    /**
     * A copy of the {@value #LENGTH} bytes starting at {@code off}.
     *
     * @throws IndexOutOfBoundsException if fewer than {@value #LENGTH} bytes are available
     */
    public static PeerId of(byte[] b, int off) {
        Objects.checkFromIndexSize(off, LENGTH, b.length);
        return new PeerId(Arrays.copyOfRange(b, off, off + LENGTH));
    }

    /**
     * Parses {@value #LENGTH}&times;2 hex digits of either case.
     *
     * @throws IllegalArgumentException if the text is not exactly 40 hex digits
     */
    public static PeerId fromHex(String hex) {
        return new PeerId(Hex.decode(hex, LENGTH, "peer id"));
    }

    /** Lower-case hex, 40 characters. */
    public String toHex() {
        return Hex.encode(bytes);
    }

    /** A copy of the 20 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the 20 bytes into {@code dst} at {@code off}. */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    /** Whether the 20 bytes at {@code off} in {@code b} equal this value. */
    public boolean contentEquals(byte[] b, int off) {
        return Arrays.equals(bytes, 0, LENGTH, b, off, off + LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(PeerId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** The hex form. */
    @Override
    public String toString() {
        return toHex();
    }
}

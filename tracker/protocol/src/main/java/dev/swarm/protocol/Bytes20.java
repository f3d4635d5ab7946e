package dev.swarm.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The shared part of the protocol's 20-byte values ({@link InfoHash}, {@link PeerId}): immutable bytes, equality
 * by content and type, unsigned ordering, hex form.
 */
public abstract sealed class Bytes20 permits InfoHash, PeerId {

    /** The length in bytes. */
    public static final int LENGTH = 20;

    private final byte[] bytes;
    private final int hash;

    /** Takes ownership of {@code bytes}, which must be exactly {@value #LENGTH} bytes long. */
    Bytes20(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    static byte[] copyExact(byte[] b, String what) {
        if (b == null || b.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be " + LENGTH + " bytes");
        }
        return b.clone();
    }

    static byte[] copyAt(byte[] b, int off) {
        Objects.checkFromIndexSize(off, LENGTH, b.length);
        return Arrays.copyOfRange(b, off, off + LENGTH);
    }

    /** Lower-case hex, 40 characters. */
    public final String toHex() {
        return Hex.encode(bytes);
    }

    /** A copy of the 20 bytes. */
    public final byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the 20 bytes into {@code dst} at {@code off}. */
    public final void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    /** Whether the 20 bytes at {@code off} in {@code b} equal this value. */
    public final boolean contentEquals(byte[] b, int off) {
        return Arrays.equals(bytes, 0, LENGTH, b, off, off + LENGTH);
    }

    /** Unsigned comparison of the bytes, the order bencode uses for dictionary keys. */
    final int compareBytes(Bytes20 o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof Bytes20 other && other.getClass() == getClass() && hash == other.hash
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    /** The hex form. */
    @Override
    public final String toString() {
        return toHex();
    }
}

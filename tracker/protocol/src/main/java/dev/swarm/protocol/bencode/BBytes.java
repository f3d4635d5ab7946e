package dev.swarm.protocol.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bencode byte string ({@code <length>:<bytes>}). Bencode strings are binary; text is usually UTF-8.
 *
 * <p>The record does not copy its array: the decoder hands over a fresh array, and whoever builds one
 * must not change the array afterwards. Equality, hash code and {@code toString} use the content.
 */
public record BBytes(byte[] value) implements BValue {

    /** @throws NullPointerException if {@code value} is null */
    public BBytes {
        if (value == null) {
            throw new NullPointerException("value");
        }
    }

    /** The UTF-8 encoding of {@code text}. */
    public static BBytes utf8(String text) {
        return new BBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The content decoded as UTF-8 (malformed sequences become U+FFFD). */
    public String asUtf8() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** The content decoded as ISO-8859-1: one char per byte, lossless. */
    public String asLatin1() {
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BBytes other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    /** Printable ASCII content as text, anything else as hex. */
    @Override
    public String toString() {
        for (byte b : value) {
            if (b < 0x20 || b >= 0x7f) {
                StringBuilder sb = new StringBuilder("BBytes[0x");
                for (byte x : value) {
                    sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
                }
                return sb.append(']').toString();
            }
        }
        return "BBytes[\"" + asLatin1() + "\"]";
    }
}

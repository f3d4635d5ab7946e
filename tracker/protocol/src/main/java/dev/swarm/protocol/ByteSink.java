package dev.swarm.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A growable byte buffer meant to be reused, for example one per worker thread: {@link #reset()} it,
 * write a message, then hand {@link #array()} and {@link #size()} to the transport.
 *
 * <p>The buffer never grows beyond the maximum capacity given to the constructor; a write that would
 * exceed it throws {@link IllegalStateException} and leaves the content as it was before that write.
 * Not thread-safe.
 */
public final class ByteSink {

    private static final byte[] DIGIT_ONES = "0123456789".getBytes(StandardCharsets.US_ASCII);

    private final int maxCapacity;
    private byte[] buf;
    private int size;

    /**
     * @param initialCapacity bytes allocated up front (at most {@code maxCapacity})
     * @param maxCapacity     the bound the buffer never grows beyond
     */
    public ByteSink(int initialCapacity, int maxCapacity) {
        if (maxCapacity < 1 || initialCapacity < 0 || initialCapacity > maxCapacity) {
            throw new IllegalArgumentException("need 0 <= initialCapacity <= maxCapacity and maxCapacity >= 1");
        }
        this.maxCapacity = maxCapacity;
        this.buf = new byte[initialCapacity];
    }

    /** A sink starting at {@code min(256, maxCapacity)} bytes. */
    public ByteSink(int maxCapacity) {
        this(Math.min(256, Math.max(1, maxCapacity)), maxCapacity);
    }

    /** Forgets the content; the allocated array is kept. */
    public void reset() {
        size = 0;
    }

    /** Appends the low 8 bits of {@code b}. */
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    /** Appends all of {@code b}. */
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** Appends {@code len} bytes of {@code b} starting at {@code off}. */
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /**
     * Appends the characters of {@code s} as single bytes (the low 8 bits of each char, which is
     * ASCII for ASCII text and ISO-8859-1 for Latin-1 text).
     */
    public void writeAscii(CharSequence s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size + i] = (byte) s.charAt(i);
        }
        size += n;
    }

    /** Appends the decimal form of {@code v} (a leading {@code '-'} when negative). */
    public void writeDecimal(long v) {
        int digits = decimalLength(v);
        ensure(digits);
        int end = size + digits;
        int p = end;
        long q = v;
        if (q >= 0) {
            q = -q;
        }
        // q <= 0 from here: negative arithmetic also covers Long.MIN_VALUE
        do {
            long next = q / 10;
            buf[--p] = DIGIT_ONES[(int) (next * 10 - q)];
            q = next;
        } while (q != 0);
        if (v < 0) {
            buf[--p] = '-';
        }
        size = end;
    }

    /** The number of bytes {@link #writeDecimal(long)} writes for {@code v}. */
    public static int decimalLength(long v) {
        int n = v < 0 ? 2 : 1;
        long q = v < 0 ? v : -v;
        while (q <= -10) {
            q /= 10;
            n++;
        }
        return n;
    }

    /** The backing array; valid bytes are {@code [0, size())}. Invalidated by the next write. */
    public byte[] array() {
        return buf;
    }

    /** The number of bytes written since the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /** The bound given to the constructor. */
    public int maxCapacity() {
        return maxCapacity;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (extra <= buf.length - size) {
            return;
        }
        if (extra > maxCapacity - size) {
            throw new IllegalStateException("ByteSink full: " + size + " + " + extra + " bytes exceeds "
                    + maxCapacity);
        }
        long want = Math.max((long) size + extra, Math.max(16L, 2L * buf.length));
        buf = Arrays.copyOf(buf, (int) Math.min(want, maxCapacity));
    }
}

package dev.swarm.protocol.udp;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Big-endian access to a {@link ByteBuffer} whatever byte order the caller configured on it. */
final class Wire {

    private Wire() {
    }

    /** Throws before anything is written if fewer than {@code bytes} remain. */
    static void need(ByteBuffer b, int bytes) {
        if (b.remaining() < bytes) {
            throw new BufferOverflowException();
        }
    }

    static int getInt(ByteBuffer b, int index) {
        int v = b.getInt(index);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static long getLong(ByteBuffer b, int index) {
        long v = b.getLong(index);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }

    static int getUnsignedShort(ByteBuffer b, int index) {
        return (b.get(index) & 0xff) << 8 | (b.get(index + 1) & 0xff);
    }

    static void putInt(ByteBuffer b, int v) {
        b.putInt(b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v));
    }

    static void putLong(ByteBuffer b, long v) {
        b.putLong(b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v));
    }

    static void putShort(ByteBuffer b, int v) {
        b.put((byte) (v >> 8));
        b.put((byte) v);
    }
}

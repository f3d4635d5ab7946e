package dev.swarm.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteSinkTest {

    @Test
    void writesDecimalsLikeLongToString() {
        long[] values = {0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321, Integer.MAX_VALUE,
            Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1_000_000_000_000L};
        ByteSink sink = new ByteSink(4, 64);
        for (long v : values) {
            sink.reset();
            sink.writeDecimal(v);
            assertEquals(Long.toString(v), new String(sink.toByteArray(), StandardCharsets.US_ASCII));
            assertEquals(Long.toString(v).length(), ByteSink.decimalLength(v));
        }
    }

    @Test
    void growsUpToTheBoundAndNoFurther() {
        ByteSink sink = new ByteSink(1, 10);
        sink.writeAscii("0123456789");
        assertEquals(10, sink.size());
        assertThrows(IllegalStateException.class, () -> sink.write('x'));
        assertThrows(IllegalStateException.class, () -> sink.writeDecimal(1));
        assertThrows(IllegalStateException.class, () -> sink.write(new byte[1], 0, 1));
        assertArrayEquals("0123456789".getBytes(StandardCharsets.US_ASCII), sink.toByteArray(),
                "a refused write leaves the content alone");
        sink.reset();
        assertEquals(0, sink.size());
        sink.write(new byte[] {1, 2, 3, 4}, 1, 2);
        assertArrayEquals(new byte[] {2, 3}, sink.toByteArray());
    }

    @Test
    void keepsItsArrayAcrossResets() {
        ByteSink sink = new ByteSink(16, 16);
        byte[] before = sink.array();
        sink.writeAscii("abc");
        sink.reset();
        sink.write(0x1ff);
        assertSame(before, sink.array());
        assertEquals((byte) 0xff, sink.array()[0]);
        assertEquals(16, sink.maxCapacity());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ByteSink(10, 5));
        assertThrows(IllegalArgumentException.class, () -> new ByteSink(0));
        ByteSink sink = new ByteSink(8);
        assertThrows(IndexOutOfBoundsException.class, () -> sink.write(new byte[2], 1, 2));
    }
}

package dev.swarm.protocol.bencode;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Bencode (BEP 3) decoding into {@link BValue} trees and encoding back.
 *
 * <p>Decoding is bounded by {@link BencodeLimits}: nesting depth (which also bounds recursion), string
 * length, and the number of values. A declared string length is checked against the remaining input
 * and the limit before anything is allocated. Every decoding error is a
 * {@link ProtocolException#drop(String) drop} exception whose message says what was wrong and at which
 * offset (counted from the start of the decoded region); no other exception escapes for any input.
 *
 * <p>Encoding writes dictionary keys in ascending unsigned byte order, so it always produces canonical
 * bencode. For hot paths that write a fixed message shape use {@link BencodeWriter} instead.
 */
public final class Bencode {

    private Bencode() {
    }

    /** Decodes {@code data}, which must hold exactly one value and nothing after it. */
    public static BValue decode(byte[] data, BencodeLimits limits) throws ProtocolException {
        return decode(data, 0, data.length, limits);
    }

    /**
     * Decodes {@code data[off, off + len)}, which must hold exactly one value and nothing after it.
     *
     * @throws IndexOutOfBoundsException if the region is not inside {@code data} (a caller bug)
     */
    public static BValue decode(byte[] data, int off, int len, BencodeLimits limits) throws ProtocolException {
        BValue[] out = new BValue[1];
        int used = decodePrefix(data, off, len, limits, out);
        if (used != len) {
            throw ProtocolException.drop("bencode: trailing data at offset " + used);
        }
        return out[0];
    }

    /**
     * Decodes the one value at the start of {@code data[off, off + len)} into {@code out[0]} and returns
     * how many bytes it took; anything after the value is left alone (e.g. the piece data after a BEP 9
     * {@code ut_metadata} dictionary).
     *
     * @throws IndexOutOfBoundsException if the region is not inside {@code data} or {@code out} is empty
     */
    public static int decodePrefix(byte[] data, int off, int len, BencodeLimits limits, BValue[] out)
            throws ProtocolException {
        Objects.checkFromIndexSize(off, len, data.length);
        Objects.checkIndex(0, out.length);
        Decoder d = new Decoder(data, off, off + len, limits);
        out[0] = d.value(0);
        return d.pos - off;
    }

    /** The canonical encoding of {@code v}. */
    public static byte[] encode(BValue v) {
        ByteSink sink = new ByteSink(256, Integer.MAX_VALUE - 16);
        encode(v, sink);
        return sink.toByteArray();
    }

    /** Appends the canonical encoding of {@code v} to {@code out}. */
    public static void encode(BValue v, ByteSink out) {
        switch (v) {
            case BInt i -> {
                out.write('i');
                out.writeDecimal(i.value());
                out.write('e');
            }
            case BBytes b -> {
                out.writeDecimal(b.value().length);
                out.write(':');
                out.write(b.value());
            }
            case BList l -> {
                out.write('l');
                for (BValue item : l.items()) {
                    encode(item, out);
                }
                out.write('e');
            }
            case BDict d -> {
                out.write('d');
                for (Map.Entry<String, BValue> e : d.entries().entrySet()) {
                    out.writeDecimal(e.getKey().length());
                    out.write(':');
                    out.writeAscii(e.getKey());
                    encode(e.getValue(), out);
                }
                out.write('e');
            }
        }
    }

    /** One decoding run; {@code pos} is the absolute index of the next unread byte. */
    private static final class Decoder {

        private final byte[] data;
        private final int base;
        private final int end;
        private final BencodeLimits limits;
        private int pos;
        private int items;

        Decoder(byte[] data, int base, int end, BencodeLimits limits) {
            this.data = data;
            this.base = base;
            this.end = end;
            this.limits = limits;
            this.pos = base;
        }

        BValue value(int depth) throws ProtocolException {
            if (++items > limits.maxItems()) {
                throw error("more than " + limits.maxItems() + " values");
            }
            int c = peek();
            if (c == 'i') {
                pos++;
                return new BInt(integer());
            }
            if (c == 'l') {
                return list(depth + 1);
            }
            if (c == 'd') {
                return dict(depth + 1);
            }
            if (c >= '0' && c <= '9') {
                int len = stringHeader();
                byte[] b = Arrays.copyOfRange(data, pos, pos + len);
                pos += len;
                return new BBytes(b);
            }
            throw unexpected("start of a value");
        }

        private BList list(int depth) throws ProtocolException {
            checkDepth(depth);
            pos++;
            ArrayList<BValue> list = new ArrayList<>();
            while (peek() != 'e') {
                list.add(value(depth));
            }
            pos++;
            return new BList(list);
        }

        private BDict dict(int depth) throws ProtocolException {
            checkDepth(depth);
            pos++;
            TreeMap<String, BValue> map = new TreeMap<>();
            int prevStart = -1;
            int prevLen = 0;
            while (true) {
                int c = peek();
                if (c == 'e') {
                    pos++;
                    return new BDict(map);
                }
                if (c < '0' || c > '9') {
                    throw unexpected("dictionary key (keys must be strings)");
                }
                int keyAt = pos;
                int len = stringHeader();
                if (limits.strict() && prevStart >= 0) {
                    int cmp = Arrays.compareUnsigned(data, prevStart, prevStart + prevLen, data, pos, pos + len);
                    if (cmp >= 0) {
                        throw ProtocolException.drop("bencode: dictionary key at offset " + (keyAt - base)
                                + (cmp == 0 ? " is a duplicate" : " is not in ascending order"));
                    }
                }
                String key = new String(data, pos, len, StandardCharsets.ISO_8859_1);
                prevStart = pos;
                prevLen = len;
                pos += len;
                map.put(key, value(depth));
            }
        }

        /** Reads {@code <digits>:} and returns the length, checked against the limit and the input. */
        private int stringHeader() throws ProtocolException {
            int start = pos;
            long n = 0;
            while (pos < end && data[pos] >= '0' && data[pos] <= '9') {
                if (n > limits.maxStringLength()) {
                    break;
                }
                n = n * 10 + (data[pos] - '0');
                pos++;
            }
            if (n > limits.maxStringLength()) {
                throw ProtocolException.drop("bencode: string at offset " + (start - base)
                        + " is longer than the limit of " + limits.maxStringLength() + " bytes");
            }
            if (peek() != ':') {
                throw unexpected("string length digit or ':'");
            }
            if (limits.strict() && pos - start > 1 && data[start] == '0') {
                throw ProtocolException.drop("bencode: string length at offset " + (start - base)
                        + " has a leading zero");
            }
            pos++;
            if (n > end - pos) {
                throw ProtocolException.drop("bencode: string at offset " + (start - base) + " declares " + n
                        + " bytes but only " + (end - pos) + " remain");
            }
            return (int) n;
        }

        /** Reads the digits of an integer after the {@code 'i'} and its closing {@code 'e'}. */
        private long integer() throws ProtocolException {
            int start = pos;
            boolean negative = pos < end && data[pos] == '-';
            if (negative) {
                pos++;
            }
            int digitsAt = pos;
            long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
            long multmin = limit / 10;
            long r = 0;
            while (pos < end && data[pos] >= '0' && data[pos] <= '9') {
                int d = data[pos] - '0';
                if (r < multmin || r * 10 < limit + d) {
                    throw ProtocolException.drop("bencode: integer at offset " + (start - base)
                            + " does not fit in 64 bits");
                }
                r = r * 10 - d;
                pos++;
            }
            if (peek() != 'e') {
                throw unexpected("integer digit or 'e'");
            }
            int digits = pos - digitsAt;
            if (digits == 0) {
                throw ProtocolException.drop("bencode: integer at offset " + (start - base) + " has no digits");
            }
            if (limits.strict()) {
                if (digits > 1 && data[digitsAt] == '0') {
                    throw ProtocolException.drop("bencode: integer at offset " + (start - base)
                            + " has a leading zero");
                }
                if (negative && r == 0) {
                    throw ProtocolException.drop("bencode: integer at offset " + (start - base) + " is -0");
                }
            }
            pos++;
            return negative ? r : -r;
        }

        private void checkDepth(int depth) throws ProtocolException {
            if (depth > limits.maxDepth()) {
                throw error("nesting deeper than " + limits.maxDepth());
            }
        }

        /** The next byte without consuming it. */
        private int peek() throws ProtocolException {
            if (pos >= end) {
                throw error("unexpected end of input");
            }
            return data[pos] & 0xff;
        }

        private ProtocolException unexpected(String expected) {
            return ProtocolException.drop(String.format("bencode: unexpected byte 0x%02x at offset %d, expected %s",
                    data[pos] & 0xff, pos - base, expected));
        }

        private ProtocolException error(String what) {
            return ProtocolException.drop("bencode: " + what + " at offset " + (pos - base));
        }
    }
}

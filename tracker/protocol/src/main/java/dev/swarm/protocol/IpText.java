package dev.swarm.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Textual IP addresses without any name resolution: parses IPv4 dotted quads and IPv6 literals
 * (RFC 4291 section 2.2) into raw bytes, and writes raw addresses as text (IPv6 in the RFC 5952
 * canonical form). Host names, zone ids ({@code %eth0}) and brackets are not literals and are rejected.
 */
public final class IpText {

    /**
     * Longest address text, read or written: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}.
     */
    public static final int MAX_TEXT = 45;

    private static final byte[] MAPPED_PREFIX = "::ffff:".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private IpText() {
    }

    /** The 4 or 16 bytes of an IPv4 or IPv6 literal, or null if {@code s} is not one. */
    public static byte[] parse(CharSequence s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ':') {
                return parseV6(s);
            }
        }
        byte[] out = new byte[4];
        return parseV4(s, 0, s.length(), out, 0) ? out : null;
    }

    /** Text of a 4-byte (dotted quad) or 16-byte (RFC 5952) address. */
    public static String format(byte[] addr, int off, int len) {
        byte[] text = new byte[MAX_TEXT];
        int n = write(addr, off, len, text, 0);
        return new String(text, 0, n, StandardCharsets.US_ASCII);
    }

    /**
     * Appends the text of an address to {@code out}.
     *
     * @throws IllegalArgumentException if {@code len} is not 4 or 16
     */
    public static void write(byte[] addr, int off, int len, ByteSink out) {
        byte[] text = new byte[MAX_TEXT];
        out.write(text, 0, write(addr, off, len, text, 0));
    }

    /**
     * Writes a 4-byte address as a dotted quad or a 16-byte one in RFC 5952 form (lower case, longest
     * run of two or more zero groups as {@code ::}, IPv4-mapped addresses as {@code ::ffff:a.b.c.d}) into
     * {@code dst} at {@code dstOff}, which needs room for {@link #MAX_TEXT} bytes.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException if {@code len} is not 4 or 16
     */
    public static int write(byte[] addr, int off, int len, byte[] dst, int dstOff) {
        if (len == 4) {
            return writeV4(addr, off, dst, dstOff) - dstOff;
        }
        if (len == 16) {
            return writeV6(addr, off, dst, dstOff) - dstOff;
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + len);
    }

    /** Writes a dotted quad at {@code p}; returns the index after it. */
    private static int writeV4(byte[] a, int off, byte[] dst, int p) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                dst[p++] = '.';
            }
            int v = a[off + i] & 0xff;
            if (v >= 100) {
                dst[p++] = (byte) ('0' + v / 100);
            }
            if (v >= 10) {
                dst[p++] = (byte) ('0' + v / 10 % 10);
            }
            dst[p++] = (byte) ('0' + v % 10);
        }
        return p;
    }

    private static int writeV6(byte[] a, int off, byte[] dst, int p) {
        if (isV4Mapped(a, off)) {
            for (byte c : MAPPED_PREFIX) {
                dst[p++] = c;
            }
            return writeV4(a, off + 12, dst, p);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int g = 0; g < 8; ) {
            if (group(a, off, g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(a, off, g) == 0) {
                g++;
            }
            if (g - start > bestLen) {
                bestStart = start;
                bestLen = g - start;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                dst[p++] = ':';
                dst[p++] = ':';
                g += bestLen - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLen) {
                dst[p++] = ':';
            }
            p = writeHexGroup(group(a, off, g), dst, p);
        }
        return p;
    }

    private static boolean isV4Mapped(byte[] a, int off) {
        for (int i = 0; i < 10; i++) {
            if (a[off + i] != 0) {
                return false;
            }
        }
        return a[off + 10] == (byte) 0xff && a[off + 11] == (byte) 0xff;
    }

    private static int group(byte[] a, int off, int g) {
        return (a[off + 2 * g] & 0xff) << 8 | (a[off + 2 * g + 1] & 0xff);
    }

    private static int writeHexGroup(int v, byte[] dst, int p) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (v >> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                dst[p++] = HEX[d];
                started = true;
            }
        }
        return p;
    }

    /** Parses a dotted quad in {@code s[from, to)} into {@code out[at..at+3]}; no leading zeros. */
    private static boolean parseV4(CharSequence s, int from, int to, byte[] out, int at) {
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int v = 0;
            while (i < to && i - start < 3) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                v = v * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || v > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return false;
            }
            out[at + part++] = (byte) v;
            if (part < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == to;
    }

    private static byte[] parseV6(CharSequence s) {
        int n = s.length();
        if (n < 2 || n > MAX_TEXT) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (s.charAt(0) == ':') {
            if (s.charAt(1) != ':') {
                return null;
            }
            gap = 0;
            i = 2;
        }
        while (i < n) {
            int start = i;
            int v = 0;
            while (i < n && i - start <= 4 && Hex.digit(s.charAt(i)) >= 0) {
                v = v << 4 | Hex.digit(s.charAt(i));
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                byte[] v4 = new byte[4];
                if (count > 6 || !parseV4(s, start, n, v4, 0)) {
                    return null;
                }
                groups[count++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                groups[count++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || count == 8) {
                return null;
            }
            groups[count++] = v;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int head = gap < 0 ? count : gap;
        for (int k = 0; k < count; k++) {
            int pos = k < head ? k : 8 - (count - k);
            out[2 * pos] = (byte) (groups[k] >> 8);
            out[2 * pos + 1] = (byte) groups[k];
        }
        return out;
    }
}

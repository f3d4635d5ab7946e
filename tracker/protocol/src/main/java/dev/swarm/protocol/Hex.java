package dev.swarm.protocol;

/** Lower-case hexadecimal text for byte arrays (for logs, {@code toString} and info-hash text forms). */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Lower-case hex of all of {@code b}; {@code "null"} for null. */
    public static String encode(byte[] b) {
        if (b == null) {
            return "null";
        }
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = DIGITS[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[b[i] & 0xf];
        }
        return new String(out);
    }

    /** Decodes exactly {@code length} bytes from {@code 2 * length} hex digits of either case. */
    static byte[] decode(String hex, int length, String what) {
        if (hex == null || hex.length() != 2 * length) {
            throw new IllegalArgumentException(what + " must be " + 2 * length + " hex digits");
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int hi = digit(hex.charAt(2 * i));
            int lo = digit(hex.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException(what + " contains a non-hex character at " + 2 * i);
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** The value of an ASCII hex digit of either case, or -1. */
    public static int digit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}

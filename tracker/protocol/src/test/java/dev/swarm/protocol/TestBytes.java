package dev.swarm.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Helpers for golden byte vectors and robustness sweeps. */
public final class TestBytes {

    /** Something that consumes input and may reject it. */
    @FunctionalInterface
    public interface Decoder {
        void decode(byte[] input) throws ProtocolException;
    }

    private TestBytes() {
    }

    /** Hex digits, whitespace and {@code |} separators ignored: {@code hex("0000 0417 | 2710")}. */
    public static byte[] hex(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            for (char c : p.toCharArray()) {
                if (!Character.isWhitespace(c) && c != '|') {
                    sb.append(c);
                }
            }
        }
        return HexFormat.of().parseHex(sb);
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code n} bytes counting up from {@code start}: easy to recognise in golden vectors. */
    public static byte[] counting(int start, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (start + i);
        }
        return b;
    }

    /**
     * Runs {@code decoder} on every prefix of {@code valid} (lengths 0..valid.length), on every
     * single-byte corruption of it, and on {@code randomRuns} random inputs up to {@code maxRandomLength}
     * bytes. Anything but success or a {@link ProtocolException} fails the test with the input in hex.
     *
     * @return how many inputs were rejected with a ProtocolException
     */
    public static int sweep(byte[] valid, int randomRuns, int maxRandomLength, long seed, Decoder decoder) {
        int rejected = 0;
        for (int len = 0; len <= valid.length; len++) {
            rejected += run(Arrays.copyOf(valid, len), decoder);
        }
        for (int i = 0; i < valid.length; i++) {
            for (int v : new int[] {0x00, 0xff, valid[i] + 1, valid[i] - 1, '-', ':', 'e', '%', '&', '='}) {
                byte[] b = valid.clone();
                b[i] = (byte) v;
                rejected += run(b, decoder);
            }
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < randomRuns; i++) {
            byte[] b = new byte[rnd.nextInt(maxRandomLength + 1)];
            rnd.nextBytes(b);
            rejected += run(b, decoder);
        }
        return rejected;
    }

    private static int run(byte[] input, Decoder decoder) {
        try {
            decoder.decode(input);
            return 0;
        } catch (ProtocolException e) {
            return 1;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("unexpected " + e + " for input " + HexFormat.of().formatHex(input), e);
        }
    }
}

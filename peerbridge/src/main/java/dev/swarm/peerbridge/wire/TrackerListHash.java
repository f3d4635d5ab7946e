package dev.swarm.peerbridge.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The BEP 28 {@code tr} value: SHA-1 over the tracker URLs sorted byte-wise (as libtorrent's
 * {@code std::sort} of {@code std::string}) and concatenated with no separator; 20 raw bytes.
 */
public final class TrackerListHash {
    private TrackerListHash() {
    }

    /** The 20-byte hash of a list of (already normalised) URLs; the order they are given in does not matter. */
    public static byte[] of(Collection<String> urls) {
        List<byte[]> sorted = new ArrayList<>(urls.size());
        for (String url : urls) {
            sorted.add(url.getBytes(StandardCharsets.UTF_8));
        }
        sorted.sort(Arrays::compareUnsigned);
        MessageDigest sha1 = sha1();
        for (byte[] b : sorted) {
            sha1.update(b);
        }
        return sha1.digest();
    }

    /**
     * Reads a {@code tr} value as sent: 20 raw bytes (libtorrent) or 40 hex characters (Shareaza).
     * Returns null for any other form, which BEP 28 treats as "hashes differ" (send the full list).
     */
    public static byte[] parse(byte[] value) {
        if (value.length == 20) {
            return value.clone();
        }
        if (value.length == 40) {
            String s = new String(value, StandardCharsets.US_ASCII);
            if (s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return HexFormat.of().parseHex(s);
            }
        }
        return null;
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}

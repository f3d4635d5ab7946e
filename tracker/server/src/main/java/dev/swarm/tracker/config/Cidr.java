package dev.swarm.tracker.config;

import dev.swarm.protocol.IpText;
import java.util.Arrays;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code ::1/128}. IPv4 blocks match IPv4 addresses (given as
 * 4 bytes, so IPv4-mapped IPv6 addresses must be canonicalised first), IPv6 blocks match 16-byte addresses.
 */
public record Cidr(byte[] network, int prefixLength) {

    /**
     * Parses {@code ADDR/LEN} or a bare address (a single host). Address literals only, never a name lookup.
     *
     * @throws IllegalArgumentException with a message meant to follow a key name
     */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] raw = IpText.parse(addr); // a pure parser: never a name lookup
        if (raw == null) {
            throw new IllegalArgumentException("expected an address block such as 10.0.0.0/8 or fd00::/8, got '" + text + "'");
        }
        raw = v4IfMapped(raw);
        int max = raw.length * 8;
        int len = max;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("prefix length is not a number in '" + text + "'");
            }
            if (len < 0 || len > max) {
                throw new IllegalArgumentException("prefix length must be 0.." + max + " in '" + text + "'");
            }
        }
        return new Cidr(mask(raw, len), len);
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this block; addresses of the other family never do. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & m) == (network[full] & m);
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as its 4 IPv4 bytes, as the addresses it is matched with. */
    private static byte[] v4IfMapped(byte[] raw) {
        if (raw.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (raw[i] != 0) {
                    return raw;
                }
            }
            if (raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF) {
                return Arrays.copyOfRange(raw, 12, 16);
            }
        }
        return raw;
    }

    private static byte[] mask(byte[] raw, int len) {
        byte[] out = raw.clone();
        for (int bit = len; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public String toString() {
        return IpText.format(network, 0, network.length) + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && prefixLength == c.prefixLength && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }
}

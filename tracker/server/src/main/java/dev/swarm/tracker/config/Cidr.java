package dev.swarm.tracker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
        boolean literal = addr.indexOf(':') >= 0 ? addr.matches("[0-9a-fA-F:.]{2,45}") : addr.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!literal) {
            throw new IllegalArgumentException("expected an address block such as 10.0.0.0/8 or fd00::/8, got '" + text + "'");
        }
        byte[] raw;
        try {
            raw = InetAddress.getByName(addr).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address in '" + text + "'");
        }
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

    private static byte[] mask(byte[] raw, int len) {
        byte[] out = raw.clone();
        for (int bit = len; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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

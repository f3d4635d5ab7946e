package dev.swarm.tracker.frontend.http;

import dev.swarm.tracker.config.Cidr;
import java.util.List;

/**
 * The client address of a request that may have come through a reverse proxy. The forwarding headers are believed
 * only when the connection comes from a configured proxy address; from anywhere else they are ignored, so a client
 * cannot claim another address. From a trusted proxy: {@code X-Real-IP} if present, else the right-most address of
 * {@code X-Forwarded-For} that is not itself a trusted proxy (entries to its left could be forged by the client).
 * Address literals only (IPv4, IPv6, optionally bracketed or with a port), parsed by {@code IpText}: never a name
 * lookup, which would stall the I/O thread.
 */
final class ForwardedAddress {
    /** Longest header value considered; proxies append one entry per hop, so real chains are short. */
    static final int MAX_HEADER = 1024;

    private final List<Cidr> trusted;

    ForwardedAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    boolean enabled() {
        return !trusted.isEmpty();
    }

    boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param source      the connection's address (canonical: 4 or 16 bytes)
     * @param realIp      the {@code X-Real-IP} header or null
     * @param forwardedFor the {@code X-Forwarded-For} header (all of its values joined by commas) or null
     * @return the client's address; {@code source} when the headers do not apply; null when a trusted proxy sent
     *         a header that is not an address list (a misconfigured proxy: refuse rather than guess)
     */
    byte[] resolve(byte[] source, String realIp, String forwardedFor) {
        if (!isTrusted(source)) {
            return source;
        }
        if (realIp != null && !realIp.isBlank()) {
            return literal(realIp);
        }
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return source;
        }
        if (forwardedFor.length() > MAX_HEADER) {
            return null;
        }
        String[] hops = forwardedFor.split(",");
        byte[] candidate = null;
        for (int i = hops.length - 1; i >= 0; i--) {
            byte[] a = literal(hops[i]);
            if (a == null) {
                return null;
            }
            candidate = a;
            if (!isTrusted(a)) {
                return a;
            }
        }
        return candidate; // every hop is a proxy of ours: the left-most is the closest we have to the client
    }

    /** An address literal, tolerating {@code [v6]}, {@code [v6]:port} and {@code v4:port}; null if it is not one. */
    static byte[] literal(String text) {
        String t = text.trim();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                return null;
            }
            t = t.substring(1, close);
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':') && t.indexOf('.') >= 0) {
            t = t.substring(0, t.indexOf(':')); // a.b.c.d:port
        }
        return TrackerHttpHandler.literalAddress(t);
    }
}

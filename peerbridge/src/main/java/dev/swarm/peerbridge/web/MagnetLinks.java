package dev.swarm.peerbridge.web;

import dev.swarm.protocol.InfoHash;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds BEP 9 magnet links: {@code magnet:?xt=urn:btih:<hex>&dn=<name>&tr=<url>...}, values percent-encoded. */
final class MagnetLinks {
    private MagnetLinks() {
    }

    /** The magnet of {@code infoHash} with {@code trackers} as {@code tr} in the given order. */
    static String of(InfoHash infoHash, String name, List<String> trackers) {
        StringBuilder b = new StringBuilder("magnet:?xt=urn:btih:").append(infoHash.toHex());
        if (name != null && !name.isEmpty()) {
            b.append("&dn=").append(encode(name));
        }
        for (String t : trackers) {
            b.append("&tr=").append(encode(t));
        }
        return b.toString();
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters (UTF-8). */
    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() * 3 / 2);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}

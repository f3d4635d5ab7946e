package dev.swarm.tracker.frontend.http;

import dev.swarm.protocol.IpText;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Puts the brackets back around an IPv6 literal in the {@code Host} header of a request head. libtorrent (2.0.8
 * seen; its {@code http_connection} writes the host it parsed from the URL, brackets removed) announces to
 * {@code http://[::1]:6969/announce} with {@code Host: ::1:6969}, which RFC 7230/3986 do not allow and Undertow 2.4
 * answers with 400 before any handler runs. The tracker never uses the Host header, so making it well formed changes
 * nothing but whether the request reaches the tracker.
 *
 * <p>Only a Host value that is an IPv6 literal (as {@link IpText} reads it, no name lookup), optionally followed by
 * {@code :port}, is changed: {@code ::1:6969} becomes {@code [::1]:6969}, {@code 2001:db8::1} becomes
 * {@code [2001:db8::1]}. When both readings are possible ({@code ::1:6969} is also an address), the last group is
 * taken as the port, as libtorrent means it. Every other byte is left as it is. Pure: no I/O.
 */
final class UnbracketedIpv6Host {
    private static final byte[] HOST = "host:".getBytes(StandardCharsets.US_ASCII);

    private UnbracketedIpv6Host() {
    }

    /**
     * The end of the request head in {@code b[0, len)} (absolute reads; the buffer's position stays): the index just after its first empty line ({@code LF} or
     * {@code CR LF}), or -1 if there is none yet. A bare {@code LF} also ends a line here, so the head never extends
     * past where a lenient parser would end it.
     */
    static int headEnd(ByteBuffer b, int len) {
        int lineStart = 0;
        for (int i = 0; i < len; i++) {
            if (b.get(i) == '\n') {
                int lineLength = i - lineStart;
                if (lineLength == 0 || lineLength == 1 && b.get(lineStart) == '\r') {
                    return i + 1;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    /**
     * Whether a Host line of the head {@code b[0, end)} has at least two colons in its value, which an IPv6 literal
     * always has and an IPv4 address or a name with a port never has: the cheap test before {@link #repair}, with
     * absolute reads and no allocation.
     */
    static boolean mayNeedRepair(ByteBuffer b, int end) {
        for (int i = 0; i < end; i++) {
            if (b.get(i) != '\n') {
                continue;
            }
            int next = i + 1;
            if (next + HOST.length <= end && startsWithIgnoreCase(b, next, HOST)) {
                int colons = 0;
                for (int j = next + HOST.length; j < end && b.get(j) != '\n'; j++) {
                    if (b.get(j) == ':' && ++colons == 2) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean startsWithIgnoreCase(ByteBuffer b, int from, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            int c = b.get(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The request head {@code b[0, end)} (request line, header lines, empty line) with every {@code Host} value that
     * is an unbracketed IPv6 literal bracketed; {@code null} when nothing needs to change.
     */
    static byte[] repair(byte[] b, int end) {
        StringBuilder out = null;
        int done = 0; // bytes of b already copied to out
        int lineStart = indexOf(b, 0, end, (byte) '\n') + 1; // the request line is never touched
        while (lineStart > 0 && lineStart < end) {
            int lf = indexOf(b, lineStart, end, (byte) '\n');
            if (lf < 0) {
                break;
            }
            int eol = lf > lineStart && b[lf - 1] == '\r' ? lf - 1 : lf;
            if (startsWithIgnoreCase(b, lineStart, eol, HOST) && !isFolded(b, lf + 1, end)) {
                int from = skipSpaces(b, lineStart + HOST.length, eol);
                int to = eol;
                while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
                    to--;
                }
                String fixed = bracketed(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
                if (fixed != null) {
                    if (out == null) {
                        out = new StringBuilder(end + 2);
                    }
                    out.append(new String(b, done, from - done, StandardCharsets.ISO_8859_1)).append(fixed);
                    done = to;
                }
            }
            lineStart = lf + 1;
        }
        if (out == null) {
            return null;
        }
        out.append(new String(b, done, end - done, StandardCharsets.ISO_8859_1));
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code [literal]:port} or {@code [literal]} for an unbracketed IPv6 host value, or null to leave it alone. */
    static String bracketed(String value) {
        int colon = value.lastIndexOf(':');
        if (value.indexOf('[') >= 0 || colon < 0 || value.indexOf(':') == colon) {
            return null; // bracketed already, a name, or IPv4 (with or without a port)
        }
        String port = value.substring(colon + 1);
        if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')
                && IpText.parse(value.substring(0, colon)) != null) {
            return "[" + value.substring(0, colon) + "]:" + port;
        }
        return IpText.parse(value) != null ? "[" + value + "]" : null;
    }

    /** A line starting at {@code at} that begins with a space or tab continues the previous one (obsolete folding). */
    private static boolean isFolded(byte[] b, int at, int end) {
        return at < end && (b[at] == ' ' || b[at] == '\t');
    }

    private static boolean startsWithIgnoreCase(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpaces(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}

package dev.swarm.peerbridge.tex;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The tracker URL filter and normaliser used for everything that enters a tracker set.
 *
 * <p>Accepted: scheme {@code udp}, {@code http} or {@code https}; a host that is a DNS name
 * (letters, digits, '-', '.') or a dotted IPv4 address; a port in 1..65535 (explicit for
 * {@code udp}, scheme default for http(s)); no user info, no fragment; at most
 * {@link #MAX_LENGTH} printable ASCII characters. IPv6 literals are rejected, as libtorrent 1.1
 * does for learned trackers. Normalising lower-cases the scheme and host and keeps the rest as
 * sent (BEP 41 puts the path and query of a UDP URL on the wire). The normal form is for comparing
 * only: URLs are requested and advertised as received ({@link TrackerSet}).
 */
public final class TrackerUrl {
    /** A URL longer than this is refused: a learned list is bounded in bytes, not just count. */
    public static final int MAX_LENGTH = 512;

    private TrackerUrl() {
    }

    /** The outcome of {@link #check}: either a normalised URL or the reason it was refused. */
    public record Check(String url, String rejection) {
        public boolean accepted() {
            return url != null;
        }
    }

    /** Checks and normalises one URL. Never throws. */
    public static Check check(String raw) {
        if (raw == null || raw.isEmpty()) {
            return reject("empty");
        }
        if (raw.length() > MAX_LENGTH) {
            return reject("longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return reject("control, space or non-ASCII character at " + i);
            }
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            return reject("not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            case "udp" -> -1;
            default -> -2;
        };
        if (defaultPort == -2) {
            return reject("scheme is not udp, http or https");
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            return reject("no host");
        }
        if (uri.getRawUserInfo() != null) {
            return reject("user info in URL");
        }
        if (uri.getRawFragment() != null) {
            return reject("fragment in URL");
        }
        String host = uri.getHost();
        if (host == null || !validHost(host)) {
            return reject("invalid or unsupported host");
        }
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        if (port < 1 || port > 65535) {
            return reject("port missing or out of range");
        }
        String lowered = scheme + raw.substring(scheme.length());
        int hostAt = lowered.indexOf(host, scheme.length() + 3);
        String normal = lowered.substring(0, hostAt) + host.toLowerCase(Locale.ROOT) + lowered.substring(hostAt + host.length());
        return new Check(normal, null);
    }

    /** The host of an accepted URL, as written in it. */
    public static String host(String url) {
        return URI.create(url).getHost();
    }

    /** The lower-case scheme of an accepted URL. */
    public static String scheme(String url) {
        return url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT);
    }

    private static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 253 || host.startsWith("[")) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            String[] parts = host.split("\\.");
            if (parts.length != 4) {
                return false;
            }
            for (String p : parts) {
                if (p.length() > 3 || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Check reject(String why) {
        return new Check(null, why);
    }
}

package dev.swarm.peerbridge.web;

import java.util.Deque;
import java.util.Locale;
import java.util.Map;

/**
 * The filters of {@code /trackers.txt}: {@code min_uptime} (0 to 100, percent), {@code proto} ({@code udp},
 * {@code http}: http and https, {@code https}) and {@code family} ({@code 4} or {@code 6}: trackers whose probe of
 * that address family succeeded last; before any probe, trackers given by an address literal of that family).
 * Any other parameter, a repeated one or a bad value is refused with a one-line reason.
 */
record ListFilter(double minUptime, String proto, String family) {
    static final ListFilter NONE = new ListFilter(0, null, null);

    /** A bad filter: the message is the one-line reason for the 400 answer. */
    static final class BadFilter extends Exception {
        private static final long serialVersionUID = 1L;

        BadFilter(String message) {
            super(message);
        }
    }

    static ListFilter parse(Map<String, Deque<String>> params) throws BadFilter {
        double minUptime = 0;
        String proto = null;
        String family = null;
        for (Map.Entry<String, Deque<String>> e : params.entrySet()) {
            if (e.getValue().size() != 1) {
                throw new BadFilter("parameter '" + e.getKey() + "' given " + e.getValue().size() + " times");
            }
            String v = e.getValue().getFirst().strip().toLowerCase(Locale.ROOT);
            switch (e.getKey()) {
                case "min_uptime" -> {
                    try {
                        minUptime = Double.parseDouble(v);
                    } catch (NumberFormatException x) {
                        throw new BadFilter("min_uptime must be a number from 0 to 100, got '" + clip(v) + "'");
                    }
                    if (!(minUptime >= 0 && minUptime <= 100)) {
                        throw new BadFilter("min_uptime must be a number from 0 to 100, got '" + clip(v) + "'");
                    }
                }
                case "proto" -> {
                    if (!v.equals("udp") && !v.equals("http") && !v.equals("https")) {
                        throw new BadFilter("proto must be udp, http or https, got '" + clip(v) + "'");
                    }
                    proto = v;
                }
                case "family" -> {
                    if (!v.equals("4") && !v.equals("6")) {
                        throw new BadFilter("family must be 4 or 6, got '" + clip(v) + "'");
                    }
                    family = v;
                }
                default -> throw new BadFilter("unknown parameter '" + clip(e.getKey())
                        + "' (known: min_uptime, proto, family)");
            }
        }
        return new ListFilter(minUptime, proto, family);
    }

    boolean matches(PublishedTracker t) {
        if (minUptime > 0 && (t.uptime() == null || t.uptime() < minUptime)) {
            return false;
        }
        if (proto != null && !(proto.equals("http") ? t.proto().startsWith("http") : t.proto().equals(proto))) {
            return false;
        }
        return family == null || t.families().contains(family);
    }

    private static String clip(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 40 ? one.substring(0, 40) + "..." : one;
    }
}

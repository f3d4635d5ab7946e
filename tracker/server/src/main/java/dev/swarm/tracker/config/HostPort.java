package dev.swarm.tracker.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A listen address: host (name, IPv4 or bracketed IPv6 literal) and port 0..65535. Port 0 asks the kernel for a free
 * port when the listener binds; the listener then reports the port it got (ready line, logs, {@code address()}).
 */
public record HostPort(String host, int port) {

    /** Parses {@code HOST:PORT} or {@code [V6]:PORT}; the message of a failure is meant to follow a key name. */
    public static HostPort parse(String text) {
        String s = text.trim();
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPV6]:PORT, got '" + text + "'");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected HOST:PORT (IPv6 as [ADDR]:PORT), got '" + text + "'");
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 (0: any free port) in '" + text + "'");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty in '" + text + "'");
        }
        return new HostPort(host, port);
    }

    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}

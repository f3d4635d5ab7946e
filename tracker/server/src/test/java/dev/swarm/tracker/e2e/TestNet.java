package dev.swarm.tracker.e2e;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Loopback helpers for end-to-end tests: a plain HTTP GET that bdecodes the answer. Servers under test bind port 0 and
 * report the port they got ({@code Tracker.httpAddress()}, the ready line): no free-port guessing, which races.
 */
public final class TestNet {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestNet() {
    }

    public static byte[] get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + url);
        }
        return r.body();
    }

    public static BDict getBencoded(String url) throws IOException, InterruptedException, ProtocolException {
        BValue v = Bencode.decode(get(url), BencodeLimits.DEFAULT);
        return (BDict) v;
    }

    /** GET over a plain socket, so that requests java.net.URI would refuse (bad escapes) can be sent. */
    public static BDict rawGetBencoded(int port, String pathAndQuery) throws IOException, ProtocolException {
        byte[] all = rawGet(port, pathAndQuery);
        String head = new String(all, 0, Math.min(all.length, 12), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status: " + head);
        }
        int body = indexOf(all, "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) + 4;
        return (BDict) Bencode.decode(java.util.Arrays.copyOfRange(all, body, all.length), BencodeLimits.DEFAULT);
    }

    /** The whole raw HTTP response (status line, headers, body) to a GET with {@code Connection: close}. */
    public static byte[] rawGet(int port, String pathAndQuery) throws IOException {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return s.getInputStream().readAllBytes();
        }
    }

    private static int indexOf(byte[] a, byte[] pat) {
        outer:
        for (int i = 0; i + pat.length <= a.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (a[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -4;
    }

    public static String percentEncode(byte[] raw) {
        StringBuilder sb = new StringBuilder();
        for (byte b : raw) {
            sb.append('%').append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}

package dev.swarm.peerbridge.torrent;

import dev.swarm.protocol.InfoHash;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Parses a BEP 9 magnet link: {@code magnet:?xt=urn:btih:<40 hex | 32 base32>&dn=...&tr=...&x.pe=host:port}.
 * Parameters are percent-decoded as UTF-8 ('+' is kept as is); unknown parameters are ignored;
 * at most {@link #MAX_PARAMS} parameters are read.
 */
public final class MagnetLink {
    /** Bound on the parameters read from one link. */
    public static final int MAX_PARAMS = 256;
    /** Bound on the length of a link. */
    public static final int MAX_LENGTH = 64 * 1024;

    private MagnetLink() {
    }

    /** @throws TorrentInputException if it is not a magnet link with a valid btih */
    public static TorrentSpec parse(String link) throws TorrentInputException {
        if (link.length() > MAX_LENGTH) {
            throw new TorrentInputException("magnet link longer than " + MAX_LENGTH + " characters");
        }
        if (!link.regionMatches(true, 0, "magnet:?", 0, 8)) {
            throw new TorrentInputException("not a magnet link (must start with 'magnet:?')");
        }
        InfoHash hash = null;
        byte[] v2 = null;
        String name = "";
        List<String> trackers = new ArrayList<>();
        List<InetSocketAddress> peers = new ArrayList<>();
        String[] params = link.substring(8).split("&", MAX_PARAMS + 1);
        for (int i = 0; i < Math.min(params.length, MAX_PARAMS); i++) {
            String p = params[i];
            int eq = p.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = p.substring(0, eq);
            String value = percentDecode(p.substring(eq + 1));
            switch (key) {
                case "xt" -> {
                    if (value.regionMatches(true, 0, "urn:btih:", 0, 9) && hash == null) {
                        hash = btih(value.substring(9));
                    } else if (value.regionMatches(true, 0, "urn:btmh:", 0, 9) && v2 == null) {
                        v2 = btmh(value.substring(9));
                    }
                }
                case "dn" -> name = value;
                case "tr" -> {
                    if (!trackers.contains(value)) {
                        trackers.add(value);
                    }
                }
                case "x.pe" -> peers.add(peer(value));
                default -> {
                }
            }
        }
        if (hash == null) {
            throw new TorrentInputException("magnet link without xt=urn:btih:");
        }
        return new TorrentSpec(hash, name, trackers.isEmpty() ? List.of() : List.of(trackers), false, -1, peers,
                "magnet", v2, null);
    }

    /** Parses a BEP 52 multihash: {@code 1220} (SHA-256, 32 bytes) and 64 hex digits. */
    public static byte[] btmh(String s) throws TorrentInputException {
        if (s.length() != 68 || !s.regionMatches(true, 0, "1220", 0, 4)) {
            throw new TorrentInputException("btmh must be 1220 followed by 64 hex digits (SHA-256)");
        }
        try {
            return HexFormat.of().parseHex(s.substring(4));
        } catch (IllegalArgumentException e) {
            throw new TorrentInputException("btmh is not hex: " + s);
        }
    }

    /** Parses a 40-hex or 32-base32 info-hash. */
    public static InfoHash btih(String s) throws TorrentInputException {
        if (s.length() == 40) {
            try {
                return InfoHash.of(HexFormat.of().parseHex(s));
            } catch (IllegalArgumentException e) {
                throw new TorrentInputException("btih is not 40 hex digits: " + s);
            }
        }
        if (s.length() == 32) {
            return InfoHash.of(base32(s.toUpperCase(Locale.ROOT)));
        }
        throw new TorrentInputException("btih must be 40 hex or 32 base32 characters, got " + s.length());
    }

    /** Parses {@code host:port} or {@code [v6]:port} into an unresolved address. */
    public static InetSocketAddress peer(String s) throws TorrentInputException {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new TorrentInputException("peer must be host:port: " + s);
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new TorrentInputException("peer port is not a number: " + s);
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new TorrentInputException("peer host or port out of range: " + s);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static byte[] base32(String s) throws TorrentInputException {
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int v;
            if (c >= 'A' && c <= 'Z') {
                v = c - 'A';
            } else if (c >= '2' && c <= '7') {
                v = c - '2' + 26;
            } else {
                throw new TorrentInputException("btih is not base32: " + s);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    private static String percentDecode(String s) throws TorrentInputException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new TorrentInputException("bad percent escape in magnet link");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new TorrentInputException("magnet parameter is not UTF-8", e);
        }
    }
}

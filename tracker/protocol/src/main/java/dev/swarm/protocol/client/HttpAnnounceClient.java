package dev.swarm.protocol.client;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.CompactPeers;
import dev.swarm.protocol.IpText;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Client side of the HTTP tracker protocol (BEP 3, 7, 23): builds announce query strings and parses the
 * bencoded responses. No I/O: the caller sends the request and hands over the body.
 */
public final class HttpAnnounceClient {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HttpAnnounceClient() {
    }

    /**
     * The announce query string (without {@code '?'}), always asking for compact peers: {@code info_hash},
     * {@code peer_id}, {@code port}, {@code uploaded}, {@code downloaded}, {@code left}, {@code compact=1},
     * then {@code event} (omitted for {@link AnnounceEvent#NONE}), {@code numwant} (omitted when negative)
     * and {@code key} (omitted when null). Binary values and the key's UTF-8 bytes are percent-encoded;
     * only RFC 3986 unreserved characters are left as they are.
     *
     * @throws IllegalArgumentException if a hash is not 20 bytes, the port is outside 0..65535 or a counter
     *                                  is negative
     */
    public static String buildQuery(byte[] infoHash, byte[] peerId, int port, long uploaded, long downloaded,
                                    long left, AnnounceEvent ev, int numWant, String key) {
        if (infoHash == null || infoHash.length != 20 || peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("info-hash and peer id must be 20 bytes");
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port outside 0..65535: " + port);
        }
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("uploaded, downloaded and left must be >= 0");
        }
        StringBuilder sb = new StringBuilder(200);
        sb.append("info_hash=");
        percentEncode(infoHash, sb);
        sb.append("&peer_id=");
        percentEncode(peerId, sb);
        sb.append("&port=").append(port)
                .append("&uploaded=").append(uploaded)
                .append("&downloaded=").append(downloaded)
                .append("&left=").append(left)
                .append("&compact=1");
        if (ev != AnnounceEvent.NONE) {
            sb.append("&event=").append(ev.httpName());
        }
        if (numWant >= 0) {
            sb.append("&numwant=").append(numWant);
        }
        if (key != null) {
            sb.append("&key=");
            percentEncode(key.getBytes(StandardCharsets.UTF_8), sb);
        }
        return sb.toString();
    }

    /**
     * {@code announceUrl} with {@code query} appended: after {@code '?'} if the URL has no query yet, after
     * {@code '&'} if it has one (a passkey, say). A fragment ({@code #...}) is removed: it is never sent.
     */
    public static String appendQuery(String announceUrl, String query) {
        int hash = announceUrl.indexOf('#');
        String url = hash >= 0 ? announceUrl.substring(0, hash) : announceUrl;
        if (query.isEmpty()) {
            return url;
        }
        int q = url.indexOf('?');
        if (q < 0) {
            return url + '?' + query;
        }
        if (q == url.length() - 1 || url.endsWith("&")) {
            return url + query;
        }
        return url + '&' + query;
    }

    /**
     * Parses an announce response body. Decoding is lenient about key order (trackers are not all
     * canonical) but bounded by {@link BencodeLimits#LENIENT}. Entries of a dictionary-model peer list
     * that lack a literal IP address or a port 1..65535 are skipped (host names are not resolved).
     *
     * @throws ProtocolException (drop) if the body is not a bencoded dictionary, {@code interval} or
     *                           {@code min interval} is outside 0..2^31-1, a compact peer string is not
     *                           whole records, or a successful response carries no {@code peers} at all
     */
    public static TrackerAnnounceResponse parseResponse(byte[] body) throws ProtocolException {
        if (!(Bencode.decode(body, BencodeLimits.LENIENT) instanceof BDict d)) {
            throw ProtocolException.drop("tracker response is not a bencoded dictionary");
        }
        String failure = d.string("failure reason");
        String warning = d.string("warning message");
        Integer interval = seconds(d, "interval");
        Integer minInterval = seconds(d, "min interval");
        if (failure != null) {
            return new TrackerAnnounceResponse(interval, minInterval, d.integer("complete"), d.integer("incomplete"),
                    List.of(), failure, warning);
        }
        BValue peers = d.get("peers");
        BValue peers6 = d.get("peers6");
        if (peers == null && peers6 == null) {
            throw ProtocolException.drop("tracker response has neither peers nor a failure reason");
        }
        List<InetSocketAddress> out = new ArrayList<>();
        if (peers instanceof BBytes b) {
            out.addAll(CompactPeers.decode(b.value(), 0, b.value().length, false));
        } else if (peers instanceof BList list) {
            dictionaryPeers(list, out);
        }
        if (peers6 instanceof BBytes b) {
            out.addAll(CompactPeers.decode(b.value(), 0, b.value().length, true));
        }
        return new TrackerAnnounceResponse(interval, minInterval, d.integer("complete"), d.integer("incomplete"),
                out, null, warning);
    }

    private static void dictionaryPeers(BList list, List<InetSocketAddress> out) {
        for (BValue item : list.items()) {
            if (!(item instanceof BDict peer)) {
                continue;
            }
            byte[] ip = peer.bytes("ip");
            Long port = peer.integer("port");
            byte[] addr = ip == null ? null : IpText.parse(new String(ip, StandardCharsets.ISO_8859_1));
            if (addr != null && port != null && port >= 1 && port <= 0xffff) {
                out.add(new InetSocketAddress(CompactPeers.address(addr), port.intValue()));
            }
        }
    }

    private static Integer seconds(BDict d, String key) throws ProtocolException {
        Long v = d.integer(key);
        if (v == null) {
            return null;
        }
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw ProtocolException.drop("tracker response has an invalid " + key);
        }
        return v.intValue();
    }

    private static void percentEncode(byte[] b, StringBuilder sb) {
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
    }
}

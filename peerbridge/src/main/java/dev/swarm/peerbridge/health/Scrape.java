package dev.swarm.peerbridge.health;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.util.List;

/** HTTP scrape (BEP 48): the URL form and the response. Pure functions, no I/O. */
public final class Scrape {
    /** What a scrape said about the torrents asked for, summed over those the tracker listed. */
    public record Figures(long seeders, long leechers, long downloads, int listed) {
    }

    private Scrape() {
    }

    /**
     * The scrape URL of an HTTP announce URL: the last path segment must begin with {@code announce},
     * which is replaced by {@code scrape} (BEP 48); the query is kept.
     *
     * @return the scrape URL, or null when the URL has no scrape form
     */
    public static String scrapeUrl(String announceUrl) {
        int q = announceUrl.indexOf('?');
        String base = q < 0 ? announceUrl : announceUrl.substring(0, q);
        String query = q < 0 ? "" : announceUrl.substring(q);
        int slash = base.lastIndexOf('/');
        int scheme = base.indexOf("://");
        if (slash < 0 || slash <= scheme + 2) {
            return null;
        }
        String last = base.substring(slash + 1);
        if (!last.startsWith("announce")) {
            return null;
        }
        return base.substring(0, slash + 1) + "scrape" + last.substring("announce".length()) + query;
    }

    /** The query naming the info-hashes ({@code info_hash=...&info_hash=...}), bytes percent-encoded. */
    public static String query(List<byte[]> infoHashes) {
        StringBuilder sb = new StringBuilder();
        for (byte[] h : infoHashes) {
            sb.append(sb.length() == 0 ? "" : "&").append("info_hash=");
            for (byte b : h) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    /**
     * Reads a scrape response: {@code files} maps raw info-hashes to {@code complete},
     * {@code incomplete}, {@code downloaded}.
     *
     * @throws ProtocolException when the body is not a scrape response, or carries a failure reason
     */
    public static Figures parse(byte[] body, List<byte[]> infoHashes) throws ProtocolException {
        BValue v = Bencode.decode(body, BencodeLimits.LENIENT);
        if (!(v instanceof BDict d)) {
            throw ProtocolException.drop("scrape response is not a dictionary");
        }
        String failure = d.string("failure reason");
        if (failure != null) {
            throw ProtocolException.drop("failure reason: " + failure);
        }
        BDict files = d.dict("files");
        if (files == null) {
            throw ProtocolException.drop("scrape response has no files dictionary");
        }
        long seeders = 0;
        long leechers = 0;
        long downloads = 0;
        int listed = 0;
        for (byte[] h : infoHashes) {
            BDict f = files.dict(BDict.key(h));
            if (f == null) {
                continue;
            }
            listed++;
            seeders += nonNegative(f.integer("complete"));
            leechers += nonNegative(f.integer("incomplete"));
            downloads += nonNegative(f.integer("downloaded"));
        }
        return new Figures(seeders, leechers, downloads, listed);
    }

    private static long nonNegative(Long v) {
        return v == null || v < 0 ? 0 : v;
    }
}

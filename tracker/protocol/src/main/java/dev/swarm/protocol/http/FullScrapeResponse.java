package dev.swarm.protocol.http;

import dev.swarm.protocol.ByteSink;
import java.nio.charset.StandardCharsets;

/**
 * Writes a full scrape answer (a scrape without {@code info_hash}) piece by piece, so that a server can stream it
 * while it walks its torrents: {@link #begin}, one {@link #file} per torrent, {@link #end}. The shape is BEP 48's
 * ({@code files} of info-hash to {@code complete}, {@code downloaded}, {@code incomplete}; {@code flags} with
 * {@code min_request_interval}), as opentracker serves it.
 *
 * <p>Bencode requires the {@code files} keys in ascending unsigned byte order, without repeats: {@link #file} writes
 * whatever it is given, so call it in that order ({@link FullScrapeListing} collects, sorts and writes the torrents).
 */
public final class FullScrapeResponse {
    private static final byte[] BEGIN = "d5:filesd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILE_COMPLETE = "d8:completei".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILE_DOWNLOADED = "e10:downloadedi".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILE_INCOMPLETE = "e10:incompletei".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILE_END = "ee".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FLAGS = "e5:flagsd20:min_request_intervali".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "eee".getBytes(StandardCharsets.US_ASCII);

    /** Most bytes one {@link #file} writes: a 20-byte key and three 19-digit counts. */
    public static final int MAX_FILE_BYTES = 3 + 20 + FILE_COMPLETE.length + FILE_DOWNLOADED.length
            + FILE_INCOMPLETE.length + FILE_END.length + 3 * 20;

    private FullScrapeResponse() {
    }

    /** Opens the answer and its {@code files} dictionary. */
    public static void begin(ByteSink out) {
        out.write(BEGIN);
    }

    /** One torrent: {@code 20:<info-hash>d8:completei..e10:downloadedi..e10:incompletei..ee}. */
    public static void file(ByteSink out, byte[] infoHash, long complete, long downloaded, long incomplete) {
        if (infoHash.length != 20) {
            throw new IllegalArgumentException("an info-hash is 20 bytes, not " + infoHash.length);
        }
        file(out, infoHash, 0, complete, downloaded, incomplete);
    }

    /** As {@link #file(ByteSink, byte[], long, long, long)}, the info-hash being the 20 bytes at {@code src[off]}. */
    public static void file(ByteSink out, byte[] src, int off, long complete, long downloaded, long incomplete) {
        out.write('2');
        out.write('0');
        out.write(':');
        out.write(src, off, 20);
        out.write(FILE_COMPLETE);
        out.writeDecimal(complete);
        out.write(FILE_DOWNLOADED);
        out.writeDecimal(downloaded);
        out.write(FILE_INCOMPLETE);
        out.writeDecimal(incomplete);
        out.write(FILE_END);
    }

    /** Closes {@code files} and the answer, with {@code flags: {min_request_interval: seconds}} (BEP 48). */
    public static void end(ByteSink out, long minRequestIntervalSeconds) {
        out.write(FLAGS);
        out.writeDecimal(minRequestIntervalSeconds);
        out.write(END);
    }
}

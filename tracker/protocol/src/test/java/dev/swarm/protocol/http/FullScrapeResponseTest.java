package dev.swarm.protocol.http;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Golden full scrape answers, written in pieces as a server streams them. */
class FullScrapeResponseTest {
    private static final byte[] A = filled('a');
    private static final byte[] B = filled('B');

    private static byte[] filled(char c) {
        byte[] h = new byte[20];
        Arrays.fill(h, (byte) c);
        return h;
    }

    @Test
    void twoTorrentsInTheOrderGivenAndTheFlags() throws ProtocolException {
        ByteSink out = new ByteSink(4096);
        FullScrapeResponse.begin(out);
        FullScrapeResponse.file(out, A, 5, 12, 3);
        FullScrapeResponse.file(out, B, 0, 0, 1);
        FullScrapeResponse.end(out, 60);
        byte[] expected = concat(
                ascii("d5:filesd"),
                ascii("20:"), A, ascii("d8:completei5e10:downloadedi12e10:incompletei3ee"), // files[A]: BEP 48 counts
                ascii("20:"), B, ascii("d8:completei0e10:downloadedi0e10:incompletei1ee"),  // files[B], after A: the order given
                ascii("e5:flagsd20:min_request_intervali60ee"),                              // flags (BEP 48)
                ascii("e"));
        assertArrayEquals(expected, out.toByteArray());
        BDict d = (BDict) Bencode.decode(out.toByteArray(), BencodeLimits.LENIENT);
        assertEquals(2, d.dict("files").size());
        assertEquals(12L, d.dict("files").dict("a".repeat(20)).integer("downloaded"));
        assertEquals(60L, d.dict("flags").integer("min_request_interval"));
        // 'a' (0x61) before 'B' (0x42) is not bencode's order: file() writes what it is given, a strict decoder
        // refuses it (FullScrapeListing puts the torrents in order)
        assertThrows(ProtocolException.class, () -> Bencode.decode(out.toByteArray(), BencodeLimits.DEFAULT));
    }

    @Test
    void anEmptyStoreIsAnEmptyFilesDictionary() throws ProtocolException {
        ByteSink out = new ByteSink(64);
        FullScrapeResponse.begin(out);
        FullScrapeResponse.end(out, 0);
        assertArrayEquals(ascii("d5:filesde5:flagsd20:min_request_intervali0eee"), out.toByteArray());
        Bencode.decode(out.toByteArray(), BencodeLimits.DEFAULT);
    }

    @Test
    void theLargestEntryFitsItsBound() {
        ByteSink out = new ByteSink(FullScrapeResponse.MAX_FILE_BYTES);
        FullScrapeResponse.file(out, A, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(FullScrapeResponse.MAX_FILE_BYTES, out.size() + 3, "19 digits each, bound allows 20");
        assertThrows(IllegalArgumentException.class, () -> FullScrapeResponse.file(out, new byte[19], 0, 0, 0));
    }
}

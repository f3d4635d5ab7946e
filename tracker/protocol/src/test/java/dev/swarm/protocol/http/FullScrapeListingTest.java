package dev.swarm.protocol.http;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The full scrape's torrents in bencode's key order (unsigned bytes), repeats dropped (the first counts kept), at most
 * the capacity; the answer decodes with the strict decoder, which refuses unsorted or repeated keys.
 */
class FullScrapeListingTest {
    private static final BencodeLimits STRICT = new BencodeLimits(32, 1 << 20, 10_000_000, true);

    private static byte[] filled(int b) {
        byte[] h = new byte[20];
        Arrays.fill(h, (byte) b);
        return h;
    }

    private static byte[] answer(FullScrapeListing l) {
        int n = l.sort();
        ByteSink out = new ByteSink(1 << 26);
        FullScrapeResponse.begin(out);
        for (int i = 0; i < n; i++) {
            l.write(i, out);
        }
        FullScrapeResponse.end(out, 60);
        return out.toByteArray();
    }

    /** The files keys as they come on the wire, each a 20-byte string right after "20:". */
    private static List<String> wireKeys(byte[] answer) {
        List<String> keys = new ArrayList<>();
        int pos = "d5:filesd".length();
        while (answer[pos] == '2') {
            keys.add(new String(answer, pos + 3, 20, StandardCharsets.ISO_8859_1));
            pos += 3 + 20;
            int depth = 0;
            do { // skip the file's dictionary: d, then integers "i..e" and strings "N:..."
                byte c = answer[pos];
                if (c == 'd') {
                    depth++;
                    pos++;
                } else if (c == 'e') {
                    depth--;
                    pos++;
                } else if (c == 'i') {
                    while (answer[pos] != 'e') {
                        pos++;
                    }
                    pos++;
                } else {
                    int colon = pos;
                    while (answer[colon] != ':') {
                        colon++;
                    }
                    pos = colon + 1 + Integer.parseInt(new String(answer, pos, colon - pos, StandardCharsets.US_ASCII));
                }
            } while (depth > 0);
        }
        return keys;
    }

    @Test
    void unsignedByteOrderHighBytesLast() throws ProtocolException {
        FullScrapeListing l = new FullScrapeListing(10);
        assertTrue(l.add(filled(0xff), 1, 2, 3)); // 0xff: last in unsigned order, first in signed
        assertTrue(l.add(filled('a'), 5, 12, 3));
        assertTrue(l.add(filled(0x80), 7, 7, 7));
        assertTrue(l.add(filled('B'), 0, 0, 1));
        byte[] a = answer(l);
        byte[] expected = concat(
                ascii("d5:filesd"),
                ascii("20:"), filled('B'), ascii("d8:completei0e10:downloadedi0e10:incompletei1ee"),
                ascii("20:"), filled('a'), ascii("d8:completei5e10:downloadedi12e10:incompletei3ee"),
                ascii("20:"), filled(0x80), ascii("d8:completei7e10:downloadedi7e10:incompletei7ee"),
                ascii("20:"), filled(0xff), ascii("d8:completei1e10:downloadedi2e10:incompletei3ee"),
                ascii("e5:flagsd20:min_request_intervali60ee"),
                ascii("e"));
        assertArrayEquals(expected, a);
        BDict d = (BDict) Bencode.decode(a, STRICT);
        assertEquals(4, d.dict("files").size());
    }

    @Test
    void aRepeatedTorrentIsListedOnceWithItsFirstCounts() throws ProtocolException {
        FullScrapeListing l = new FullScrapeListing(10);
        l.add(filled(9), 1, 1, 1);
        l.add(filled(3), 4, 5, 6);
        l.add(filled(9), 2, 2, 2);
        l.add(filled(3), 0, 0, 0);
        assertEquals(4, l.added());
        byte[] a = answer(l);
        BDict files = ((BDict) Bencode.decode(a, STRICT)).dict("files"); // strict: a repeated key is refused
        assertEquals(2, files.size());
        assertEquals(4L, files.dict(new String(filled(3), StandardCharsets.ISO_8859_1)).integer("complete"));
        assertEquals(1L, files.dict(new String(filled(9), StandardCharsets.ISO_8859_1)).integer("complete"));
    }

    @Test
    void theCapacityBoundsTheListing() {
        FullScrapeListing l = new FullScrapeListing(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(l.add(filled(10 - i), i, i, i));
        }
        assertFalse(l.add(filled(1), 0, 0, 0), "full");
        assertEquals(3, l.sort());
        assertThrows(IllegalStateException.class, () -> l.add(filled(2), 0, 0, 0), "no add after sort");
        assertThrows(IndexOutOfBoundsException.class, () -> l.write(3, new ByteSink(4096)));
        FullScrapeListing none = new FullScrapeListing(0);
        assertFalse(none.add(filled(1), 0, 0, 0));
        assertEquals(0, none.sort());
    }

    @Test
    void countsBeyondAnIntAreWrittenAsTheLargestInt() throws ProtocolException {
        FullScrapeListing l = new FullScrapeListing(1);
        l.add(filled(1), Long.MAX_VALUE, 1L << 40, -5);
        BDict f = ((BDict) Bencode.decode(answer(l), STRICT)).dict("files").dict(new String(filled(1),
                StandardCharsets.ISO_8859_1));
        assertEquals((long) Integer.MAX_VALUE, f.integer("complete"));
        assertEquals((long) Integer.MAX_VALUE, f.integer("downloaded"));
        assertEquals(0L, f.integer("incomplete"));
    }

    @Test
    void badUseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FullScrapeListing(-1));
        assertThrows(IllegalArgumentException.class, () -> new FullScrapeListing(FullScrapeListing.MAX_CAPACITY + 1));
        FullScrapeListing l = new FullScrapeListing(2);
        assertThrows(IllegalArgumentException.class, () -> l.add(new byte[19], 0, 0, 0));
        assertThrows(IllegalStateException.class, () -> l.write(0, new ByteSink(4096)), "write before sort");
    }

    /**
     * Random hashes, many sharing long prefixes (down to the last byte) and many repeated: the wire order is
     * ascending unsigned, every distinct hash is there once with the counts it was first added with.
     */
    @Property(tries = 200)
    void anyInputComesOutSortedWithoutRepeats(@ForAll @IntRange(min = 0, max = 3000) int n,
                                              @ForAll @IntRange(min = 0, max = 19) int sharedPrefix,
                                              @ForAll long seed) throws ProtocolException {
        Random rnd = new Random(seed);
        FullScrapeListing l = new FullScrapeListing(n);
        Map<String, Long> first = new LinkedHashMap<>();
        byte[] prefix = new byte[sharedPrefix];
        rnd.nextBytes(prefix);
        List<byte[]> pool = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] h;
            if (!pool.isEmpty() && rnd.nextInt(4) == 0) {
                h = pool.get(rnd.nextInt(pool.size())); // a repeat
            } else {
                h = new byte[20];
                rnd.nextBytes(h);
                System.arraycopy(prefix, 0, h, 0, sharedPrefix);
                pool.add(h);
            }
            long complete = rnd.nextInt(1000);
            assertTrue(l.add(h, complete, 0, 0));
            first.putIfAbsent(new String(h, StandardCharsets.ISO_8859_1), complete);
        }
        byte[] a = answer(l);
        List<String> keys = wireKeys(a);
        assertEquals(new ArrayList<>(new TreeMap<>(first).keySet()), keys, "ascending, no repeats");
        BDict files = ((BDict) Bencode.decode(a, STRICT)).dict("files");
        assertEquals(first.size(), files.size());
        for (Map.Entry<String, Long> e : first.entrySet()) {
            assertEquals(e.getValue(), files.dict(e.getKey()).integer("complete"));
        }
    }
}

package dev.swarm.protocol.http;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpQueryParserTest {

    /** The 20-byte hash 12 34 56 78 9a bc de f1 23 45 67 89 ab cd ef 12 34 56 78 9a, percent-encoded (BEP 3). */
    static final String HASH_Q = "%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A";
    static final byte[] HASH = hex("123456789abcdef1 23456789abcdef12 3456789a");
    /** A libtorrent-style peer id: "-lt0D80-" then 12 binary bytes 01..0c. */
    static final String PEER_Q = "-lt0D80-%01%02%03%04%05%06%07%08%09%0A%0B%0C";
    static final byte[] PEER = TestBytes.concat(ascii("-lt0D80-"), TestBytes.counting(1, 12));
    static final String MINIMAL = "info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&port=6881&left=0";

    static AnnounceRequest parse(String q) throws ProtocolException {
        byte[] b = ascii(q);
        return HttpQueryParser.parseAnnounce(b, 0, b.length);
    }

    static ProtocolException rejected(String q) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> parse(q), q);
        assertTrue(e.replyable(), "HTTP errors become a failure reason");
        return e;
    }

    @Test
    void parsesALibtorrentAnnounce() throws ProtocolException {
        // BEP 3 parameters plus libtorrent's extras (corrupt, supportcrypto, redundant), which are ignored
        AnnounceRequest r = parse("info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&port=6881&uploaded=1024"
                + "&downloaded=2048&left=1000&corrupt=0&key=1A2B3C4D&event=started&numwant=200&compact=1"
                + "&no_peer_id=1&supportcrypto=1&redundant=0");
        assertArrayEquals(HASH, r.infoHash());
        assertArrayEquals(PEER, r.peerId());
        assertEquals(6881, r.port());
        assertEquals(1024, r.uploaded());
        assertEquals(2048, r.downloaded());
        assertEquals(1000, r.left());
        assertEquals(AnnounceEvent.STARTED, r.event());
        assertEquals(200, r.numWant());
        assertTrue(r.compact());
        assertTrue(r.noPeerId());
        assertEquals("1A2B3C4D", r.key());
        assertNull(r.ip());
    }

    @Test
    void defaultsForOptionalParameters() throws ProtocolException {
        AnnounceRequest r = parse(MINIMAL);
        assertEquals(new AnnounceRequest(HASH, PEER, 6881, 0, 0, 0, AnnounceEvent.NONE, -1, true, false, null, null),
                r);
    }

    @ParameterizedTest
    @CsvSource({"started,STARTED", "completed,COMPLETED", "stopped,STOPPED", "empty,NONE", "'',NONE", "paused,PAUSED"})
    void events(String value, AnnounceEvent expected) throws ProtocolException {
        assertEquals(expected, parse(MINIMAL + "&event=" + value).event());
    }

    @Test
    void compactAndDictionaryModel() throws ProtocolException {
        assertFalse(parse(MINIMAL + "&compact=0").compact());
        assertTrue(parse(MINIMAL + "&compact=1").compact());
        assertFalse(parse(MINIMAL + "&no_peer_id=0").noPeerId());
        assertTrue(parse(MINIMAL + "&no_peer_id").noPeerId());
    }

    @Test
    void textParametersArePercentDecodedAsLatin1() throws ProtocolException {
        AnnounceRequest r = parse(MINIMAL + "&key=a+b%2Bc%e9&ip=2001%3adb8%3A%3A1");
        assertEquals("a b+c\u00e9", r.key());
        assertEquals("2001:db8::1", r.ip());
        assertEquals("", parse(MINIMAL + "&key=").key());
        assertEquals("", parse(MINIMAL + "&key").key());
    }

    @Test
    void lowerCaseHexAndUnencodedBytesAreAccepted() throws ProtocolException {
        String hashLower = "%124Vx%9a%bc%de%f1%23Eg%89%ab%cd%ef%124Vx%9a";
        assertArrayEquals(HASH, parse(MINIMAL.replace(HASH_Q, hashLower)).infoHash());
        // all 20 bytes as percent escapes
        StringBuilder all = new StringBuilder();
        for (byte b : HASH) {
            all.append(String.format("%%%02X", b & 0xff));
        }
        assertArrayEquals(HASH, parse(MINIMAL.replace(HASH_Q, all)).infoHash());
    }

    /**
     * Issue 10 (4): libtorrent 1.1 stops with {@code port=0} once its listen sockets are closed (query shape as
     * libtorrent sends it). The stop is accepted; {@code port=0} with any other event is still refused.
     */
    @Test
    void portZeroIsAcceptedOnlyWithStopped() throws ProtocolException {
        AnnounceRequest r = parse("info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&port=0&uploaded=0&downloaded=0"
                + "&left=0&corrupt=0&key=E07E02A7&event=stopped&numwant=0&compact=1&no_peer_id=1&supportcrypto=1"
                + "&redundant=0");
        assertEquals(0, r.port());
        assertEquals(AnnounceEvent.STOPPED, r.event());
        assertEquals(0, parse("event=stopped&" + MINIMAL.replace("port=6881", "port=0")).port(), "any order");
        for (String event : new String[] {"", "&event=started", "&event=completed", "&event=paused", "&event="}) {
            assertEquals("invalid port", rejected(MINIMAL.replace("port=6881", "port=0") + event).getMessage(), event);
        }
        assertEquals("invalid port", rejected(MINIMAL.replace("port=6881", "port=00") + "&event=started").getMessage());
        assertEquals("missing port", rejected("info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&left=0&event=stopped")
                .getMessage(), "a stop without any port parameter is still malformed");
    }

    @Test
    void parsesARegionOfALargerBuffer() throws ProtocolException {
        byte[] line = ascii("GET /announce?" + MINIMAL + " HTTP/1.1");
        int off = "GET /announce?".length();
        AnnounceRequest r = HttpQueryParser.parseAnnounce(line, off, MINIMAL.length());
        assertEquals(0, r.left());
        assertThrows(IndexOutOfBoundsException.class, () -> HttpQueryParser.parseAnnounce(line, off, line.length));
    }

    @Test
    void numbersAtTheirBounds() throws ProtocolException {
        String max = Long.toString(Long.MAX_VALUE);
        AnnounceRequest r = parse(MINIMAL.replace("left=0", "left=" + max) + "&uploaded=" + max + "&downloaded="
                + max + "&numwant=99999999999" + "&port2=0");
        assertEquals(Long.MAX_VALUE, r.left());
        assertEquals(Long.MAX_VALUE, r.uploaded());
        assertEquals(Integer.MAX_VALUE, r.numWant(), "numwant is capped, the server clamps it anyway");
        assertEquals(65535, parse(MINIMAL.replace("port=6881", "port=65535")).port());
        assertEquals(1, parse(MINIMAL.replace("port=6881", "port=00001")).port());
        assertEquals(0, parse(MINIMAL + "&numwant=0").numWant());
        assertEquals(-1, parse(MINIMAL + "&numwant=-1").numWant(), "negative numwant means the tracker's default");
        assertEquals(-1, parse(MINIMAL + "&numwant=-20").numWant());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port=6881&left=0                                      | missing info_hash",
        "info_hash=" + HASH_Q + "&port=6881&left=0            | missing peer_id",
        "info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&left=0 | missing port",
        "info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&port=1 | missing left",
        "''                                                    | missing info_hash",
    })
    void missingRequiredParameters(String q, String message) {
        assertEquals(message, rejected(q).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx          | invalid info_hash",
        "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A%00     | invalid info_hash",
        "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9G        | invalid info_hash",
        "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9         | invalid info_hash",
        "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%          | invalid info_hash",
        "info_hash=                                                    | invalid info_hash",
        "info_hash                                                     | invalid info_hash",
        "peer_id=abc                                                   | invalid peer_id",
        "port=65536                                                    | invalid port",
        "port=-1                                                       | invalid port",
        "port=+1                                                       | invalid port",
        "port=                                                         | invalid port",
        "port=68a1                                                     | invalid port",
        "port=%36881                                                   | invalid port",
        "port=99999999999999999999999                                  | invalid port",
        "uploaded=-5                                                   | invalid uploaded",
        "downloaded=9223372036854775808                                | invalid downloaded",
        "left=1.5                                                      | invalid left",
        "left=                                                         | invalid left",
        "numwant=-x                                                    | invalid numwant",
        "numwant=-                                                     | invalid numwant",
        "event=start                                                   | invalid event",
        "event=STARTED                                                 | invalid event",
        "compact=2                                                     | invalid compact",
        "compact=                                                      | invalid compact",
        "key=%zz                                                       | invalid key",
        "ip=%                                                          | invalid ip",
    })
    void invalidValues(String param, String message) {
        // the bad parameter comes first, so its error is reported before anything else (port=0 depends on the
        // event, so it is checked at the end: see portZeroIsAcceptedOnlyWithStopped)
        assertEquals(message, rejected(param + "&" + MINIMAL).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"info_hash=" + HASH_Q + ",repeated info_hash", "port=6882,repeated port", "left=5,repeated left",
        "event=started,repeated event", "key=x,repeated key"})
    void repeatedParametersAreRejected(String param, String message) {
        assertEquals(message, rejected(MINIMAL + "&event=stopped&key=k&" + param).getMessage());
    }

    @Test
    void unknownAndEmptyParametersAreIgnored() throws ProtocolException {
        assertEquals(6881, parse("&&" + MINIMAL + "&&=&x=%zz&info_hash2=1&INFO_HASH=2&info%5Fhash=3&").port());
    }

    @Test
    void queryLengthBound() throws ProtocolException {
        String filler = "&pad=";
        String base = MINIMAL + filler;
        String atLimit = base + "x".repeat(HttpQueryParser.MAX_QUERY_LENGTH - base.length());
        assertEquals(HttpQueryParser.MAX_QUERY_LENGTH, atLimit.length());
        parse(atLimit);
        assertEquals("query too long", rejected(atLimit + "x").getMessage());
    }

    @Test
    void scrapeCollectsEveryInfoHash() throws ProtocolException {
        byte[] other = new byte[20];
        String otherQ = "%00".repeat(20);
        byte[] q = ascii("info_hash=" + HASH_Q + "&passkey=abc&info_hash=" + otherQ + "&info_hash=" + HASH_Q);
        List<byte[]> hashes = HttpQueryParser.parseScrape(q, 0, q.length, 3);
        assertEquals(3, hashes.size());
        assertArrayEquals(HASH, hashes.get(0));
        assertArrayEquals(other, hashes.get(1));
        assertArrayEquals(HASH, hashes.get(2), "duplicates are kept, in query order");
        assertEquals(0, HttpQueryParser.parseScrape(new byte[0], 0, 0, 3).size());
        assertEquals(0, HttpQueryParser.parseScrape(ascii("passkey=x"), 0, 9, 3).size());
    }

    @Test
    void scrapeErrors() {
        byte[] three = ascii("info_hash=" + HASH_Q + "&info_hash=" + HASH_Q + "&info_hash=" + HASH_Q);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> HttpQueryParser.parseScrape(three, 0, three.length, 2));
        assertEquals("too many info_hash values", e.getMessage());
        assertTrue(e.replyable());
        byte[] bad = ascii("info_hash=abc");
        assertEquals("invalid info_hash", assertThrows(ProtocolException.class,
                () -> HttpQueryParser.parseScrape(bad, 0, bad.length, 2)).getMessage());
        byte[] huge = new byte[HttpQueryParser.MAX_QUERY_LENGTH + 2 * HttpQueryParser.MAX_SCRAPE_PARAM_LENGTH + 1];
        assertEquals("query too long", assertThrows(ProtocolException.class,
                () -> HttpQueryParser.parseScrape(huge, 0, huge.length, 2)).getMessage());
    }

    @Test
    void scrapeOfTheMostHashesFitsTheBound() throws ProtocolException {
        int n = 74;
        StringBuilder sb = new StringBuilder("passkey=" + "k".repeat(4000));
        for (int i = 0; i < n; i++) {
            sb.append("&info_hash=").append("%FF".repeat(20));
        }
        byte[] q = ascii(sb.toString());
        assertEquals(n, HttpQueryParser.parseScrape(q, 0, q.length, n).size());
    }

    @Test
    void paramExtractsTheFirstDecodedValue() {
        byte[] q = ascii("passkey=ab%2Fc+d&passkey=second&flag&bad=%x1&" + MINIMAL);
        assertEquals("ab/c d", HttpQueryParser.param(q, 0, q.length, "passkey"));
        assertEquals("", HttpQueryParser.param(q, 0, q.length, "flag"));
        assertNull(HttpQueryParser.param(q, 0, q.length, "bad"), "malformed encoding counts as absent");
        assertNull(HttpQueryParser.param(q, 0, q.length, "absent"));
        assertNull(HttpQueryParser.param(q, 0, q.length, "pass"));
        assertEquals("6881", HttpQueryParser.param(q, 0, q.length, "port"));
        assertEquals("\u00124Vx\u009a\u00bc\u00de\u00f1#Eg\u0089\u00ab\u00cd\u00ef\u00124Vx\u009a",
                HttpQueryParser.param(q, 0, q.length, "info_hash"), "binary values map one char per byte");
    }

    @Test
    void onlyReplyableProtocolExceptionsForAnyInput() {
        TestBytes.Decoder announce = b -> {
            try {
                HttpQueryParser.parseAnnounce(b, 0, b.length);
            } catch (ProtocolException e) {
                assertTrue(e.replyable(), e.getMessage());
                throw e;
            }
        };
        String full = MINIMAL + "&uploaded=1&downloaded=2&event=started&numwant=5&compact=0&no_peer_id=1&key=k&ip=x";
        int rejected = TestBytes.sweep(ascii(full), 3000, 300, 7, announce);
        assertTrue(rejected > 100, "the sweep must actually hit errors");
        TestBytes.Decoder scrape = b -> {
            HttpQueryParser.parseScrape(b, 0, b.length, 2);
            HttpQueryParser.param(b, 0, b.length, "info_hash");
        };
        TestBytes.sweep(ascii("info_hash=" + HASH_Q + "&info_hash=" + "%00".repeat(20)), 3000, 300, 8, scrape);
    }
}

package dev.swarm.protocol.http;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.client.HttpAnnounceClient;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.WithNull;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's query builder and the tracker's parser agree on every announce. */
class HttpQueryPropertiesTest {

    @Property(tries = 500)
    void clientQueryRoundTripsThroughTheTrackerParser(@ForAll @Size(20) byte[] infoHash,
            @ForAll @Size(20) byte[] peerId,
            @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll @LongRange(min = 0) long uploaded,
            @ForAll @LongRange(min = 0) long downloaded, @ForAll @LongRange(min = 0) long left,
            @ForAll AnnounceEvent event, @ForAll @IntRange(min = -1, max = 10_000) int numWant,
            @ForAll @WithNull @AlphaChars @NumericChars @StringLength(max = 16) String key,
            @ForAll @WithNull @AlphaChars @StringLength(max = 12) String passkey) throws ProtocolException {
        String url = passkey == null ? "http://tracker.example:6969/announce"
                : "http://tracker.example:6969/announce?passkey=" + passkey;
        String full = HttpAnnounceClient.appendQuery(url,
                HttpAnnounceClient.buildQuery(infoHash, peerId, port, uploaded, downloaded, left, event, numWant, key));
        byte[] q = full.substring(full.indexOf('?') + 1).getBytes(StandardCharsets.US_ASCII);
        AnnounceRequest r = HttpQueryParser.parseAnnounce(q, 0, q.length);
        assertEquals(new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left, event,
                numWant < 0 ? -1 : numWant, true, false, key, null), r);
        assertEquals(passkey, HttpQueryParser.param(q, 0, q.length, "passkey"));
        List<byte[]> scrape = HttpQueryParser.parseScrape(q, 0, q.length, 1);
        assertArrayEquals(infoHash, scrape.get(0));
    }

    @Property(tries = 300)
    void unicodeKeysSurviveAsTheirUtf8Bytes(@ForAll @StringLength(max = 10) String key) throws ProtocolException {
        String q = HttpAnnounceClient.buildQuery(new byte[20], new byte[20], 1, 0, 0, 0, AnnounceEvent.NONE, -1, key);
        byte[] b = q.getBytes(StandardCharsets.US_ASCII);
        String latin1 = HttpQueryParser.parseAnnounce(b, 0, b.length).key();
        assertEquals(key, new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void arbitraryBytesGiveAnswerOrReplyableError(@ForAll @Size(max = 600) byte[] query) {
        try {
            AnnounceRequest r = HttpQueryParser.parseAnnounce(query, 0, query.length);
            assertEquals(20, r.infoHash().length);
            assertEquals(20, r.peerId().length);
            assertTrue(r.port() >= 1 && r.port() <= 65535);
        } catch (ProtocolException e) {
            assertTrue(e.replyable());
        }
    }
}

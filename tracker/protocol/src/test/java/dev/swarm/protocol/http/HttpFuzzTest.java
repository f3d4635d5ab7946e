package dev.swarm.protocol.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.swarm.protocol.ProtocolException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer targets for the HTTP query parser. Without {@code JAZZER_FUZZ} they replay the inputs under
 * {@code src/test/resources/dev/swarm/protocol/http/HttpFuzzTestInputs/<method>/}.
 */
class HttpFuzzTest {

    /** Input: the raw query string. */
    @FuzzTest
    void parseAnnounce(FuzzedDataProvider data) {
        byte[] q = data.consumeRemainingAsBytes();
        try {
            AnnounceRequest r = HttpQueryParser.parseAnnounce(q, 0, q.length);
            assertEquals(20, r.infoHash().length);
            assertEquals(20, r.peerId().length);
            assertTrue(r.port() >= 1 && r.port() <= 65535);
            assertTrue(r.uploaded() >= 0 && r.downloaded() >= 0 && r.left() >= 0 && r.numWant() >= -1);
        } catch (ProtocolException e) {
            assertTrue(e.replyable(), "HTTP errors are always answered");
        }
        HttpQueryParser.param(q, 0, q.length, "passkey");
    }

    /** Input: the raw query string, then one byte (read from the end) giving maxHashes 0..80. */
    @FuzzTest
    void parseScrape(FuzzedDataProvider data) {
        int max = data.consumeInt(0, 80);
        byte[] q = data.consumeRemainingAsBytes();
        try {
            List<byte[]> hashes = HttpQueryParser.parseScrape(q, 0, q.length, max);
            assertTrue(hashes.size() <= max);
            hashes.forEach(h -> assertEquals(20, h.length));
        } catch (ProtocolException e) {
            assertTrue(e.replyable(), "HTTP errors are always answered");
        }
    }
}

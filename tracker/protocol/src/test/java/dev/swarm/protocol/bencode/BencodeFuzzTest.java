package dev.swarm.protocol.bencode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.swarm.protocol.ProtocolException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jazzer target for the bencode decoder. Without {@code JAZZER_FUZZ} (plain {@code mvn test}) it replays
 * the inputs under {@code src/test/resources/dev/swarm/protocol/bencode/BencodeFuzzTestInputs/decode/}.
 * Input layout: the document, then one byte (read from the end) choosing strict (odd) or lenient mode.
 */
class BencodeFuzzTest {

    @FuzzTest
    void decode(FuzzedDataProvider data) {
        boolean strict = data.consumeBoolean();
        byte[] input = data.consumeRemainingAsBytes();
        BValue v;
        try {
            v = Bencode.decode(input, strict ? BencodeLimits.DEFAULT : BencodeLimits.LENIENT);
        } catch (ProtocolException expected) {
            return;
        }
        byte[] canonical = Bencode.encode(v);
        if (strict) {
            assertArrayEquals(input, canonical, "strict input is canonical");
        }
        try {
            assertEquals(v, Bencode.decode(canonical, BencodeLimits.DEFAULT));
        } catch (ProtocolException e) {
            throw new AssertionError("our own encoding was rejected: " + e.getMessage(), e);
        }
    }
}

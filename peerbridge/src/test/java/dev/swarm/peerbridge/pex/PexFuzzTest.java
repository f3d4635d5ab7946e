package dev.swarm.peerbridge.pex;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.swarm.peerbridge.wire.WireException;

/** Jazzer fuzz target for the BEP 11 decoder (see {@code WireFuzzTest} for how to run it). */
class PexFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void pexMessage(byte[] payload) {
        try {
            PexMessage m = PexMessage.decode(payload);
            if (m.added().size() <= PexMessage.MAX_PER_MESSAGE && m.dropped().size() <= PexMessage.MAX_PER_MESSAGE
                    && !PexMessage.decode(m.encode()).equals(m)) {
                throw new AssertionError("ut_pex round trip changed " + m);
            }
        } catch (WireException expected) {
            // bad input
        }
    }
}

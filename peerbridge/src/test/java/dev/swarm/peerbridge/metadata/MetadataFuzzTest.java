package dev.swarm.peerbridge.metadata;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.swarm.peerbridge.wire.WireException;
import dev.swarm.protocol.ProtocolException;

/**
 * Jazzer fuzz targets for the BEP 9 parse entry points (see {@code WireFuzzTest} for how to run
 * them). A target fails on any exception other than the decoder's own.
 */
class MetadataFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void metadataMessage(byte[] payload) {
        try {
            MetadataMessage m = MetadataMessage.decode(payload);
            if (m != null) {
                MetadataMessage back = MetadataMessage.decode(MetadataMessage.encode(m));
                if (back == null || back.piece() != m.piece() || back.getClass() != m.getClass()) {
                    throw new AssertionError("ut_metadata round trip changed " + m);
                }
            }
        } catch (WireException expected) {
            // bad input
        }
    }

    @FuzzTest(maxDuration = "60s")
    void infoDict(byte[] info) {
        try {
            InfoDict.parse(info);
        } catch (ProtocolException expected) {
            // not a usable info dictionary
        }
    }
}

package dev.swarm.protocol.udp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.swarm.protocol.ProtocolException;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer targets for the BEP 15 codecs. Without {@code JAZZER_FUZZ} they replay the inputs under
 * {@code src/test/resources/dev/swarm/protocol/udp/UdpFuzzTestInputs/<method>/}.
 */
class UdpFuzzTest {

    /** Input: one request datagram, as is. */
    @FuzzTest
    void decode(FuzzedDataProvider data) {
        byte[] packet = data.consumeRemainingAsBytes();
        try {
            UdpRequest r = UdpCodec.decode(ByteBuffer.wrap(packet));
            assertEquals(ByteBuffer.wrap(packet).getInt(12), r.transactionId());
            if (r instanceof UdpAnnounceRequest a) {
                assertTrue(a.port() > 0 && a.urlData().length <= packet.length - 98);
            }
        } catch (ProtocolException e) {
            if (e.replyable()) {
                assertEquals(ByteBuffer.wrap(packet).getInt(12), e.transactionId());
            }
        }
    }

    /** Input: one response datagram, then one byte (read from the end): odd = IPv6 peers. */
    @FuzzTest
    void decodeResponse(FuzzedDataProvider data) {
        boolean v6 = data.consumeBoolean();
        byte[] packet = data.consumeRemainingAsBytes();
        try {
            if (UdpClientCodec.decodeResponse(ByteBuffer.wrap(packet), v6) instanceof AnnounceResponse a) {
                assertEquals(0, a.peers().length % (v6 ? 18 : 6));
            }
        } catch (ProtocolException e) {
            assertTrue(!e.replyable(), "a client never answers a tracker");
        }
    }
}

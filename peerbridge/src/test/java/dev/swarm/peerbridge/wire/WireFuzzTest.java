package dev.swarm.peerbridge.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Jazzer fuzz targets for every peer-wire parse entry point. Under plain {@code mvn test} they replay
 * the inputs in {@code src/test/resources/.../WireFuzzTestInputs/<method>/} (seeds and found
 * crashers); {@code mvn test -Djazzer.fuzz=1 -Dtest=WireFuzzTest#<method>} fuzzes one of them.
 * A target fails on any exception other than {@link WireException}.
 */
class WireFuzzTest {
    private static final MessageCodec CODEC = new MessageCodec(1 << 16);

    /** The stream a connection sees: a handshake, then frames, each frame's body handed to its decoder. */
    @FuzzTest(maxDuration = "60s")
    void frames(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        PieceSet pieces = new PieceSet(-1, 8 * CODEC.maxLength());
        try {
            if (Handshake.read(in) == null) {
                return;
            }
            PeerMessage m;
            while ((m = CODEC.read(in)) != null) {
                switch (m) {
                    case PeerMessage.Bitfield b -> pieces.applyBitfield(b.bits());
                    case PeerMessage.Have h -> pieces.applyHave(h.index());
                    case PeerMessage.Extended e when e.extendedId() == 0 -> ExtensionHandshake.decode(e.payload());
                    case PeerMessage.Extended e -> TexMessage.decode(e.payload());
                    default -> {
                    }
                }
            }
        } catch (WireException expected) {
            // bad input, connection would be closed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void extensionHandshake(byte[] payload) {
        try {
            ExtensionHandshake h = ExtensionHandshake.decode(payload);
            ExtensionHandshake.decode(h.encode());
        } catch (WireException expected) {
            // bad input
        }
    }

    @FuzzTest(maxDuration = "60s")
    void texMessage(byte[] payload) {
        try {
            TexMessage m = TexMessage.decode(payload);
            if (!TexMessage.decode(m.encode()).equals(m)) {
                throw new AssertionError("lt_tex round trip changed " + m);
            }
        } catch (WireException expected) {
            // bad input
        }
    }
}

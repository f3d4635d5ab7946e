package dev.swarm.peerbridge.wire;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

/** Shared decoding of BEP 10 payloads: one bencoded dictionary, bounded, non-canonical input tolerated. */
final class ExtensionPayloads {
    /**
     * Bounds for extension payloads: the frame limit already bounds the size; nesting beyond 8
     * and more than 4096 values have no use in BEP 10/28 payloads.
     */
    static final BencodeLimits LIMITS = new BencodeLimits(8, MessageCodec.DEFAULT_MAX_LENGTH, 4096, false);

    private ExtensionPayloads() {
    }

    /** Decodes the dictionary at the start of the payload; trailing bytes are ignored (BEP 9 puts data there). */
    static BDict dict(byte[] payload, String what) throws WireException {
        BValue[] out = new BValue[1];
        try {
            Bencode.decodePrefix(payload, 0, payload.length, LIMITS, out);
        } catch (ProtocolException e) {
            throw new WireException(what + " is not valid bencode: " + e.getMessage(), e);
        }
        if (!(out[0] instanceof BDict d)) {
            throw new WireException(what + " is not a bencoded dictionary");
        }
        return d;
    }
}

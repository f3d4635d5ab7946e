package dev.swarm.peerbridge.wire;

import java.util.Arrays;

/**
 * A BEP 3 peer wire message (after the handshake). Byte arrays handed to the records are owned by
 * them: callers do not modify them afterwards.
 */
public sealed interface PeerMessage {
    /** Message ids of BEP 3, BEP 5 ({@code port}) and BEP 10 ({@code extended}). */
    int CHOKE = 0;
    int UNCHOKE = 1;
    int INTERESTED = 2;
    int NOT_INTERESTED = 3;
    int HAVE = 4;
    int BITFIELD = 5;
    int REQUEST = 6;
    int PIECE = 7;
    int CANCEL = 8;
    int PORT = 9;
    int EXTENDED = 20;

    /** A zero-length frame. */
    record KeepAlive() implements PeerMessage {
    }

    record Choke() implements PeerMessage {
    }

    record Unchoke() implements PeerMessage {
    }

    record Interested() implements PeerMessage {
    }

    record NotInterested() implements PeerMessage {
    }

    /** The peer completed piece {@code index} (0 ≤ index, unsigned 32 bits on the wire, bounded here to int). */
    record Have(int index) implements PeerMessage {
    }

    /** Raw bitfield bytes, high bit of the first byte is piece 0. */
    record Bitfield(byte[] bits) implements PeerMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bitfield b && Arrays.equals(bits, b.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }

        @Override
        public String toString() {
            return "Bitfield[" + bits.length + " bytes]";
        }
    }

    record Request(int index, int begin, int length) implements PeerMessage {
    }

    record Piece(int index, int begin, byte[] block) implements PeerMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Piece p && index == p.index && begin == p.begin && Arrays.equals(block, p.block);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * index + begin) + Arrays.hashCode(block);
        }

        @Override
        public String toString() {
            return "Piece[index=" + index + ", begin=" + begin + ", " + block.length + " bytes]";
        }
    }

    record Cancel(int index, int begin, int length) implements PeerMessage {
    }

    /** BEP 5: the peer's DHT port. */
    record Port(int port) implements PeerMessage {
    }

    /** BEP 10: extended message; {@code extendedId} 0 is the extension handshake. */
    record Extended(int extendedId, byte[] payload) implements PeerMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Extended e && extendedId == e.extendedId && Arrays.equals(payload, e.payload);
        }

        @Override
        public int hashCode() {
            return 31 * extendedId + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Extended[id=" + extendedId + ", " + payload.length + " bytes]";
        }
    }

    /** A message id this peer does not know (BEP 3: ignored), kept for logging and counting. */
    record Unknown(int id, byte[] payload) implements PeerMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && id == u.id && Arrays.equals(payload, u.payload);
        }

        @Override
        public int hashCode() {
            return 31 * id + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Unknown[id=" + id + ", " + payload.length + " bytes]";
        }
    }
}

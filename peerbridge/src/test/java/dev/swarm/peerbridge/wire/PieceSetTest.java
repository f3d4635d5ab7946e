package dev.swarm.peerbridge.wire;

import static dev.swarm.peerbridge.wire.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PieceSetTest {
    @Test
    void bitfieldThenHaves() throws WireException {
        PieceSet s = new PieceSet(10, 1000);
        s.applyBitfield(hex("a0 40")); // pieces 0, 2, 9
        assertTrue(s.has(0) && s.has(2) && s.has(9));
        assertEquals(3, s.count());
        for (int i = 0; i < 10; i++) {
            s.applyHave(i);
        }
        assertTrue(s.isComplete());
    }

    @Test
    void rejectsWrongLengthSpareBitsSecondBitfieldAndOutOfRangeHave() throws WireException {
        assertThrows(WireException.class, () -> new PieceSet(10, 1000).applyBitfield(hex("ff")));
        assertThrows(WireException.class, () -> new PieceSet(10, 1000).applyBitfield(hex("ff ff")));
        PieceSet s = new PieceSet(10, 1000);
        s.applyBitfield(hex("00 00"));
        assertThrows(WireException.class, () -> s.applyBitfield(hex("00 00")));
        assertThrows(WireException.class, () -> s.applyHave(10));
        assertThrows(WireException.class, () -> s.applyHave(-1));
    }

    @Test
    void unknownCountIsBoundedThenValidated() throws WireException {
        PieceSet s = new PieceSet(-1, 64);
        s.applyBitfield(hex("ffff"));
        s.applyHave(63);
        assertThrows(WireException.class, () -> s.applyHave(64));
        assertThrows(WireException.class, () -> s.validate(20));
        s.validate(64);
        assertEquals(64, s.pieceCount());
        assertFalse(s.isComplete());
        assertThrows(WireException.class, () -> new PieceSet(-1, 64).applyBitfield(new byte[9]));
    }
}

package dev.swarm.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolExceptionTest {

    @Test
    void dropIsNotReplyable() {
        ProtocolException e = ProtocolException.drop("garbage");
        assertFalse(e.replyable());
        assertEquals("garbage", e.getMessage());
        assertEquals(0, e.transactionId());
    }

    @Test
    void replyCarriesTransactionAndConnectionId() {
        ProtocolException e = ProtocolException.reply(0x1234_5678_9abc_def0L, -7, "invalid event");
        assertTrue(e.replyable());
        assertEquals(-7, e.transactionId());
        assertEquals(0x1234_5678_9abc_def0L, e.connectionId());
        assertEquals("invalid event", e.getMessage());
        assertTrue(ProtocolException.reply(42, "x").replyable());
        assertEquals(42, ProtocolException.reply(42, "x").transactionId());
        assertTrue(ProtocolException.reply("x").replyable());
    }

    @Test
    void isStacklessAndImmutable() {
        ProtocolException e = ProtocolException.drop("x");
        assertEquals(0, e.getStackTrace().length);
        e.fillInStackTrace();
        assertEquals(0, e.getStackTrace().length);
        e.addSuppressed(new RuntimeException());
        assertEquals(0, e.getSuppressed().length);
        assertNull(e.getCause());
        assertThrows(IllegalStateException.class, () -> e.initCause(new RuntimeException()));
    }

    @Test
    void messageIsShortPrintableAscii() {
        String evil = "bad\r\nvalue\u00e9\u0000" + "x".repeat(500);
        String m = ProtocolException.reply(evil).getMessage();
        assertEquals(ProtocolException.MAX_REASON_LENGTH, m.length());
        assertTrue(m.startsWith("bad??value??x"), m);
        assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
        assertEquals("protocol error", ProtocolException.drop(null).getMessage());
    }
}

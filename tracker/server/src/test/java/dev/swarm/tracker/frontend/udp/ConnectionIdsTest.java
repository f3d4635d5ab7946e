package dev.swarm.tracker.frontend.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionIdsTest {
    private static final byte[] KEY = new byte[16];
    private static final byte[] A = {127, 0, 0, 1};
    private static final byte[] B = {127, 0, 0, 2};
    private static final long T0 = 1_700_000_000_000L;

    static {
        for (int i = 0; i < 16; i++) {
            KEY[i] = (byte) i;
        }
    }

    @Test
    void sipHashMatchesThePapersTestVector() {
        // SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e (15 bytes) -> a129ca6149be45e5
        byte[] msg = new byte[15];
        for (int i = 0; i < 15; i++) {
            msg[i] = (byte) i;
        }
        assertEquals(0xa129ca6149be45e5L, new SipHash(KEY).hash(msg, 0, 15));
    }

    @Test
    void idIsValidForItsAddressWithinTheLifetime() {
        ConnectionIds ids = new ConnectionIds(KEY, Duration.ofMinutes(2));
        long id = ids.issue(A, T0);
        assertTrue(ids.isValid(id, A, T0));
        assertTrue(ids.isValid(id, A, T0 + 120_000));
        assertFalse(ids.isValid(id, A, T0 + 121_000), "expired");
        assertFalse(ids.isValid(id, B, T0), "other address");
    }

    @Test
    void futureAndForgedIdsAreRejected() {
        ConnectionIds ids = new ConnectionIds(KEY, Duration.ofMinutes(2));
        long id = ids.issue(A, T0 + 10_000);
        assertFalse(ids.isValid(id, A, T0), "issued in the future");
        long good = ids.issue(A, T0);
        for (int bit = 0; bit < 64; bit++) {
            assertFalse(ids.isValid(good ^ (1L << bit), A, T0 + 1000), "bit " + bit + " flipped");
        }
    }

    @Test
    void anotherKeyDoesNotAcceptTheId() {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        ConnectionIds ids = new ConnectionIds(KEY, Duration.ofMinutes(2));
        ConnectionIds ids2 = new ConnectionIds(other, Duration.ofMinutes(2));
        long id = ids.issue(A, T0);
        assertFalse(ids2.isValid(id, A, T0));
        assertTrue(new ConnectionIds(KEY, Duration.ofMinutes(2)).isValid(id, A, T0), "same key on another node");
        assertNotEquals(ids.issue(A, T0), ids.issue(B, T0));
    }

    @Test
    void ipv6AddressesWork() {
        byte[] v6 = new byte[16];
        v6[15] = 1;
        ConnectionIds ids = new ConnectionIds(KEY, Duration.ofMinutes(5));
        long id = ids.issue(v6, T0);
        assertTrue(ids.isValid(id, v6, T0 + 299_000));
        assertFalse(ids.isValid(id, A, T0));
    }
}

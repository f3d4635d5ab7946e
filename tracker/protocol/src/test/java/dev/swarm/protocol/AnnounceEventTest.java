package dev.swarm.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnnounceEventTest {

    @Test
    void udpCodesFollowBep15() throws ProtocolException {
        // BEP 15 announce request, offset 80: 0 none, 1 completed, 2 started, 3 stopped
        assertEquals(0, AnnounceEvent.NONE.udpCode());
        assertEquals(1, AnnounceEvent.COMPLETED.udpCode());
        assertEquals(2, AnnounceEvent.STARTED.udpCode());
        assertEquals(3, AnnounceEvent.STOPPED.udpCode());
        for (AnnounceEvent e : AnnounceEvent.values()) {
            assertEquals(e == AnnounceEvent.PAUSED ? AnnounceEvent.NONE : e, AnnounceEvent.fromUdpCode(e.udpCode()));
        }
        assertEquals(0, AnnounceEvent.PAUSED.udpCode(), "BEP 15 has no paused: sent as none, as libtorrent does");
    }

    @Test
    void unknownCodesAreReplyableErrors() {
        for (int code : new int[] {-1, 4, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> AnnounceEvent.fromUdpCode(code));
            assertTrue(e.replyable());
        }
    }

    @Test
    void httpNamesFollowBep3() {
        assertEquals("started", AnnounceEvent.STARTED.httpName());
        assertEquals("completed", AnnounceEvent.COMPLETED.httpName());
        assertEquals("stopped", AnnounceEvent.STOPPED.httpName());
        assertEquals("empty", AnnounceEvent.NONE.httpName());
        assertEquals("paused", AnnounceEvent.PAUSED.httpName(), "BEP 21");
    }
}

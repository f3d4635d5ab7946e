package dev.swarm.peerbridge.trackers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One request per host per interval to unverified learned trackers, on an explicit clock. */
class RequestBudgetTest {
    @Test
    void oneRequestPerHostPerIntervalWhateverThePortPathOrScheme() {
        RequestBudget b = new RequestBudget(60_000, 100);
        assertTrue(b.tryAcquire("http://victim.example:80/announce", 0));
        assertFalse(b.tryAcquire("http://victim.example:80/announce", 1));
        assertFalse(b.tryAcquire("udp://VICTIM.example:22/other", 30_000), "other port, path, scheme, case: same host");
        assertTrue(b.tryAcquire("udp://other.example:1/announce", 30_000), "another host has its own budget");
        assertEquals(60_000, b.nextAllowedAt("http://victim.example/x"));
        assertFalse(b.tryAcquire("http://victim.example/x", 59_999));
        assertTrue(b.tryAcquire("http://victim.example/x", 60_000), "one interval later");
    }

    @Test
    void rememberedHostsAreBoundedAndExpire() {
        RequestBudget b = new RequestBudget(1000, 3);
        assertTrue(b.tryAcquire("udp://a:1", 0));
        assertTrue(b.tryAcquire("udp://b:1", 10));
        assertTrue(b.tryAcquire("udp://c:1", 20));
        assertFalse(b.tryAcquire("udp://d:1", 30), "full: a flood of distinct hosts waits");
        assertTrue(b.tryAcquire("udp://d:1", 1000), "a's interval passed: forgotten, room again");
        assertFalse(b.tryAcquire("udp://c:1", 1000));
    }
}

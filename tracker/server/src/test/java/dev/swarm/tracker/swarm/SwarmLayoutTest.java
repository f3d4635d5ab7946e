package dev.swarm.tracker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The chunk arithmetic of a swarm value: entries fill their chunks, growth and shrinking stay apart. */
class SwarmLayoutTest {

    @Test
    void stopBitSizePrefixLengths() {
        assertEquals(1, SwarmLayout.sizePrefixBytes(0));
        assertEquals(1, SwarmLayout.sizePrefixBytes(127));
        assertEquals(2, SwarmLayout.sizePrefixBytes(128));
        assertEquals(2, SwarmLayout.sizePrefixBytes(16_383));
        assertEquals(3, SwarmLayout.sizePrefixBytes(16_384));
        assertEquals(4, SwarmLayout.sizePrefixBytes(1 << 21));
    }

    @Test
    void anEntryOfAGivenCapacityFillsItsChunks() {
        for (Family f : Family.values()) {
            SwarmLayout l = new SwarmLayout(f, SwarmLayout.chunkSizeFor(f), 100_000);
            for (int chunks = 2; chunks < 20_000; chunks += chunks / 7 + 1) {
                int cap = l.capacityOf(chunks);
                assertTrue(l.entryBytes(cap) <= (long) chunks * l.chunkSize, f + " " + chunks);
                assertTrue(l.entryBytes(cap + 1) > (long) chunks * l.chunkSize, f + " " + chunks + ": room for one more");
                assertEquals(chunks, l.chunksFor(cap), f + " " + chunks);
            }
        }
    }

    @Test
    void aFiftyPeerIpv4SwarmCostsAboutNineBytesPerPeer() {
        SwarmLayout l = new SwarmLayout(Family.V4, 32, 20_000);
        // 20 key + 2 size prefix + 24 header + 50 * 8 = 446 bytes -> 14 chunks of 32 = 448 bytes.
        assertEquals(14, l.chunksFor(50));
        assertEquals(50, l.capacityOf(14));
    }

    @Test
    void growthAndShrinkHaveHysteresis() {
        SwarmLayout l = new SwarmLayout(Family.V4, 32, 100_000);
        for (int n = 1; n < 50_000; n += n / 5 + 1) {
            int grown = l.grownCapacity(n, n + 1);
            assertTrue(grown >= n + 1);
            assertTrue(l.chunksFor(grown) >= l.chunksFor(n) + Math.max(1, l.chunksFor(n) / 8), "grows by >= 1/8");
            assertEquals(grown, l.shrunkCapacity(grown, n + 1), "no shrink right after a growth at " + n);
        }
        int shrunk = l.shrunkCapacity(l.capacityOf(100), 10);
        assertTrue(shrunk >= 10 && l.chunksFor(shrunk) <= l.chunksFor(10) + 1, "shrinks " + shrunk);
        assertEquals(20_000, new SwarmLayout(Family.V4, 32, 20_000).capacityOf(100_000), "capped at maxPeers");
    }
}

package dev.swarm.peerbridge.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataFetcherTest {
    private static final int SIZE = 3 * 16384 + 100;
    private final byte[] info = new byte[SIZE];

    {
        new Random(1).nextBytes(info);
    }

    private MetadataFetcher<String> fetcher(boolean withV2) {
        return new MetadataFetcher<>(MetadataFetcher.digest("SHA-1", info),
                withV2 ? MetadataFetcher.digest("SHA-256", info) : null, 30L << 20, 2, 10_000);
    }

    private static List<Integer> requested(MetadataFetcher.Actions<String> a, String peer) {
        List<Integer> out = new ArrayList<>();
        for (MetadataFetcher.Send<String> s : a.sends()) {
            assertEquals(peer, s.peer());
            out.add(((MetadataMessage.Request) s.message()).piece());
        }
        return out;
    }

    private MetadataMessage.Data data(int piece, byte[] from) {
        int len = MetadataMessage.blockLength(SIZE, piece);
        byte[] b = new byte[len];
        System.arraycopy(from, piece * 16384, b, 0, len);
        return new MetadataMessage.Data(piece, SIZE, b);
    }

    /** Answers every request from {@code from} until none is left; returns the last actions. */
    private MetadataFetcher.Actions<String> serve(MetadataFetcher<String> f, String peer, List<Integer> pending, byte[] from) {
        MetadataFetcher.Actions<String> last = null;
        List<Integer> queue = new ArrayList<>(pending);
        while (!queue.isEmpty()) {
            last = f.onMessage(peer, data(queue.remove(0), from), 0);
            if (!last.drops().isEmpty() || f.done()) {
                return last;
            }
            queue.addAll(requested(last, peer));
        }
        return last;
    }

    @Test
    void fetchesWithBoundedOutstandingRequestsAndVerifiesBothHashes() {
        MetadataFetcher<String> f = fetcher(true);
        List<Integer> first = requested(f.offer("a", SIZE, 0), "a");
        assertEquals(List.of(0, 1), first, "at most 2 requests in flight");
        MetadataFetcher.Actions<String> a = f.onMessage("a", data(0, info), 0);
        assertEquals(List.of(2), requested(a, "a"));
        a = serve(f, "a", List.of(1, 2), info);
        assertTrue(f.done());
        assertArrayEquals(info, f.result());
        assertTrue(a.drops().isEmpty());
    }

    @Test
    void aWrongBlockDropsThatPeerAndTheNextOneSuppliesIt() {
        MetadataFetcher<String> f = fetcher(false);
        List<Integer> first = requested(f.offer("bad", SIZE, 0), "bad");
        assertTrue(f.offer("good", SIZE, 0).sends().isEmpty(), "one peer at a time");
        byte[] wrong = info.clone();
        wrong[16384 + 5] ^= 1;
        MetadataFetcher.Actions<String> a = serve(f, "bad", first, wrong);
        assertEquals(1, a.drops().size());
        assertEquals("bad", a.drops().get(0).peer());
        assertTrue(a.drops().get(0).reason().contains("hash mismatch"), a.drops().get(0).reason());
        assertFalse(f.done());
        assertEquals(List.of(0, 1), requested(a, "good"), "the fetch starts over from the next peer");
        serve(f, "good", List.of(0, 1), info);
        assertArrayEquals(info, f.result());
    }

    @Test
    void aV2MismatchIsAMismatchToo() {
        MetadataFetcher<String> f = new MetadataFetcher<>(MetadataFetcher.digest("SHA-1", info), new byte[32], 30L << 20, 4, 10_000);
        MetadataFetcher.Actions<String> a = serve(f, "a", requested(f.offer("a", SIZE, 0), "a"), info);
        assertEquals(1, a.drops().size());
        assertNull(f.result());
    }

    @Test
    void protocolViolationsDropAtOnce() {
        MetadataFetcher<String> f = fetcher(false);
        f.offer("a", SIZE, 0);
        assertEquals(1, f.onMessage("a", new MetadataMessage.Data(0, SIZE, new byte[10]), 0).drops().size(), "short block");
        f.offer("b", SIZE, 0);
        assertEquals(1, f.onMessage("b", new MetadataMessage.Data(3, SIZE, new byte[100]), 0).drops().size(), "not requested");
        f.offer("c", SIZE, 0);
        assertEquals(1, f.onMessage("c", new MetadataMessage.Data(0, SIZE + 1, new byte[16384]), 0).drops().size(),
                "total_size differs");
        assertEquals(0, f.candidates());
    }

    @Test
    void rejectTimeoutAndGonePassThePeerOverWithoutDropping() {
        MetadataFetcher<String> f = fetcher(false);
        f.offer("a", SIZE, 0);
        f.offer("b", SIZE, 0);
        f.offer("c", SIZE, 0);
        MetadataFetcher.Actions<String> a = f.onMessage("a", new MetadataMessage.Reject(0), 0);
        assertTrue(a.drops().isEmpty());
        assertEquals("b", f.active());
        assertTrue(f.tick(10_000).sends().isEmpty(), "not yet timed out");
        a = f.tick(10_001);
        assertEquals("c", f.active());
        assertEquals(List.of(0, 1), requested(a, "c"));
        f.gone("c", 10_002);
        assertNull(f.active());
        assertEquals(0, f.candidates());
    }

    @Test
    void oversizedOrUnsolicitedIsIgnored() {
        MetadataFetcher<String> f = new MetadataFetcher<>(MetadataFetcher.digest("SHA-1", info), null, 1000, 2, 10_000);
        assertTrue(f.offer("a", SIZE, 0).sends().isEmpty(), "over max-size: not fetched");
        assertEquals(0, f.candidates());
        assertTrue(f.onMessage("z", new MetadataMessage.Data(0, SIZE, new byte[16384]), 0).drops().isEmpty());
    }
}

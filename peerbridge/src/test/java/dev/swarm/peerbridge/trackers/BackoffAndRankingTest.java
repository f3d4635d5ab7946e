package dev.swarm.peerbridge.trackers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackoffAndRankingTest {
    @Test
    void backoffFollowsLibtorrent() {
        assertEquals(17, Backoff.delay(1, Duration.ZERO).toSeconds()); // 5 + 12.5
        assertEquals(55, Backoff.delay(2, Duration.ZERO).toSeconds()); // 5 + 50
        assertEquals(117, Backoff.delay(3, Duration.ZERO).toSeconds()); // 5 + 112.5
        assertEquals(3600, Backoff.delay(17, Duration.ZERO).toSeconds());
        assertEquals(3600, Backoff.delay(Integer.MAX_VALUE, Duration.ZERO).toSeconds());
        assertEquals(900, Backoff.delay(1, Duration.ofMinutes(15)).toSeconds(), "never below the tracker's retry");
    }

    static List<InetSocketAddress> peers(int from, int to) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new InetSocketAddress("10.0.0." + (i % 250 + 1), 6881 + i));
        }
        return out;
    }

    @Test
    void ranksByDistinctThenUniquePeers() {
        AtomicLong now = new AtomicLong(0);
        TrackerRanking r = new TrackerRanking(now::get, Duration.ofHours(1), 1000);
        r.recordSuccess("ih", "udp://a:1", Duration.ofMillis(10), peers(0, 5));
        r.recordSuccess("ih", "udp://b:1", Duration.ofMillis(30), peers(0, 8));
        r.recordSuccess("ih", "udp://c:1", Duration.ofMillis(5), peers(0, 3));
        r.recordFailure("ih", "udp://c:1");
        List<TrackerRanking.Rank> rank = r.rank("ih");
        assertEquals(List.of("udp://b:1", "udp://a:1", "udp://c:1"), rank.stream().map(TrackerRanking.Rank::url).toList());
        assertEquals(8, rank.get(0).distinctPeers());
        assertEquals(3, rank.get(0).uniquePeers());
        assertEquals(0, rank.get(1).uniquePeers());
        assertEquals(0.5, rank.get(2).successRate());
        assertEquals(2, rank.get(2).attempts());
    }

    @Test
    void tiesBreakOnUniqueThenSuccessRateThenLatency() {
        AtomicLong now = new AtomicLong(0);
        TrackerRanking r = new TrackerRanking(now::get, Duration.ofHours(1), 1000);
        r.recordSuccess("ih", "udp://slow:1", Duration.ofMillis(300), peers(0, 4));
        r.recordSuccess("ih", "udp://fast:1", Duration.ofMillis(3), peers(0, 4));
        assertEquals("udp://fast:1", r.rank("ih").get(0).url());
        r.recordFailure("ih", "udp://fast:1");
        assertEquals("udp://slow:1", r.rank("ih").get(0).url());
    }

    @Test
    void peersExpireAfterTheWindowAndAreBounded() {
        AtomicLong now = new AtomicLong(0);
        TrackerRanking r = new TrackerRanking(now::get, Duration.ofMinutes(10), 100);
        r.recordSuccess("ih", "udp://a:1", Duration.ofMillis(1), peers(0, 1000));
        assertEquals(100, r.rank("ih").get(0).distinctPeers());
        now.set(Duration.ofMinutes(11).toMillis());
        r.recordSuccess("ih", "udp://a:1", Duration.ofMillis(1), peers(0, 2));
        assertEquals(2, r.rank("ih").get(0).distinctPeers());
    }

    @Test
    void overallSumsOverTorrents() {
        AtomicLong now = new AtomicLong(0);
        TrackerRanking r = new TrackerRanking(now::get, Duration.ofHours(1), 1000);
        r.recordSuccess("ih1", "udp://a:1", Duration.ofMillis(10), peers(0, 3));
        r.recordSuccess("ih2", "udp://a:1", Duration.ofMillis(30), peers(0, 3));
        r.recordSuccess("ih1", "udp://b:1", Duration.ofMillis(10), peers(0, 5));
        List<TrackerRanking.Rank> all = r.overall();
        assertEquals("udp://a:1", all.get(0).url());
        assertEquals(6, all.get(0).distinctPeers());
        assertEquals(3, all.get(0).uniquePeers());
        assertEquals(20, all.get(0).latencyMillis());
        assertEquals(2, all.get(1).uniquePeers());
        r.forget("ih2");
        assertEquals("udp://b:1", r.overall().get(0).url());
    }
}

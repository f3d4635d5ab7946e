package dev.swarm.peerbridge.trackers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class AnnounceScheduleTest {
    static final Duration MIN = Duration.ofSeconds(60);
    static final Duration MAX = Duration.ofMinutes(30);

    @Test
    void announceToAllAnnouncesEveryTrackerThenWaitsTheInterval() {
        AnnounceSchedule s = new AnnounceSchedule(List.of(List.of("a", "b"), List.of("c")), true, MIN, MAX, new Random(1));
        List<String> due = s.due(0);
        assertEquals(Set.of("a", "b", "c"), new HashSet<>(due));
        due.forEach(s::started);
        assertEquals(List.of(), s.due(0), "in flight");
        s.succeeded("a", 0, 1800, 0);
        s.succeeded("b", 0, 10, 0);
        s.failed("c", 0, 1, Duration.ZERO);
        assertEquals(1_800_000, s.nextAt("a"));
        assertEquals(60_000, s.nextAt("b"), "interval raised to the configured floor");
        assertEquals(17_000, s.nextAt("c"), "libtorrent backoff after the first failure");
        assertEquals(List.of("c"), s.due(17_000));
    }

    @Test
    void trackerMinIntervalIsRespected() {
        AnnounceSchedule s = new AnnounceSchedule(List.of(List.of("a")), true, MIN, MAX, new Random(1));
        s.started("a");
        s.succeeded("a", 0, 100, 900);
        assertEquals(900_000, s.nextAt("a"));
    }

    @Test
    void strictBep12UsesOneTrackerPerTierAndFallsThroughOnFailure() {
        AnnounceSchedule s = new AnnounceSchedule(List.of(List.of("a", "b"), List.of("c")), false, MIN, MAX,
                new Random(7));
        List<String> first = s.due(0);
        assertEquals(1, first.size());
        String x = first.get(0);
        String y = x.equals("a") ? "b" : "a";
        s.started(x);
        s.failed(x, 0, 1, Duration.ZERO);
        assertEquals(List.of(y), s.due(0), "next tracker of the same tier");
        s.started(y);
        s.failed(y, 0, 1, Duration.ZERO);
        assertEquals(List.of("c"), s.due(0), "whole first tier failing: second tier");
        s.started("c");
        s.succeeded("c", 0, 1800, 0);
        assertEquals(List.of(x, y), s.due(17_000).stream().sorted((p, q) -> p.equals(x) ? -1 : 1).toList());
        s.started(x);
        s.succeeded(x, 17_000, 1800, 0);
        assertEquals(x, s.order().get(0).get(0), "a tracker that answers moves to the front of its tier");
        assertTrue(s.due(1_000_000).isEmpty(), "tier 1 works again: tier 2 is not used");
    }

    @Test
    void learnedTrackersAreAlwaysAnnouncedAndCanBeRemoved() {
        AnnounceSchedule s = new AnnounceSchedule(List.of(List.of("a")), false, MIN, MAX, new Random(1));
        s.started("a");
        s.succeeded("a", 0, 1800, 0);
        s.addLearned("l");
        assertEquals(List.of("l"), s.due(1));
        s.remove("l");
        assertEquals(List.of(), s.due(1));
        assertEquals(List.of(List.of("a")), s.order());
    }
}

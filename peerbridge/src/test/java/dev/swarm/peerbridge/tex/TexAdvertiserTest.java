package dev.swarm.peerbridge.tex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.swarm.peerbridge.wire.TrackerListHash;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TexAdvertiserTest {
    static final String T1 = "http://127.0.0.1:16881/announce";
    static final String T2 = "udp://127.0.0.1:16882/announce";
    static final String T3 = "udp://t3.example.org:6969/announce";
    static final TexPolicy P = TexPolicy.DEFAULT;
    static final long SIX_S = 6_000;
    static final long TWO_MIN = 120_000;

    @Test
    void fullListAfterTheInitialDelayWhenHashesDiffer() {
        TexAdvertiser a = new TexAdvertiser(P, 0, TrackerListHash.of(List.of(T1)), true);
        assertEquals(SIX_S, a.nextPollAt());
        assertEquals(List.of(), a.poll(SIX_S - 1, List.of(T2, T1)));
        assertEquals(List.of(T2, T1), a.poll(SIX_S, List.of(T2, T1)));
        assertEquals(SIX_S + TWO_MIN, a.nextPollAt());
    }

    @Test
    void absentTrMeansFullList() {
        TexAdvertiser a = new TexAdvertiser(P, 0, null, true);
        assertEquals(List.of(T1), a.poll(SIX_S, List.of(T1)));
    }

    @Test
    void equalHashesMeanNoFullListButLaterAdditions() {
        TexAdvertiser a = new TexAdvertiser(P, 0, TrackerListHash.of(List.of(T1, T2)), true);
        assertEquals(List.of(), a.poll(SIX_S, List.of(T2, T1)));
        assertEquals(List.of(), a.poll(SIX_S + TWO_MIN - 1, List.of(T2, T1, T3)), "not before 2 minutes");
        assertEquals(List.of(T3), a.poll(SIX_S + TWO_MIN, List.of(T2, T1, T3)));
    }

    @Test
    void additionsOnlyAtMostEveryTwoMinutesAndEmptyOnesOmitted() {
        TexAdvertiser a = new TexAdvertiser(P, 1000, null, true);
        long t = 1000 + SIX_S;
        assertEquals(List.of(T1), a.poll(t, List.of(T1)));
        assertEquals(List.of(), a.poll(t + TWO_MIN, List.of(T1)), "nothing new: no message");
        assertEquals(t + TWO_MIN, a.nextPollAt(), "an omitted message does not push the schedule");
        assertEquals(List.of(T2), a.poll(t + TWO_MIN + 5, List.of(T1, T2)));
        assertEquals(List.of(), a.poll(t + TWO_MIN + 10, List.of(T1, T2, T3)));
        assertEquals(List.of(T3), a.poll(t + 2 * TWO_MIN + 5, List.of(T1, T2, T3)));
    }

    @Test
    void emptyFirstListIsOmittedAndTheNextVerifiedTrackerIsSent() {
        TexAdvertiser a = new TexAdvertiser(P, 0, null, true);
        assertEquals(List.of(), a.poll(SIX_S, List.of()));
        assertEquals(List.of(T2), a.poll(SIX_S + 1, List.of(T2)));
    }

    @Test
    void withdrawnThenReverifiedTrackerIsSentAgain() {
        TexAdvertiser a = new TexAdvertiser(P, 0, null, true);
        assertEquals(List.of(T1, T2), a.poll(SIX_S, List.of(T1, T2)));
        assertEquals(List.of(), a.poll(SIX_S + TWO_MIN, List.of(T1)));
        assertEquals(List.of(T2), a.poll(SIX_S + TWO_MIN + 1, List.of(T1, T2)));
    }

    @Test
    void disabledAdvertiserNeverSends() {
        TexAdvertiser a = new TexAdvertiser(P, 0, null, false);
        assertEquals(Long.MAX_VALUE, a.nextPollAt());
        assertEquals(List.of(), a.poll(Long.MAX_VALUE - 1, List.of(T1)));
    }

    @Test
    void shorterIntervalsAreHonouredForTests() {
        TexPolicy fast = new TexPolicy(false, 50, 1, 1, Duration.ZERO, Duration.ofSeconds(1), 200);
        TexAdvertiser a = new TexAdvertiser(fast, 0, null, true);
        assertEquals(List.of(T1), a.poll(0, List.of(T1)));
        assertEquals(List.of(T2), a.poll(1000, List.of(T1, T2)));
    }
}

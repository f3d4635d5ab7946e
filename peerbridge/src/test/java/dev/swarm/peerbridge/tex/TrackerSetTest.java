package dev.swarm.peerbridge.tex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.tex.TrackerSet.LearnResult;
import dev.swarm.peerbridge.tex.TrackerSet.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerSetTest {
    static final String T1 = "http://127.0.0.1:16881/announce";
    static final String T2 = "udp://127.0.0.1:16882/announce";
    static final String L1 = "udp://learned.example.org:6969/announce";

    @Test
    void torrentTrackersAreAdvertisedOnlyOnceVerifiedByDefault() {
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1), List.of(T2)), TexPolicy.DEFAULT);
        assertEquals(List.of(), s.advertisable());
        assertEquals(Status.CANDIDATE, s.tracker(T1).status());
        s.recordSuccess(T2, 1000);
        assertEquals(List.of(T2), s.advertisable());
        assertEquals(1, s.tracker(T2).tier());
        assertEquals(1000, s.tracker(T2).lastSuccessMillis());
    }

    @Test
    void trustPolicyVerifiesTorrentTrackersUpFront() {
        TexPolicy trust = new TexPolicy(true, 50, 1, 1, Duration.ofSeconds(6), Duration.ofMinutes(2), 200);
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1, T2)), trust);
        assertEquals(List.of(T1, T2), s.advertisable());
    }

    @Test
    void learnedTrackerIsACandidateUntilItAnswers() {
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1)), TexPolicy.DEFAULT);
        assertEquals(LearnResult.ADDED, s.learn(L1));
        assertEquals(LearnResult.KNOWN, s.learn(L1));
        assertEquals(LearnResult.KNOWN, s.learn("http://127.0.0.1:16881/announce"));
        assertEquals(Status.CANDIDATE, s.tracker(L1).status());
        assertFalse(s.advertisable().contains(L1));
        s.recordSuccess(L1, 5);
        assertTrue(s.advertisable().contains(L1));
        assertEquals(TrackerSet.Origin.LEARNED, s.tracker(L1).origin());
    }

    @Test
    void learnedTrackerThatFailsIsDroppedAndNotRelearnedAtOnce() {
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1)), TexPolicy.DEFAULT);
        s.learn(L1);
        s.recordFailure(L1, 10);
        assertFalse(s.contains(L1));
        assertEquals(0, s.learnedCount());
        assertEquals(LearnResult.RECENTLY_DROPPED, s.learn(L1));
        assertEquals(List.of(L1), s.recentlyDropped());
    }

    @Test
    void verifiedTrackerThatFailsIsWithdrawnUntilItAnswersAgain() {
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1)), TexPolicy.DEFAULT);
        s.recordSuccess(T1, 1);
        s.recordFailure(T1, 2);
        assertEquals(Status.FAILING, s.tracker(T1).status());
        assertEquals(List.of(), s.advertisable());
        s.recordFailure(T1, 3);
        assertTrue(s.contains(T1), "torrent trackers are never dropped");
        s.recordSuccess(T1, 4);
        assertEquals(List.of(T1), s.advertisable());
        assertEquals(0, s.tracker(T1).consecutiveFailures());
        assertEquals(2, s.tracker(T1).failures());
    }

    @Test
    void unverifiedTorrentTrackerThatFailsStaysACandidate() {
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1)), TexPolicy.DEFAULT);
        s.recordFailure(T1, 2);
        assertEquals(Status.CANDIDATE, s.tracker(T1).status());
    }

    @Test
    void privateTorrentLearnsAndAdvertisesNothing() {
        TrackerSet s = new TrackerSet(true, List.of(List.of(T1)), TexPolicy.DEFAULT);
        s.recordSuccess(T1, 1);
        assertEquals(LearnResult.PRIVATE, s.learn(L1));
        assertEquals(List.of(), s.advertisable());
    }

    @Test
    void invalidUrlsAreRefusedAndAFloodIsCapped() {
        TrackerSet s = new TrackerSet(false, List.of(List.of(T1)), TexPolicy.DEFAULT);
        assertEquals(LearnResult.INVALID, s.learn("http://[::1]:80/announce"));
        assertEquals(LearnResult.INVALID, s.learn("udp://x.org:0/announce"));
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            flood.add("udp://t" + i + ".example.org:6969/announce");
        }
        assertEquals(50, s.learnAll(flood).size());
        assertEquals(50, s.learnedCount());
        assertEquals(LearnResult.CAP_REACHED, s.learn("udp://late.example.org:1/announce"));
        assertEquals(51, s.trackers().size());
        s.recordFailure("udp://t0.example.org:6969/announce", 1);
        assertEquals(LearnResult.ADDED, s.learn("udp://late.example.org:1/announce"), "a dropped tracker frees its slot");
    }

    @Test
    void onlyTheFirstUrlsOfAMessageAreLookedAt() {
        TexPolicy small = new TexPolicy(false, 50, 1, 1, Duration.ofSeconds(6), Duration.ofMinutes(2), 3);
        TrackerSet s = new TrackerSet(false, List.of(), small);
        assertEquals(List.of("UDP://A.org:1", "udp://b.org:1"),
                s.learnAll(List.of("bad", "UDP://A.org:1", "udp://b.org:1", "udp://c.org:1")), "added, as received");
        assertNull(s.tracker("udp://c.org:1"));
    }

    @Test
    void learnedUrlsAreKeptAndAdvertisedExactlyAsReceivedAndCompareNormalised() {
        TexPolicy open = new TexPolicy(false, 50, 1, 1, Duration.ofSeconds(6), Duration.ofMinutes(2), 200, true);
        TrackerSet s = new TrackerSet(false, List.of(), open);
        assertEquals(LearnResult.ADDED, s.learn("http://LOCALHOST:7000/Announce?k=A"));
        assertEquals(LearnResult.KNOWN, s.learn("http://localhost:7000/Announce?k=A"), "same tracker, other case of host");
        assertEquals(LearnResult.KNOWN, s.learn("HTTP://LocalHost:7000/Announce?k=A"));
        assertEquals(LearnResult.ADDED, s.learn("http://localhost:7000/announce?k=A"), "the path is case-sensitive");
        s.recordSuccess("http://localhost:7000/Announce?k=A", 1); // the lower-case form finds the same tracker
        assertEquals(List.of("http://LOCALHOST:7000/Announce?k=A"), s.advertisable(), "advertised byte for byte");
        assertEquals("http://LOCALHOST:7000/Announce?k=A", s.tracker("http://localhost:7000/Announce?k=A").url());
        assertTrue(s.isLearned("http://localhost:7000/Announce?k=A"));
    }

    @Test
    void learnedTrackersOnRefusedAddressesAreRefusedUnlessAllowed() {
        TrackerSet strict = new TrackerSet(false, List.of(List.of("http://127.0.0.1:9/announce")), TexPolicy.DEFAULT);
        assertTrue(strict.contains("http://127.0.0.1:9/announce"), "the torrent's own trackers are trusted");
        for (String url : List.of("http://127.0.0.1:1/announce", "udp://127.0.0.1:2/announce", "udp://10.1.2.3:1",
                "http://192.168.0.1/announce", "http://169.254.169.254/latest", "udp://0.0.0.0:1", "udp://224.0.0.1:1",
                "http://100.64.0.1/a", "http://localhost:8080/announce", "http://LOCALHOST:8080/announce",
                "http://x.localhost/a")) {
            assertEquals(LearnResult.REFUSED_ADDRESS, strict.learn(url), url);
        }
        assertEquals(LearnResult.ADDED, strict.learn("udp://8.8.8.8:6969/announce"), "public literal");
        assertEquals(LearnResult.ADDED, strict.learn("udp://tracker.example.org:6969/announce"),
                "names pass here; their addresses are checked at request time");
        TexPolicy open = new TexPolicy(false, 50, 1, 1, Duration.ofSeconds(6), Duration.ofMinutes(2), 200, true);
        assertEquals(LearnResult.ADDED, new TrackerSet(false, List.of(), open).learn("udp://127.0.0.1:2/announce"));
    }

    @Test
    void invalidTorrentTrackersAreSkippedAndEmptyTiersCollapse() {
        TrackerSet s = new TrackerSet(false, List.of(List.of("bogus"), List.of(T1), List.of(T1)), TexPolicy.DEFAULT);
        assertEquals(1, s.trackers().size());
        assertEquals(0, s.tracker(T1).tier());
    }
}

package dev.swarm.peerbridge.wire;

import static dev.swarm.peerbridge.wire.Bytes.ascii;
import static dev.swarm.peerbridge.wire.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerListHashTest {
    static final String T1 = "http://127.0.0.1:16881/announce";
    static final String T2 = "udp://127.0.0.1:16882/announce";

    @Test
    void matchesLibtorrent1114ForOneTracker() {
        // BEP 28 tr: SHA-1 of the single URL, as libtorrent 1.1.14 sent it
        assertArrayEquals(hex("6c957ce46cd0c335ec49ee6ab365f439515c03fc"), TrackerListHash.of(List.of(T1)));
    }

    @Test
    void matchesLibtorrent1114ForTwoTrackersInEitherOrder() {
        // BEP 28 tr: SHA-1 of "http://..." + "udp://..." (sorted byte-wise, concatenated)
        byte[] expected = hex("a02624ba8f7acb7844e9e3859f14f6c170a4d39b");
        assertArrayEquals(expected, TrackerListHash.of(List.of(T1, T2)));
        assertArrayEquals(expected, TrackerListHash.of(List.of(T2, T1)));
    }

    @Test
    void hashesTheUrlsAsSentLikeLibtorrent11() {
        // libtorrent 1.1 (lt_trackers.cpp) sorts the announce_entry URLs as stored, i.e. as received, with
        // std::sort on std::string, and hashes them concatenated: no case folding, byte order ('H' < 'h').
        assertArrayEquals(hex("4aeb054938795c635371e357d160f3e968106982"),
                TrackerListHash.of(List.of("udp://127.0.0.1:16882/announce", "http://LOCALHOST:7000/announce")));
        assertArrayEquals(hex("94d5f8a6c733742aaac1e5e8448317ef1d82879e"),
                TrackerListHash.of(List.of("udp://127.0.0.1:16882/announce", "http://localhost:7000/announce")),
                "another spelling is another list to libtorrent");
        assertArrayEquals(hex("6b7d688b742756eece045031e2437b3526c71d74"),
                TrackerListHash.of(List.of("http://a.org/a", "HTTP://b.org/a")), "upper case sorts first");
    }

    @Test
    void parsesRawAndHexForms() {
        byte[] raw = hex("a02624ba8f7acb7844e9e3859f14f6c170a4d39b");
        assertArrayEquals(raw, TrackerListHash.parse(raw));
        assertArrayEquals(raw, TrackerListHash.parse(ascii("a02624ba8f7acb7844e9e3859f14f6c170a4d39b")));
        assertArrayEquals(raw, TrackerListHash.parse(ascii("A02624BA8F7ACB7844E9E3859F14F6C170A4D39B")));
        assertNull(TrackerListHash.parse(ascii("g02624ba8f7acb7844e9e3859f14f6c170a4d39b")));
        assertNull(TrackerListHash.parse(new byte[19]));
        assertNull(TrackerListHash.parse(new byte[0]));
        assertNull(TrackerListHash.parse(new byte[41]));
    }
}

package dev.swarm.protocol.client;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.TestBytes;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.concat;
import static dev.swarm.protocol.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpAnnounceClientTest {

    @Test
    void buildsTheQueryWithBinaryValuesPercentEncoded() {
        byte[] hash = hex("123456789abcdef123456789abcdef123456789a");
        byte[] peer = concat(ascii("-SW0001-"), hex("000102030405060708090a0b"));
        assertEquals("info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
                        + "&peer_id=-SW0001-%00%01%02%03%04%05%06%07%08%09%0A%0B"
                        + "&port=6881&uploaded=1&downloaded=2&left=3&compact=1&event=started&numwant=50&key=a%2Fb~c",
                HttpAnnounceClient.buildQuery(hash, peer, 6881, 1, 2, 3, AnnounceEvent.STARTED, 50, "a/b~c"));
        assertEquals("info_hash=" + "%00".repeat(20) + "&peer_id=" + "%00".repeat(20)
                        + "&port=1&uploaded=0&downloaded=0&left=0&compact=1",
                HttpAnnounceClient.buildQuery(new byte[20], new byte[20], 1, 0, 0, 0, AnnounceEvent.NONE, -1, null),
                "event NONE, negative numwant and null key are left out");
        assertThrows(IllegalArgumentException.class, () -> HttpAnnounceClient.buildQuery(new byte[19], new byte[20],
                1, 0, 0, 0, AnnounceEvent.NONE, -1, null));
        assertThrows(IllegalArgumentException.class, () -> HttpAnnounceClient.buildQuery(new byte[20], new byte[20],
                1, -1, 0, 0, AnnounceEvent.NONE, -1, null));
    }

    @Test
    void appendsToUrlsWithOrWithoutAQuery() {
        assertEquals("http://t.example/announce?a=1",
                HttpAnnounceClient.appendQuery("http://t.example/announce", "a=1"));
        assertEquals("http://t.example/announce?pk=x&a=1",
                HttpAnnounceClient.appendQuery("http://t.example/announce?pk=x", "a=1"));
        assertEquals("http://t.example/announce?a=1",
                HttpAnnounceClient.appendQuery("http://t.example/announce?", "a=1"));
        assertEquals("http://t.example/a?pk=x&a=1",
                HttpAnnounceClient.appendQuery("http://t.example/a?pk=x&", "a=1"));
        assertEquals("http://t.example/a?a=1", HttpAnnounceClient.appendQuery("http://t.example/a#frag", "a=1"));
        assertEquals("http://t.example/a", HttpAnnounceClient.appendQuery("http://t.example/a", ""));
    }

    @Test
    void parsesCompactPeersAndPeers6() throws ProtocolException {
        byte[] body = concat(ascii("d8:completei2e10:incompletei1e8:intervali1800e12:min intervali60e5:peers6:"),
                hex("7f000001 1ae1"), ascii("6:peers618:"), hex("20010db8000000000000000000000001 1ae2"),
                ascii("15:warning message4:slowe"));
        TrackerAnnounceResponse r = HttpAnnounceClient.parseResponse(body);
        assertEquals(1800, r.interval());
        assertEquals(60, r.minInterval());
        assertEquals(2L, r.complete());
        assertEquals(1L, r.incomplete());
        assertEquals("slow", r.warning());
        assertFalse(r.failed());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("2001:db8::1", 6882)),
                r.peers());
    }

    @Test
    void parsesTheDictionaryModelSkippingUnusableEntries() throws ProtocolException {
        byte[] body = ascii("d8:intervali900e5:peersl"
                + "d2:ip9:127.0.0.27:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti51413ee"
                + "d2:ip11:2001:db8::54:porti1ee"
                + "d2:ip11:example.org4:porti1ee" // host names are not resolved
                + "d2:ip8:10.0.0.14:porti0ee" // port 0
                + "i5e" // not a dict
                + "d4:porti1ee" // no ip
                + "ee");
        TrackerAnnounceResponse r = HttpAnnounceClient.parseResponse(body);
        assertEquals(List.of(new InetSocketAddress("127.0.0.2", 51413), new InetSocketAddress("2001:db8::5", 1)),
                r.peers());
        assertNull(r.complete());
        assertNull(r.minInterval());
    }

    @Test
    void unsortedKeysFromOtherTrackersAreAccepted() throws ProtocolException {
        TrackerAnnounceResponse r = HttpAnnounceClient.parseResponse(ascii("d8:intervali5e5:peers0:8:completei1ee"));
        assertEquals(5, r.interval());
        assertTrue(r.peers().isEmpty());
    }

    @Test
    void failureReason() throws ProtocolException {
        TrackerAnnounceResponse r = HttpAnnounceClient.parseResponse(
                ascii("d14:failure reason17:unknown info_hash8:intervali300ee"));
        assertTrue(r.failed());
        assertEquals("unknown info_hash", r.failureReason());
        assertEquals(300, r.interval());
        assertTrue(r.peers().isEmpty());
    }

    @Test
    void malformedResponsesAreErrors() {
        String[] bad = {
            "le", //                                   not a dict
            "d8:intervali5ee", //                      neither peers nor failure reason
            "d8:intervali-5e5:peers0:e", //             negative interval
            "d8:intervali2147483648e5:peers0:e", //     interval beyond int
            "d5:peers5:abcdee", //                      half a compact peer
            "d6:peers67:abcdefge", //                   not whole IPv6 records
            "<html>502 Bad Gateway</html>", //          not bencode at all
            "", //                                      empty body
        };
        for (String b : bad) {
            assertThrows(ProtocolException.class, () -> HttpAnnounceClient.parseResponse(ascii(b)), b);
        }
    }

    @Test
    void onlyProtocolExceptionsForAnyBody() {
        byte[] valid = concat(ascii("d8:completei2e10:incompletei1e8:intervali1800e5:peersld2:ip9:127.0.0.14:port"
                + "i1eee6:peers618:"), hex("20010db8000000000000000000000001 1ae2"), ascii("e"));
        TestBytes.sweep(valid, 3000, 200, 11, HttpAnnounceClient::parseResponse);
    }
}

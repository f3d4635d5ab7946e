package dev.swarm.protocol.http;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.concat;
import static dev.swarm.protocol.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golden bencoded responses; each is also checked to be canonical (strict decoding accepts it). */
class HttpResponsesTest {

    static final byte[] PEERS4 = hex(
            "7f000001 1ae1", // peer 1: 127.0.0.1 port 6881
            "c0a80102 c8d5"); // peer 2: 192.168.1.2 port 51413
    static final byte[] PEERS6 = hex("20010db8000000000000000000000001 1ae2"); // 2001:db8::1 port 6882

    private static byte[] write(java.util.function.Consumer<ByteSink> writer) throws ProtocolException {
        ByteSink sink = new ByteSink(4096);
        writer.accept(sink);
        byte[] out = sink.toByteArray();
        Bencode.decode(out, BencodeLimits.DEFAULT); // canonical: sorted keys, no leading zeros
        return out;
    }

    @Test
    void compactAnnounceWithEveryOptionalKey() throws ProtocolException {
        byte[] out = write(s -> HttpResponses.announce(s, 1800, 900, 5, 3, PEERS4, 12, PEERS6, 18,
                hex("cb007101"), "slow down", true));
        byte[] expected = concat(
                ascii("d"),
                ascii("8:complete" + "i5e"), // BEP 3 scrape-style counts in announce: seeders
                ascii("11:external ip" + "4:"), hex("cb007101"), // BEP 24: requester's address, raw 4 bytes
                ascii("10:incomplete" + "i3e"), // leechers
                ascii("8:interval" + "i1800e"), // BEP 3: seconds between announces
                ascii("12:min interval" + "i900e"), // de-facto: minimum seconds between announces
                ascii("5:peers" + "12:"), PEERS4, // BEP 23: compact IPv4 peers, 6 bytes each
                ascii("6:peers6" + "18:"), PEERS6, // BEP 7: compact IPv6 peers, 18 bytes each
                ascii("15:warning message" + "9:slow down"), // BEP 3 (tracker extension): warning
                ascii("e"));
        assertArrayEquals(expected, out);
    }

    @Test
    void minimalCompactAnnounceAlwaysHasPeers() throws ProtocolException {
        byte[] out = write(s -> HttpResponses.announce(s, 1800, 0, 0, 0, new byte[0], 0, null, 0, null, null, true));
        // no min interval (0), no peers6 (empty), no external ip, no warning; peers is an empty string
        assertEquals("d8:completei0e10:incompletei0e8:intervali1800e5:peers0:e",
                new String(out, StandardCharsets.ISO_8859_1));
    }

    /**
     * Issue 10 (1): an IPv6 client's compact answer has no IPv4 records, and the frontend passes null for them. It used
     * to throw a NullPointerException (HTTP 500); it must be an empty {@code peers} beside {@code peers6}.
     */
    @Test
    void ipv6ClientCompactAnswerWithNullIpv4Peers() throws ProtocolException {
        byte[] out = write(s -> HttpResponses.announce(s, 1800, 0, 1, 0, null, 0, PEERS6, 18, null, null, true));
        byte[] expected = concat(
                ascii("d8:completei1e10:incompletei0e8:intervali1800e"),
                ascii("5:peers0:"), // BEP 7: peers stays (empty) so that BEP 23-only clients still parse the answer
                ascii("6:peers6" + "18:"), PEERS6,
                ascii("e"));
        assertArrayEquals(expected, out);
        byte[] alone = write(s -> HttpResponses.announce(s, 1800, 0, 0, 0, null, 0, null, 0, null, null, true));
        assertEquals("d8:completei0e10:incompletei0e8:intervali1800e5:peers0:e",
                new String(alone, StandardCharsets.ISO_8859_1), "an IPv6 client alone in its swarm");
        byte[] dict = write(s -> HttpResponses.announce(s, 1800, 0, 1, 0, null, 0, PEERS6, 18, null, null, false));
        assertEquals("d8:completei1e10:incompletei0e8:intervali1800e5:peersld2:ip11:2001:db8::14:porti6882eeee",
                new String(dict, StandardCharsets.ISO_8859_1), "dictionary model, IPv6 client");
    }

    @Test
    void nullPeerBytesWithALengthAreACallerBug() {
        ByteSink s = new ByteSink(4096);
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.announce(s, 1, 0, 0, 0, null, 6, null, 0, null, null, true));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.announce(s, 1, 0, 0, 0, null, 0, null, 18, null, null, true));
    }

    @Test
    void dictionaryModelListsBothFamiliesWithoutPeerIds() throws ProtocolException {
        byte[] out = write(s -> HttpResponses.announce(s, 60, 0, 1, 2, PEERS4, 12, PEERS6, 18, null, null, false));
        // BEP 3 dictionary model: peers = list of {ip: text, port: int}; IPv6 peers share the list
        String expected = "d8:completei1e10:incompletei2e8:intervali60e5:peersl"
                + "d2:ip9:127.0.0.14:porti6881ee"
                + "d2:ip11:192.168.1.24:porti51413ee"
                + "d2:ip11:2001:db8::14:porti6882ee"
                + "ee";
        assertEquals(expected, new String(out, StandardCharsets.ISO_8859_1));
        BList peers = ((BDict) Bencode.decode(out, BencodeLimits.DEFAULT)).list("peers");
        assertEquals(3, peers.size());
    }

    @Test
    void usesOnlyTheGivenPeerBytes() throws ProtocolException {
        byte[] out = write(s -> HttpResponses.announce(s, 1, 0, 0, 0, PEERS4, 6, PEERS6, 0, null, null, true));
        assertArrayEquals(hex("7f000001 1ae1"), ((BDict) Bencode.decode(out, BencodeLimits.DEFAULT)).bytes("peers"));
    }

    @Test
    void ipv6ExternalIpAndUtf8Warning() throws ProtocolException {
        byte[] ip6 = hex("20010db8000000000000000000000099");
        byte[] out = write(s -> HttpResponses.announce(s, 1, 0, 0, 0, new byte[0], 0, null, 0, ip6, "caf\u00e9", true));
        BDict d = (BDict) Bencode.decode(out, BencodeLimits.DEFAULT);
        assertArrayEquals(ip6, d.bytes("external ip"));
        assertEquals("caf\u00e9", d.string("warning message"));
    }

    @Test
    void rejectsPartialRecordsAndOddAddresses() {
        ByteSink s = new ByteSink(4096);
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.announce(s, 1, 0, 0, 0, PEERS4, 7, null, 0, null, null, true));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.announce(s, 1, 0, 0, 0, PEERS4, 0, PEERS6, 17, null, null, true));
        assertThrows(IllegalArgumentException.class,
                () -> HttpResponses.announce(s, 1, 0, 0, 0, PEERS4, 0, null, 0, new byte[5], null, true));
    }

    @Test
    void failureReason() throws ProtocolException {
        byte[] out = write(s -> HttpResponses.failure(s, "invalid info_hash"));
        // BEP 3: a failure response is a dict with only "failure reason"
        assertEquals("d14:failure reason17:invalid info_hashe", new String(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void scrapeSortsByUnsignedHashAndWritesDuplicatesOnce() throws ProtocolException {
        byte[] high = new byte[20];
        high[0] = (byte) 0x80; // sorts after 0x7f.. as an unsigned byte
        byte[] low = new byte[20];
        low[0] = 0x7f;
        byte[][] hashes = {high, low, high.clone()};
        byte[] out = write(s -> HttpResponses.scrape(s, hashes, new long[] {1, 4, 7}, new long[] {2, 5, 8},
                new long[] {3, 6, 9}, 3));
        byte[] expected = concat(
                ascii("d5:filesd"), // BEP 48: files = dict keyed by raw 20-byte info-hash
                ascii("20:"), low, ascii("d8:completei4e10:downloadedi5e10:incompletei6ee"),
                ascii("20:"), high, ascii("d8:completei1e10:downloadedi2e10:incompletei3ee"), // first duplicate
                ascii("ee"));
        assertArrayEquals(expected, out);
    }

    @Test
    void scrapeOfNothingAndOfMany() throws ProtocolException {
        assertEquals("d5:filesdee", new String(write(s -> HttpResponses.scrape(s, new byte[0][], new long[0],
                new long[0], new long[0], 0)), StandardCharsets.ISO_8859_1));
        int n = 200;
        Random rnd = new Random(3);
        byte[][] hashes = new byte[n][20];
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            rnd.nextBytes(hashes[i]);
            hashes[i][0] = (byte) (i % 4); // many shared prefixes
            c[i] = i;
        }
        ByteSink sink = new ByteSink(1 << 16);
        HttpResponses.scrape(sink, hashes, c, c, c, n);
        BDict files = ((BDict) Bencode.decode(sink.toByteArray(), BencodeLimits.DEFAULT)).dict("files");
        assertEquals(n, files.size(), "strict decoding proves the keys are sorted and unique");
        for (int i = 0; i < n; i++) {
            assertEquals((long) i, files.dict(BDict.key(hashes[i])).integer("complete"));
        }
        assertThrows(IllegalArgumentException.class, () -> HttpResponses.scrape(sink, new byte[][] {new byte[19]},
                c, c, c, 1));
    }
}

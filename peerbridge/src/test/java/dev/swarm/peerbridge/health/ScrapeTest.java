package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.Bencode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrapeTest {
    @Test
    void scrapeUrlFollowsBep48() {
        assertEquals("http://t.example/scrape", Scrape.scrapeUrl("http://t.example/announce"));
        assertEquals("http://t.example/x/scrape.php?k=1", Scrape.scrapeUrl("http://t.example/x/announce.php?k=1"));
        assertEquals("https://t.example:8443/p/scrape", Scrape.scrapeUrl("https://t.example:8443/p/announce"));
        assertNull(Scrape.scrapeUrl("http://t.example/a"), "last segment does not begin with announce");
        assertNull(Scrape.scrapeUrl("http://t.example/announce/x"));
        assertNull(Scrape.scrapeUrl("http://t.example"));
    }

    @Test
    void queryPercentEncodesEveryByte() {
        byte[] h = new byte[20];
        h[0] = (byte) 0xAB;
        h[19] = 0x20;
        String q = Scrape.query(List.of(h, h));
        assertTrue(q.startsWith("info_hash=%AB%00"), q);
        assertEquals(2 * ("info_hash=".length() + 60) + 1, q.length());
    }

    @Test
    void parseSumsTheTorrentsAskedFor() throws Exception {
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        b[0] = 1;
        byte[] c = new byte[20];
        c[0] = 2;
        BDict files = BDict.builder()
                .put(BDict.key(a), BDict.builder().put("complete", 3).put("incomplete", 4).put("downloaded", 5).build())
                .put(BDict.key(b), BDict.builder().put("complete", 1).put("incomplete", 0).put("downloaded", 9).build())
                .build();
        byte[] body = Bencode.encode(BDict.builder().put("files", files).build());
        Scrape.Figures f = Scrape.parse(body, List.of(a, b, c));
        assertEquals(new Scrape.Figures(4, 4, 14, 2), f);
    }

    @Test
    void failureAndGarbageAreErrorsNotZeroes() {
        byte[] failure = Bencode.encode(BDict.builder().put("failure reason", "no scrape here").build());
        ProtocolException e = assertThrows(ProtocolException.class, () -> Scrape.parse(failure, List.of(new byte[20])));
        assertTrue(e.getMessage().contains("no scrape here"), e.getMessage());
        assertThrows(ProtocolException.class, () -> Scrape.parse("<html>".getBytes(), List.of(new byte[20])));
        assertThrows(ProtocolException.class, () -> Scrape.parse("de".getBytes(), List.of(new byte[20])));
    }
}

package dev.swarm.peerbridge.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.torrent.Metainfo;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rewritten .torrent keeps the info dictionary byte for byte (same info-hash) and carries the ranked tiers. */
@Timeout(10)
class TorrentRewriterTest {
    static byte[] libtorrentFile() throws Exception {
        try (InputStream in = TorrentRewriterTest.class.getResourceAsStream(
                "/dev/swarm/peerbridge/torrent/TorrentInputFuzzTestInputs/metainfo/libtorrent_v1.torrent")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFileWrittenByLibtorrentKeepsItsInfoHashAndGetsTheRankedTiers() throws Exception {
        byte[] original = libtorrentFile();
        TorrentSpec before = Metainfo.parse(original, "libtorrent");
        List<List<String>> tiers = List.of(List.of("udp://best.example:6969/announce"),
                List.of("http://second.example/announce?passkey=A&b=c"), List.of("https://x.example/a", "http://y.example/b"));
        byte[] rewritten = TorrentRewriter.rewrite(original, tiers);
        TorrentSpec after = Metainfo.parse(rewritten, "rewritten");
        assertEquals(before.infoHash(), after.infoHash());
        assertEquals(tiers, after.tiers());
        assertEquals(before.pieceCount(), after.pieceCount());
        assertEquals(before.name(), after.name());
        String text = new String(rewritten, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("d8:announce32:udp://best.example:6969/announce13:announce-listll"), text);
    }

    @Test
    void noTiersMeansNoAnnounceKeysAndOtherKeysStayInSortedOrder() throws Exception {
        byte[] original = "d8:announce9:http://a/13:creation datei1e4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:01234567890123456789ee"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] rewritten = TorrentRewriter.rewrite(original, List.of());
        assertArrayEquals("d13:creation datei1e4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:01234567890123456789ee"
                .getBytes(StandardCharsets.ISO_8859_1), rewritten);
        byte[] again = TorrentRewriter.rewrite(original, List.of(List.of("http://b/"), List.of()));
        String text = new String(again, StandardCharsets.ISO_8859_1);
        assertEquals("d8:announce9:http://b/13:announce-listll9:http://b/ee13:creation datei1e4:info", text.substring(0, text.indexOf("4:info") + 6));
        assertEquals(Metainfo.parse(original, "o").infoHash(), Metainfo.parse(again, "a").infoHash());
        assertFalse(text.contains("http://a/"));
    }

    @Test
    void notADictionaryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TorrentRewriter.rewrite("li1ee".getBytes(StandardCharsets.US_ASCII), List.of()));
        assertThrows(IllegalArgumentException.class, () -> TorrentRewriter.rewrite("d4:info".getBytes(StandardCharsets.US_ASCII), List.of()));
        assertThrows(IllegalArgumentException.class, () -> TorrentRewriter.rewrite("di1ei2ee".getBytes(StandardCharsets.US_ASCII), List.of()));
    }
}

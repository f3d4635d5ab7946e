package dev.swarm.peerbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorrentInputsTest {
    static final String HEX = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String str(String s) {
        return s.length() + ":" + s;
    }

    /** BEP 3 metainfo with BEP 12 announce-list and BEP 27 private flag; info keys deliberately non-canonical. */
    static byte[] torrent(String info) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // announce, announce-list [[http://a.org:1/announce], [udp://b.org:2/ann]], then info
        out.writeBytes(ascii("d8:announce" + str("http://a.org:1/announce") + "13:announce-listll" + str("http://a.org:1/announce")
                + "el" + str("udp://b.org:2/ann") + "ee"));
        out.writeBytes(ascii("4:info"));
        out.writeBytes(ascii(info));
        out.writeBytes(ascii("e"));
        return out.toByteArray();
    }

    static final String INFO = "d6:lengthi5e4:name1:x12:piece lengthi16384e6:pieces40:" + "a".repeat(40) + "7:privatei1ee";

    @Test
    void infoHashIsTheSha1OfTheRawInfoBytes() throws Exception {
        // a non-canonical info dict (keys out of order): re-encoding would change the hash
        String messy = "d4:name1:x6:lengthi5e12:piece lengthi16384e6:pieces20:" + "b".repeat(20) + "e";
        TorrentSpec s = Metainfo.parse(torrent(messy), "t");
        byte[] expected = MessageDigest.getInstance("SHA-1").digest(ascii(messy));
        assertEquals(HexFormat.of().formatHex(expected), s.infoHash().toHex());
        assertEquals(1, s.pieceCount());
        assertEquals("x", s.name());
    }

    @Test
    void readsTiersAndPrivateFlag() throws Exception {
        TorrentSpec s = Metainfo.parse(torrent(INFO), "t");
        assertEquals(List.of(List.of("http://a.org:1/announce"), List.of("udp://b.org:2/ann")), s.tiers());
        assertTrue(s.isPrivate());
        assertEquals(2, s.pieceCount());
    }

    @Test
    void badTorrentsAreClearErrors() {
        String[] bad = {"", "le", "d8:announce1:xe", "d4:infoi1ee", "d4:infod6:pieces3:abcee", "d4:info", "x"};
        for (String b : bad) {
            assertThrows(TorrentInputException.class, () -> Metainfo.parse(ascii(b), "t"), b);
        }
    }

    @Test
    void everyPrefixAndMutationParsesOrThrowsTorrentInputException() {
        byte[] good = torrent(INFO);
        Random rnd = new Random(9);
        for (int n = 0; n <= good.length; n++) {
            for (int round = 0; round < 10; round++) {
                byte[] b = java.util.Arrays.copyOf(good, n);
                if (n > 0 && round > 0) {
                    b[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
                }
                try {
                    Metainfo.parse(b, "t");
                } catch (TorrentInputException expected) {
                    // the only exception allowed
                }
            }
        }
    }

    @Test
    void magnetWithHexBase32TrackersAndPeers() throws Exception {
        TorrentSpec m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&dn=Some+name%21&tr=udp%3A%2F%2Ft.org%3A6969%2Fannounce"
                + "&tr=http%3A%2F%2Fu.org%2Fa&x.pe=127.0.0.1:6881&x.pe=[::1]:6882&foo=bar");
        assertEquals(HEX, m.infoHash().toHex());
        assertEquals("Some+name!", m.name());
        assertEquals(List.of(List.of("udp://t.org:6969/announce", "http://u.org/a")), m.tiers());
        assertEquals(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 6881), InetSocketAddress.createUnresolved("::1", 6882)),
                m.peers());
        // the same hash in base32 (RFC 4648)
        TorrentSpec b32 = MagnetLink.parse("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK");
        assertEquals(HEX, b32.infoHash().toHex());
    }

    @Test
    void badMagnetsAreClearErrors() {
        String[] bad = {"http://x", "magnet:?dn=x", "magnet:?xt=urn:btih:123", "magnet:?xt=urn:btih:" + "z".repeat(40),
                "magnet:?xt=urn:btih:" + "1".repeat(32), "magnet:?xt=urn:btih:" + HEX + "&x.pe=nohost",
                "magnet:?xt=urn:btih:" + HEX + "&tr=%zz", "magnet:?xt=urn:btih:" + HEX + "&x.pe=h:0"};
        for (String b : bad) {
            assertThrows(TorrentInputException.class, () -> MagnetLink.parse(b), b);
        }
    }

    @Test
    void linesAndWatchedFiles(@TempDir Path dir) throws Exception {
        TorrentSpec s = TorrentInputs.line(HEX + " udp://t.org:1/a http://u.org/b", "cfg");
        assertEquals(List.of(List.of("udp://t.org:1/a", "http://u.org/b")), s.tiers());
        Files.write(dir.resolve("a.torrent"), torrent(INFO));
        Files.writeString(dir.resolve("b.magnet"), "# comment\nmagnet:?xt=urn:btih:" + HEX + "\n\nbogus line\n");
        Files.writeString(dir.resolve("c.other"), "ignored");
        List<String> errors = new ArrayList<>();
        assertEquals(1, TorrentInputs.file(dir.resolve("a.torrent"), errors).size());
        assertEquals(1, TorrentInputs.file(dir.resolve("b.magnet"), errors).size());
        assertEquals(0, TorrentInputs.file(dir.resolve("c.other"), errors).size());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("b.magnet:4"), errors.get(0));
    }
}

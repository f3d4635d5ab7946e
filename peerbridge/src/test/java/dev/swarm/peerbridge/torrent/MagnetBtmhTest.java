package dev.swarm.peerbridge.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** BEP 9/52: a hybrid magnet's {@code xt=urn:btmh:1220<sha256>} is kept to check fetched metadata. */
class MagnetBtmhTest {
    private static final String V1 = "631a31dd0a46257d5078c0dee4e66e26f73e42ac";
    private static final String V2 = "d8dd32ac93357c368556af3ac1d95c9d76bd0dff6fa9833ecdac3d53134efabb";

    @Test
    void hybridMagnetKeepsBothHashes() throws Exception {
        TorrentSpec s = TorrentInputs.line("magnet:?xt=urn:btih:" + V1 + "&xt=urn:btmh:1220" + V2 + "&dn=x", "test");
        assertEquals(V1, s.infoHash().toHex());
        assertArrayEquals(HexFormat.of().parseHex(V2), s.v2Hash());
        assertNull(TorrentInputs.line("magnet:?xt=urn:btih:" + V1, "test").v2Hash());
    }

    @Test
    void badBtmhIsAClearError() {
        for (String bad : new String[] {"1114" + V2, "1220" + V2.substring(2), "1220" + V2.replace('d', 'x')}) {
            TorrentInputException e = assertThrows(TorrentInputException.class,
                    () -> MagnetLink.parse("magnet:?xt=urn:btih:" + V1 + "&xt=urn:btmh:" + bad));
            assertEquals(true, e.getMessage().startsWith("btmh"), e.getMessage());
        }
    }
}

package dev.swarm.peerbridge.torrent;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer targets for the torrent input parsers (.torrent bytes, magnet links). {@code mvn test}
 * replays {@code TorrentInputFuzzTestInputs/<method>/}; {@code -Djazzer.fuzz=1 -Dtest=TorrentInputFuzzTest#<method>}
 * fuzzes. Only {@link TorrentInputException} may escape the parsers.
 */
class TorrentInputFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void metainfo(byte[] data) {
        try {
            Metainfo.parse(data, "fuzz");
        } catch (TorrentInputException expected) {
            // bad input
        }
    }

    @FuzzTest(maxDuration = "60s")
    void magnet(byte[] data) {
        try {
            TorrentInputs.line(new String(data, StandardCharsets.UTF_8), "fuzz");
        } catch (TorrentInputException expected) {
            // bad input
        }
    }
}

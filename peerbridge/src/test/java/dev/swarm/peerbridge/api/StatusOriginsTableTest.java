package dev.swarm.peerbridge.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The {@code status} table shows, per peer, where it was learned first (issue 13, sources side by side). */
class StatusOriginsTableTest {
    @Test
    void peersAndKnownPeersShowTheirFirstSource() throws Exception {
        JsonNode status = new ObjectMapper().readTree("""
                {"peerId": "-PB0010-x", "listen": "127.0.0.1:6881", "connections": 2, "torrents": [{
                  "infoHash": "0123456789abcdef0123456789abcdef01234567", "name": "", "trackers": [],
                  "peers": [
                    {"address": "127.0.0.2:40000", "listen": "127.0.0.2:6881", "incoming": true, "seed": true,
                     "client": "libtorrent/2.0.8.0", "origin": "dht"},
                    {"address": "127.0.0.3:6881", "listen": "127.0.0.3:6881", "incoming": false, "seed": false,
                     "client": null, "origin": "lt_tex udp://t:1/announce"}],
                  "peerOrigins": [{"address": "127.0.0.2:6881", "origin": "dht"}, {"address": "127.0.0.4:1", "origin": "dht"},
                    {"address": "127.0.0.3:6881", "origin": "lt_tex udp://t:1/announce"}, {"address": "127.0.0.5:1", "origin": "pex"}]}]}
                """);
        String table = ApiClient.statusTable(status);
        assertTrue(table.contains("peers of 0123456789abcdef0123456789abcdef01234567"), table);
        assertTrue(table.matches("(?s).*127\\.0\\.0\\.2:6881\\s+in\\s+yes\\s+libtorrent/2\\.0\\.8\\.0\\s+dht\\n.*"), table);
        assertTrue(table.matches("(?s).*127\\.0\\.0\\.3:6881\\s+out\\s+no\\s+-\\s+lt_tex udp://t:1/announce\\n.*"), table);
        assertTrue(table.contains("known peers by first source: dht 2, lt_tex udp://t:1/announce 1, pex 1\n"), table);
    }
}

package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 5: tracker exchange from nothing. A DHT of ten python3-libtorrent nodes on
 * loopback, one seeding a torrent without tracker. Bridge B2 knows tracker T (this project's
 * tracker, in-process) for that torrent and is not read-only, so it announces itself on the DHT.
 * Bridge B1 starts from {@code magnet:?xt=urn:btih:<hash>} only and a read-only DHT node: it finds
 * the seeder and B2 over the DHT, fetches and verifies the metadata, learns T from B2 over
 * {@code lt_tex}, verifies T with an announce, and ranks T beside the {@code dht} and {@code pex}
 * sources; per peer it says where each was learned first.
 */
@Timeout(180)
class FromNothingTest {
    @TempDir
    Path dir;

    private static Bridge bridge(String address, String bootstrap, boolean readOnly, Path stateFile) throws Exception {
        BridgeConfig c = ConfigLoader.parse("""
                data-dir: "%s"
                listen: %s:0
                api: ""
                connections:
                  redial-delay: 1s
                  handshake-timeout: 5s
                trackers:
                  announce-timeout: 2s
                  min-interval: 1s
                  udp-bind: 127.0.0.1:0
                tex:
                  initial-delay: 0s
                  interval: 1s
                  allow-private-addresses: true
                dht:
                  bootstrap: ["%s"]
                  listen: %s:0
                  read-only: %s
                  state-file: "%s"
                  lookup-interval: 2s
                  query-timeout: 1s
                """.formatted(Bridges.dataDir(), address, bootstrap, address, readOnly, stateFile));
        return Bridge.start(c);
    }

    @Test
    void bareMagnetToARankedTrackerLearnedOverLtTex() throws Exception {
        try (LibtorrentDht lt = new LibtorrentDht(dir, 10);
                InProcessTracker t = InProcessTracker.fastAnnounces(dir.resolve("tracker"));
                Bridge b2 = bridge("127.0.0.31", lt.nodes.get(2), false, dir.resolve("b2.txt"));
                Bridge b1 = bridge("127.0.0.30", lt.nodes.get(6), true, dir.resolve("b1.txt"))) {
            String ih = lt.infoHash;
            String url = t.httpUrl();
            assertNull(b2.addTorrent(TorrentInputs.line("magnet:?xt=urn:btih:" + ih + "&tr=" + url, "test")));
            await("B2 verified T", 30_000, () -> "verified".equals(Bridges.status(b2, ih, url)));

            assertNull(b1.addTorrent(TorrentInputs.line("magnet:?xt=urn:btih:" + ih, "test")));
            assertEquals(List.of(), Bridges.torrent(b1, ih).get("trackers"), "B1 starts with no tracker at all");
            String b2Address = "127.0.0.31:" + b2.listenAddress().getPort();
            await("B1 found B2 over the DHT, learned T over lt_tex and verified it", 90_000,
                    () -> "verified".equals(Bridges.status(b1, ih, url)));
            @SuppressWarnings("unchecked")
            Map<String, Object> learned = Bridges.tracker(b1, ih, url);
            assertEquals("learned", learned.get("origin"), "T came over lt_tex, not from the magnet");
            await("B1 has the metadata and counts the libtorrent seeder as a seed", 60_000, () ->
                    ((Number) Bridges.torrent(b1, ih).get("pieceCount")).intValue() > 0
                            && Bridges.peers(b1, ih).stream().map(o -> (PeerConnection.View) o)
                                    .anyMatch(v -> v.seed() && lt.seeder.equals(v.listen())));

            Map<String, Object> b2Origin = origin(b1, ih, b2Address);
            assertTrue(b2Origin != null && "dht".equals(b2Origin.get("origin")), "B2 learned first over the DHT: " + b2Origin);
            Map<String, Object> seederOrigin = origin(b1, ih, lt.seeder);
            assertTrue(seederOrigin != null && ((List<?>) seederOrigin.get("sources")).contains("dht"),
                    "the seeder came from the DHT: " + seederOrigin);

            await("T ranked beside the dht and pex sources", 60_000, () -> {
                Set<String> rows = rank(b1, ih).stream().map(TrackerRanking.Rank::url).collect(Collectors.toSet());
                return rows.containsAll(Set.of(url, "dht", "pex"));
            });
            for (TrackerRanking.Rank r : rank(b1, ih)) {
                if (r.url().equals(url)) {
                    // T answered; it returns no peer here: bridges announce with event=paused, which this
                    // project's tracker answers without listing the peer
                    assertTrue(r.successes() >= 1, "T answered B1's announces: " + r);
                    assertTrue(TrackerRanking.isTracker(r.url()));
                } else {
                    assertTrue(r.distinctPeers() >= 1, "the " + r.url() + " source returned peers: " + r);
                    assertEquals(0, r.attempts(), "a non-tracker source has no announces: " + r);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<TrackerRanking.Rank> rank(Bridge b, String ih) {
        return (List<TrackerRanking.Rank>) Bridges.torrent(b, ih).get("ranking");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> origin(Bridge b, String ih, String address) {
        for (Object o : (List<Object>) Bridges.torrent(b, ih).get("peerOrigins")) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (address.equals(m.get("address"))) {
                return m;
            }
        }
        return null;
    }
}

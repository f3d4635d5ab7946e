package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.swarm.peerbridge.peers.PeerOrigin;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import dev.swarm.protocol.InfoHash;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sources side by side: peers offered by the DHT and PEX through {@link Bridge#offerPeers} and
 * returned by a real (loopback) tracker are remembered with where each was learned first and which
 * sources returned it, and the ranking counts each source's peers and the peers only it returned.
 */
class PeerOriginsTest {
    private static final String IH = "0123456789abcdef0123456789abcdef01234567";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void originsAndSourcesSideBySide() throws Exception {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1001);
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", 1002);
        InetSocketAddress c = new InetSocketAddress("127.0.0.1", 1003);
        try (MiniTracker tracker = new MiniTracker()) {
            byte[] ih = HexFormat.of().parseHex(IH);
            tracker.announce(ih, a);
            tracker.announce(ih, b);
            String url = tracker.httpUrl();
            try (Bridge bridge = Bridges.start(IH + " " + url, "")) {
                InfoHash key = InfoHash.of(ih);
                assertEquals(2, bridge.offerPeers(key, List.of(b, c), PeerOrigin.DHT));
                assertEquals(0, bridge.offerPeers(key, List.of(c, InetSocketAddress.createUnresolved("x", 1)),
                        PeerOrigin.PEX));
                assertEquals(-1, bridge.offerPeers(InfoHash.of(new byte[20]), List.of(a), PeerOrigin.DHT));
                await("tracker verified", 10_000, () -> "verified".equals(Bridges.status(bridge, IH, url)));

                Map<String, Map<String, Object>> origins = origins(bridge);
                assertEquals(Map.of("origin", url, "sources", List.of(url)), pick(origins.get("127.0.0.1:1001")));
                assertEquals(Map.of("origin", "dht", "sources", List.of("dht", url)), pick(origins.get("127.0.0.1:1002")));
                assertEquals(Map.of("origin", "dht", "sources", List.of("dht", "pex")), pick(origins.get("127.0.0.1:1003")));

                @SuppressWarnings("unchecked")
                List<TrackerRanking.Rank> rank = (List<TrackerRanking.Rank>) Bridges.torrent(bridge, IH).get("ranking");
                Map<String, List<Integer>> bySource = new LinkedHashMap<>();
                for (TrackerRanking.Rank r : rank) {
                    bySource.put(r.url(), List.of(r.distinctPeers(), r.uniquePeers()));
                }
                // tracker: a and b, a only from it; dht: b and c, none only from it; pex: c, also from dht
                assertEquals(Map.of(url, List.of(2, 1), "dht", List.of(2, 0), "pex", List.of(1, 0)), bySource);
                assertEquals(List.of(url, "dht", "pex"), rank.stream().map(TrackerRanking.Rank::url).toList());
                assertEquals(List.of(true, false, false),
                        rank.stream().map(r -> TrackerRanking.isTracker(r.url())).toList());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> origins(Bridge bridge) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : (List<Object>) Bridges.torrent(bridge, IH).get("peerOrigins")) {
            Map<String, Object> m = (Map<String, Object>) o;
            out.put((String) m.get("address"), m);
        }
        return out;
    }

    private static Map<String, Object> pick(Map<String, Object> m) {
        return Map.of("origin", m.get("origin"), "sources", m.get("sources"));
    }
}

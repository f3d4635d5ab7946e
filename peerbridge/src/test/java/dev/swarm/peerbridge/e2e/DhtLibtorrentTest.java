package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.dht.DhtNode;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's DHT node among ten python3-libtorrent 2.0 DHT nodes on loopback (127.0.0.2..11),
 * bootstrapped from each other only; libtorrent node 0 seeds a torrent that lists no tracker.
 */
@Timeout(120)
class DhtLibtorrentTest {
    @TempDir
    Path dir;

    private static Bridge bridge(String address, String bootstrap, boolean readOnly, Path stateFile) throws Exception {
        BridgeConfig c = ConfigLoader.parse("""
                listen: %s:0
                api: ""
                connections:
                  redial-delay: 1s
                trackers:
                  udp-bind: 127.0.0.1:0
                dht:
                  bootstrap: ["%s"]
                  listen: %s:0
                  read-only: %s
                  state-file: "%s"
                  lookup-interval: 2s
                  query-timeout: 1s
                """.formatted(address, bootstrap, address, readOnly, stateFile));
        return Bridge.start(c);
    }

    private static List<PeerConnection.View> views(Bridge b, String ih) {
        return Bridges.peers(b, ih).stream().map(o -> (PeerConnection.View) o).toList();
    }

    private static List<String> connectedAddresses(Bridge b, String ih) {
        List<String> out = new ArrayList<>();
        for (Object o : Bridges.peers(b, ih)) {
            out.add(((PeerConnection.View) o).address());
        }
        return out;
    }

    /** The sources that returned the known peer {@code address} ("dht", "pex", tracker URLs...). */
    @SuppressWarnings("unchecked")
    private static List<String> sources(Bridge b, String ih, String address) {
        for (Object o : (List<Object>) Bridges.torrent(b, ih).get("peerOrigins")) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (address.equals(m.get("address"))) {
                return (List<String>) m.get("sources");
            }
        }
        return List.of();
    }

    private static List<String> seeds(Bridge b, String ih) {
        List<String> out = new ArrayList<>();
        for (Object o : Bridges.peers(b, ih)) {
            PeerConnection.View v = (PeerConnection.View) o;
            if (v.seed()) {
                out.add(v.address());
            }
        }
        return out;
    }

    @Test
    void bareMagnetFindsTheSeederAndALaterLeecherOverTheDhtAndTheTableSurvivesARestart() throws Exception {
        Path state = dir.resolve("dht-state.txt");
        try (LibtorrentDht lt = new LibtorrentDht(dir, 10)) {
            byte[] idBefore;
            try (Bridge b = bridge("127.0.0.20", lt.nodes.get(3), true, state)) {
                assertNull(b.addTorrent(TorrentInputs.line("magnet:?xt=urn:btih:" + lt.infoHash, "test")));
                await("the bridge connects to the seeder " + lt.seeder + " found over the DHT", 30_000,
                        () -> connectedAddresses(b, lt.infoHash).contains(lt.seeder));
                // with the metadata fetched over ut_metadata (BEP 9) the piece count is known: a seed by its bitfield
                await("the seeder, found from a bare magnet, is counted as a seed", 30_000,
                        () -> seeds(b, lt.infoHash).contains(lt.seeder));
                assertEquals(List.of("dht"), sources(b, lt.infoHash, lt.seeder), "the seeder came from the DHT");
                // a libtorrent leecher joining later (from the bare magnet, over the DHT) is found too
                String leecher = lt.leech();
                await("the later leecher " + leecher + " is found", 30_000,
                        () -> !sources(b, lt.infoHash, leecher).isEmpty());
                List<String> from = sources(b, lt.infoHash, leecher);
                assertTrue(from.contains("dht") || from.contains("pex"), "the leecher came from the DHT or PEX: " + from);
                DhtNode.Status s = b.dht().status();
                assertTrue(s.readOnly());
                assertTrue(s.nodes() >= 3, "libtorrent nodes in the bridge's table: " + s);
                assertTrue(s.peersFound().get(lt.infoHash) >= 1, "peers found: " + s);
                idBefore = b.dht().nodeId();
            }
            List<String> lines = Files.readAllLines(state);
            assertTrue(lines.get(0).startsWith("id "), lines.toString());
            assertTrue(lines.stream().filter(l -> l.startsWith("node ")).count() >= 3, "saved table: " + lines);

            // restarted with a bootstrap node that does not answer: the saved nodes are enough to join again
            try (Bridge b = bridge("127.0.0.20", "127.0.0.1:9", true, state)) {
                assertTrue(java.util.Arrays.equals(idBefore, b.dht().nodeId()), "same node id after the restart");
                await("the saved libtorrent nodes answer again", 20_000, () -> b.dht().status().nodes() >= 3);
                assertNull(b.addTorrent(TorrentInputs.line("magnet:?xt=urn:btih:" + lt.infoHash, "test")));
                await("the seeder is found again", 30_000, () -> connectedAddresses(b, lt.infoHash).contains(lt.seeder));
            }
        }
    }

    @Test
    void anAnsweringNodeJoinsLibtorrentsTablesAndAReadOnlyOneDoesNot() throws Exception {
        try (LibtorrentDht lt = new LibtorrentDht(dir, 10);
                Bridge answering = bridge("127.0.0.21", lt.nodes.get(4), false, dir.resolve("a.txt"));
                Bridge readOnly = bridge("127.0.0.22", lt.nodes.get(5), true, dir.resolve("b.txt"))) {
            InetSocketAddress a = answering.dht().address();
            InetSocketAddress r = readOnly.dht().address();
            await("both bridges joined", 20_000,
                    () -> answering.dht().status().nodes() >= 3 && readOnly.dht().status().nodes() >= 3);
            assertTrue(lt.inTables(lt.node(1)) >= 1, "control: libtorrent's own nodes are in its tables");
            lt.addNode(a);
            lt.addNode(r);
            await("libtorrent adds the answering bridge to its routing tables", 20_000, () -> {
                try {
                    return lt.inTables(a) >= 3;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            DhtNode.Status as = answering.dht().status();
            assertTrue(as.queriesIn() > 0 && as.answered() > 0, "the answering bridge answered libtorrent: " + as);
            assertEquals(0, lt.inTables(r), "a read-only bridge is in no libtorrent routing table");
            DhtNode.Status rs = readOnly.dht().status();
            assertEquals(0, rs.answered(), "a read-only bridge answers nothing: " + rs);
            assertTrue(rs.queriesIn() > 0, "control: libtorrent did query the read-only bridge: " + rs);
        }
    }

    @Test
    void anAnsweringBridgeAnnouncesItselfAndAReadOnlyBridgeFindsIt() throws Exception {
        try (LibtorrentDht lt = new LibtorrentDht(dir, 10);
                Bridge announcing = bridge("127.0.0.23", lt.nodes.get(6), false, dir.resolve("a.txt"))) {
            String magnet = "magnet:?xt=urn:btih:" + lt.infoHash;
            assertNull(announcing.addTorrent(TorrentInputs.line(magnet, "test")));
            String announced = "127.0.0.23:" + announcing.listenAddress().getPort();
            // the answering bridge sets the DHT bit in its handshake: libtorrent sends its DHT port (BEP 5 port)
            int seederPort = Integer.parseInt(lt.seeder.split(":")[1]);
            await("the seeder sends its DHT port to the answering bridge", 30_000,
                    () -> views(announcing, lt.infoHash).stream()
                            .anyMatch(v -> v.address().equals(lt.seeder) && Integer.valueOf(seederPort).equals(v.dhtPort())));
            try (Bridge finder = bridge("127.0.0.24", lt.nodes.get(7), true, dir.resolve("b.txt"))) {
                assertNull(finder.addTorrent(TorrentInputs.line(magnet, "test")));
                await("the read-only bridge finds the announcing bridge " + announced + " over the DHT and connects",
                        40_000, () -> connectedAddresses(finder, lt.infoHash).contains(announced));
                assertTrue(sources(finder, lt.infoHash, announced).contains("dht"),
                        "the DHT returned the announcing bridge (its announce_peer with its listen port): "
                                + sources(finder, lt.infoHash, announced));
                assertEquals(0, finder.dht().status().answered(), "the finder stayed read-only");
                assertTrue(views(finder, lt.infoHash).stream().allMatch(v -> v.dhtPort() == null),
                        "a read-only bridge does not set the DHT bit, so no peer sends it a port message");
            }
        }
    }
}

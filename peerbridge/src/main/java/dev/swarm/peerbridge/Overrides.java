package dev.swarm.peerbridge;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigException;
import dev.swarm.peerbridge.config.ConfigLoader;

import java.util.ArrayList;
import java.util.List;

/** Applies command-line overrides to a loaded configuration. */
final class Overrides {
    private Overrides() {
    }

    static BridgeConfig apply(BridgeConfig c, String listen, String api, List<String> torrents) throws ConfigException {
        return apply(c, listen, api, torrents, List.of());
    }

    static BridgeConfig apply(BridgeConfig c, String listen, String api, List<String> torrents, List<String> dhtBootstrap)
            throws ConfigException {
        List<java.net.InetSocketAddress> bootstrap = new ArrayList<>();
        for (String b : dhtBootstrap) {
            bootstrap.add(ConfigLoader.unresolved("--dht-bootstrap", b));
        }
        List<String> all = new ArrayList<>(c.torrents());
        all.addAll(torrents);
        return new BridgeConfig(listen == null ? c.listen() : ConfigLoader.address("--listen", listen),
                api == null ? c.api() : api.equals("off") ? null : ConfigLoader.address("--api", api), c.clientName(),
                c.peerIdPrefix(), c.maxTorrents(), c.connections(), c.trackers(), c.tex(), c.texEnabled(), all,
                c.watchDir(), c.watchInterval(), c.exchange(), c.dht().withBootstrap(bootstrap), c.health());
    }
}

package dev.swarm.peerbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigException;
import dev.swarm.peerbridge.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --dht-bootstrap HOST:PORT} (repeatable) adds to {@code dht.bootstrap} and turns the DHT on. */
class DhtBootstrapOptionTest {

    @Test
    void repeatedOptionsAddToTheConfiguredNodes() throws Exception {
        BridgeConfig c = ConfigLoader.parse("dht:\n  bootstrap: [\"127.0.0.2:7000\"]\n");
        BridgeConfig o = Overrides.apply(c, null, null, List.of(), List.of("127.0.0.3:7001", "[::1]:7002"));
        assertEquals(List.of("127.0.0.2:7000", "127.0.0.3:7001", "::1:7002"),
                o.dht().bootstrap().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
        BridgeConfig off = Overrides.apply(BridgeConfig.defaults(), null, null, List.of(), List.of());
        assertTrue(!off.dht().enabled(), "no bootstrap node: the DHT stays off");
        assertTrue(Overrides.apply(BridgeConfig.defaults(), null, null, List.of(), List.of("127.0.0.2:1")).dht().enabled());
    }

    @Test
    void aBadValueNamesTheOption() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Overrides.apply(BridgeConfig.defaults(), null, null, List.of(), List.of("127.0.0.2")));
        assertTrue(e.getMessage().contains("--dht-bootstrap"), e.getMessage());
    }
}

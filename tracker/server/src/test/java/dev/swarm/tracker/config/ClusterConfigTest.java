package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code cluster} section: off by default, one URL or Redis Cluster seeds, bad values named by key. */
class ClusterConfigTest extends ConfigFileTestBase {

    @Test
    void offByDefaultWithTheDocumentedValues() {
        TrackerConfig.Cluster c = ConfigLoader.defaults().cluster();
        assertFalse(c.enabled());
        assertFalse(c.node().isEmpty(), "the node name defaults to the host name");
        assertEquals(16, c.shards());
        assertEquals(262_144, c.outbox());
        assertEquals(Duration.ofMillis(20), c.pollInterval());
        assertEquals(Duration.ofHours(1), c.keyRotation());
        assertEquals("swarm", c.keyPrefix());
    }

    @Test
    void theCommandLineSetsOneUrlOrSeveralSeeds() {
        TrackerConfig.Cluster one = ConfigLoader.load(null, Map.of("cluster.redis", "redis://127.0.0.1:6379",
                "cluster.node", "a")).cluster();
        assertTrue(one.enabled());
        assertFalse(one.redisCluster());
        assertEquals("a", one.node());
        TrackerConfig.Cluster seeds = ConfigLoader.load(null, Map.of("cluster.redis",
                "redis://127.0.0.1:7000, redis://127.0.0.1:7001")).cluster();
        assertTrue(seeds.redisCluster());
        assertEquals(List.of("redis://127.0.0.1:7000", "redis://127.0.0.1:7001"), seeds.redis());
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(error("cluster:\n  redis: [localhost:6379]\n").startsWith("cluster.redis: 'localhost:6379' is not a Redis URL"));
        assertTrue(error("cluster:\n  redis: [redis-socket:///a, redis-socket:///b]\n")
                .startsWith("cluster.redis: the seeds of a Redis Cluster"));
        assertTrue(error("cluster:\n  node: 'a b'\n").startsWith("cluster.node: 'a b' is not a node name"));
        assertTrue(error("cluster:\n  shards: 10\n").startsWith("cluster.shards: must be a power of two"));
        assertTrue(error("cluster:\n  key-rotation: 60s\n").startsWith("cluster.key-rotation: must not be shorter than udp.connection-id-lifetime"));
        assertTrue(error("cluster:\n  key-prefix: 'a{b}'\n").startsWith("cluster.key-prefix: 'a{b}' is not a key prefix"));
        assertTrue(error("cluster:\n  outbox: 10\n").startsWith("cluster.outbox: must be between"));
    }

    @Test
    void aPasswordInTheUrlIsNeverPrinted() {
        TrackerConfig.Cluster c = ConfigLoader.load(null, Map.of("cluster.redis", "redis://:hunter2secret@10.0.0.5:6379"))
                .cluster();
        assertFalse(c.toString().contains("hunter2secret"), c.toString());
        assertTrue(c.toString().contains("redis://(redacted)@10.0.0.5:6379"), c.toString());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("cluster.nodes", "x")));
    }
}

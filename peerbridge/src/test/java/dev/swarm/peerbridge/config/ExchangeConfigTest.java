package dev.swarm.peerbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code metadata.*} and {@code pex.*} keys. */
class ExchangeConfigTest {
    @Test
    void defaults() {
        BridgeConfig.Exchange x = BridgeConfig.defaults().exchange();
        assertEquals(30L << 20, x.metadataMaxSize());
        assertEquals(8, x.metadataMaxOutstanding());
        assertEquals(Duration.ofSeconds(20), x.metadataRequestTimeout());
        assertNull(x.metadataDir());
        assertTrue(x.pexEnabled());
        assertEquals(Duration.ofMinutes(1), x.pexInterval());
    }

    @Test
    void valuesAreRead() throws Exception {
        BridgeConfig.Exchange x = ConfigLoader.parse("""
                metadata:
                  max-size: 512KiB
                  max-outstanding: 3
                  request-timeout: 5s
                  dir: /tmp/md
                pex:
                  enabled: false
                  interval: 2m
                """).exchange();
        assertEquals(512 * 1024, x.metadataMaxSize());
        assertEquals(3, x.metadataMaxOutstanding());
        assertEquals(Duration.ofSeconds(5), x.metadataRequestTimeout());
        assertEquals(Path.of("/tmp/md"), x.metadataDir());
        assertEquals(false, x.pexEnabled());
        assertEquals(Duration.ofMinutes(2), x.pexInterval());
        assertEquals(4096 * 4, ConfigLoader.parse("metadata:\n  max-size: 16384\n").exchange().metadataMaxSize());
    }

    @Test
    void badValuesNameTheKey() {
        assertMessage("metadata:\n  max-size: lots\n", "metadata.max-size");
        assertMessage("metadata:\n  max-size: 1GiB\n", "metadata.max-size");
        assertMessage("metadata:\n  max-size: 99999999999999GiB\n", "metadata.max-size");
        assertMessage("metadata:\n  max-outstanding: 0\n", "metadata.max-outstanding");
        assertMessage("metadata:\n  request-timeout: 0s\n", "metadata.request-timeout");
        assertMessage("pex:\n  interval: 30s\n", "pex.interval");
        assertMessage("pex:\n  intervall: 60s\n", "pex.intervall");
    }

    private static void assertMessage(String yaml, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml), yaml);
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}

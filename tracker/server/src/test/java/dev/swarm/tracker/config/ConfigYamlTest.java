package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --check-config} prints YAML that {@code --config} takes back: the same configuration, secrets left out. */
class ConfigYamlTest extends ConfigFileTestBase {
    private static final String SECRET = "00112233445566778899aabbccddeeff";
    private static final String TOKEN = "t0ken-t0ken-t0ken-t0ken-t0ken-t0ken-42";

    private TrackerConfig reload(String printed, Map<String, String> overrides) throws IOException {
        Path f = dir.resolve("printed.yaml");
        Files.writeString(f, printed);
        return ConfigLoader.load(f, overrides);
    }

    @Test
    void theDefaultsComeBackUnchanged() throws IOException {
        TrackerConfig c = ConfigLoader.defaults();
        String yaml = ConfigYaml.print(c);
        assertTrue(yaml.startsWith("# The effective tracker configuration"), yaml);
        assertTrue(yaml.contains(ConfigYaml.REDACTED_NOTE), "says that secrets are redacted");
        assertFalse(yaml.contains("TrackerConfig["), "not a record dump");
        TrackerConfig back = reload(yaml, Map.of());
        assertEquals(yaml, ConfigYaml.print(back));
        assertEquals(c.http(), back.http());
        assertEquals(c.announce(), back.announce());
        assertEquals(c.store(), back.store());
        assertEquals(c.scrape(), back.scrape());
        assertEquals(c.limits(), back.limits());
    }

    @Test
    void everyValueSurvivesTheRoundTripExceptTheSecrets() throws IOException {
        TrackerConfig c = load("""
                mode: private
                http:
                  listen: "[::1]:7000"
                  idle-timeout: 1500ms
                  max-connections-per-address: 77
                  expose-metrics: false
                udp:
                  listen: off
                  connection-id-secret: %s
                  receive-buffer: 1MiB
                announce:
                  interval: 20m
                  peer-timeout: 2h
                scrape:
                  full:
                    enabled: on
                    max-swarms: 7
                    min-interval: 0s
                store:
                  type: heap
                  data-dir: /tmp/some where/data
                admin:
                  listen: 127.0.0.1:7001
                  token: %s
                access:
                  client-allow: [-qB, "-lt"]
                  client-deny: ["-XL"]
                proxy:
                  trusted: [127.0.0.1, "fd00::/8"]
                registry:
                  max-sessions-per-user: 500
                limits:
                  new-swarms-per-minute: 5
                  new-swarm-burst: 6
                  unknown-passkeys-per-minute: 0
                  unknown-passkey-burst: 8
                ratio:
                  grace: 1536MiB
                  required: [0GiB=0, 5GiB=0.4, 20GiB=0.65]
                  exclude-freeleech: false
                  seeding-credit-per-hour: 100KiB
                  embargo: 12h
                  embargo-min-ratio: 1.25
                  embargo-min-uploaded: 1000
                  seed-deadline: 72h
                  seed-time: 24h
                  seed-ratio: 1
                  strikes-for-upload-only: 3
                request-log:
                  enabled: true
                  sample: 10
                """.formatted(SECRET, TOKEN));
        String yaml = ConfigYaml.print(c);
        assertFalse(yaml.contains(SECRET), "the connection-ID secret is not printed");
        assertFalse(yaml.contains(TOKEN), "the admin token is not printed");
        // The token is required while the admin API is on: it comes back as TRACKER_ADMIN_TOKEN does.
        TrackerConfig back = reload(yaml, Map.of("admin.token", TOKEN));
        assertEquals(yaml, ConfigYaml.print(back));
        assertEquals(TrackerConfig.Mode.PRIVATE, back.mode());
        assertEquals(HostPort.parse("[::1]:7000"), back.http().listen());
        assertEquals(Duration.ofMillis(1500), back.http().idleTimeout());
        assertFalse(back.http().exposeMetrics());
        assertNull(back.udp().listen());
        assertNull(back.udp().connectionIdSecret(), "redacted: a random key");
        assertEquals(1 << 20, back.udp().receiveBuffer());
        assertEquals(Duration.ofHours(2), back.announce().peerTimeout());
        assertEquals(new TrackerConfig.FullScrape(TrackerConfig.FullScrapeMode.ON, 7, Duration.ZERO), back.scrape().full());
        assertEquals(Path.of("/tmp/some where/data"), back.store().dataDir());
        assertEquals(TrackerConfig.StoreType.HEAP, back.store().type());
        assertEquals(c.registry(), back.registry());
        assertEquals(77, back.http().maxConnectionsPerAddress());
        assertEquals(500, back.registry().maxSessionsPerUser());
        assertEquals(c.limits(), back.limits());
        assertEquals(List.of(5, 6, 0, 8), List.of(back.limits().newSwarmsPerMinute(), back.limits().newSwarmBurst(),
                back.limits().unknownPasskeysPerMinute(), back.limits().unknownPasskeyBurst()));
        assertEquals(List.of("-qB", "-lt"), back.access().clientAllow());
        assertEquals(List.of("-XL"), back.access().clientDeny());
        assertEquals(c.proxy(), back.proxy());
        assertEquals(new TrackerConfig.RequestLog(true, 10), back.requestLog());
        assertEquals(c.ratio(), back.ratio());
        assertEquals(List.of(new TrackerConfig.Ratio.Step(0, 0), new TrackerConfig.Ratio.Step(5L << 30, 0.4),
                new TrackerConfig.Ratio.Step(20L << 30, 0.65)), back.ratio().required());
        assertEquals(1536L << 20, back.ratio().grace());
        assertEquals(Duration.ofHours(12), back.ratio().embargo());
        assertEquals(c.admin().listen(), back.admin().listen());
    }

    @Test
    void fullScrapeTakesAutoOnOffAndBooleans() throws IOException {
        assertEquals(TrackerConfig.FullScrapeMode.AUTO, ConfigLoader.defaults().scrape().full().enabled());
        assertEquals(TrackerConfig.FullScrapeMode.OFF, load("scrape:\n  full:\n    enabled: false\n").scrape().full().enabled());
        assertEquals(TrackerConfig.FullScrapeMode.ON, load("scrape:\n  full:\n    enabled: \"on\"\n").scrape().full().enabled());
        assertTrue(ConfigLoader.defaults().scrape().full().servedIn(TrackerConfig.Mode.PUBLIC));
        assertFalse(ConfigLoader.defaults().scrape().full().servedIn(TrackerConfig.Mode.PRIVATE));
        assertEquals("scrape.full.enabled: expected one of auto, on, off, got 'sometimes'",
                error("scrape:\n  full:\n    enabled: sometimes\n"));
        assertEquals("scrape.full.max-swarms: must be between 1 and 1000000, got 0",
                error("scrape:\n  full:\n    max-swarms: 0\n"));
        assertEquals("request-log.sample: must be between 1 and 1000000, got 0", error("request-log:\n  sample: 0\n"));
    }
}

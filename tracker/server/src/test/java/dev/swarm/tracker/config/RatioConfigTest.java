package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code ratio} section: every rule off by default, the worked example of the README, errors naming the key. */
class RatioConfigTest extends ConfigFileTestBase {

    @Test
    void everyRuleIsOffByDefault() {
        TrackerConfig.Ratio r = ConfigLoader.defaults().ratio();
        assertFalse(r.any());
        assertFalse(r.ratioRule() || r.embargoRule() || r.seedingRule());
        assertEquals(TrackerConfig.Ratio.OFF, r);
    }

    @Test
    void theReadmeExampleLoads() throws IOException {
        TrackerConfig.Ratio r = load("""
                ratio:
                  grace: 1GiB
                  required: [0GiB=0, 5GiB=0.4, 20GiB=0.6, 50GiB=0.8]
                  exclude-freeleech: true
                  seeding-credit-per-hour: 64MiB
                  embargo: 36h
                  embargo-min-ratio: 1.0
                  embargo-min-uploaded: 10GiB
                  seed-deadline: 14d
                  seed-time: 72h
                  seed-ratio: 1.0
                  strikes-for-upload-only: 3
                """).ratio();
        assertEquals(List.of(new TrackerConfig.Ratio.Step(0, 0), new TrackerConfig.Ratio.Step(5L << 30, 0.4),
                new TrackerConfig.Ratio.Step(20L << 30, 0.6), new TrackerConfig.Ratio.Step(50L << 30, 0.8)), r.required());
        assertEquals(1L << 30, r.grace());
        assertEquals(64L << 20, r.seedingCreditPerHour());
        assertEquals(Duration.ofHours(36), r.embargo());
        assertEquals(10L << 30, r.embargoMinUploaded());
        assertEquals(Duration.ofDays(14), r.seedDeadline());
        assertEquals(Duration.ofHours(72), r.seedTime());
        assertEquals(3, r.strikesForUploadOnly());
        assertTrue(r.any());
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(error("ratio:\n  required: [5GiB]\n").startsWith("ratio.required: '5GiB' is not a step; write SIZE=RATIO"));
        assertTrue(error("ratio:\n  required: [5GiB=lots]\n").startsWith("ratio.required: '5GiB=lots' is not a step"));
        assertTrue(error("ratio:\n  required: [5GiB=0.4, 1GiB=0.2]\n").startsWith("ratio.required: steps must be in ascending order"));
        assertTrue(error("ratio:\n  required: [5GB=0.4]\n").contains("is not a step"));
        assertTrue(error("ratio:\n  embargo-min-ratio: -1\n").startsWith("ratio.embargo-min-ratio: expected a ratio from 0 to 100"));
        assertTrue(error("ratio:\n  embargo: 2\n").startsWith("ratio.embargo: expected a duration with a unit"));
        assertTrue(error("ratio:\n  seed-deadline: 72h\n").startsWith("ratio.seed-deadline: a seeding requirement needs"));
        assertTrue(error("ratio:\n  seed-deadline: 24h\n  seed-time: 72h\n").startsWith("ratio.seed-time: must not be longer"));
        assertTrue(error("ratio:\n  strikes-for-upload-only: 2\n").startsWith("ratio.strikes-for-upload-only: strikes come from"));
        assertTrue(error("ratio:\n  grace: lots\n").startsWith("ratio.grace: expected a size"));
        assertTrue(error("ratio:\n  minimum: 1\n").startsWith("ratio.minimum: unknown key"));
    }
}

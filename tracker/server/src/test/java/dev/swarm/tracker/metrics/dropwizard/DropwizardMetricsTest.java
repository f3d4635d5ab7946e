package dev.swarm.tracker.metrics.dropwizard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.tracker.metrics.MetricHelp;
import dev.swarm.tracker.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** /metrics text: described HELP lines, latency histograms by protocol and request, the JVM's and process's metrics. */
class DropwizardMetricsTest {

    private static String export(Metrics m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writePrometheus(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpLinesSayWhatEachMetricIs() throws IOException {
        DropwizardMetrics m = new DropwizardMetrics(new MetricRegistry());
        m.counter("udp.announce").inc(3);
        m.gauge("store.peers", () -> 42);
        m.counter("made.up.name").inc();
        String text = export(m);
        assertTrue(text.contains("# HELP tracker_udp_announce_total " + MetricHelp.of("udp.announce") + "\n"), text);
        assertTrue(text.contains("tracker_udp_announce_total 3.0\n"), text);
        assertTrue(text.contains("# HELP tracker_store_peers " + MetricHelp.of("store.peers") + "\n"), text);
        assertTrue(text.contains("tracker_store_peers 42.0\n"), text);
        assertTrue(text.contains("# HELP tracker_made_up_name_total Tracker metric made.up.name (no description).\n"), text);
        assertFalse(text.contains("Generated from Dropwizard"), text);
        assertFalse(text.contains("$$Lambda"), text);
    }

    @Test
    void requestLatencyIsAHistogramPerProtocolAndRequest() throws IOException {
        DropwizardMetrics m = new DropwizardMetrics(new MetricRegistry());
        Metrics.Latency udp = m.requestLatency("udp", "announce");
        udp.recordNanos(30_000);      // 30 µs
        udp.recordNanos(2_000_000);   // 2 ms
        m.requestLatency("http", "scrape").recordNanos(400_000);
        String text = export(m);
        assertTrue(text.contains("# TYPE tracker_request_duration_seconds histogram"), text);
        assertTrue(text.contains("tracker_request_duration_seconds_bucket{protocol=\"udp\",request=\"announce\",le=\"2.5E-5\"} 0\n"), text);
        assertTrue(text.contains("tracker_request_duration_seconds_bucket{protocol=\"udp\",request=\"announce\",le=\"5.0E-5\"} 1\n"), text);
        assertTrue(text.contains("tracker_request_duration_seconds_bucket{protocol=\"udp\",request=\"announce\",le=\"0.0025\"} 2\n"), text);
        assertTrue(text.contains("tracker_request_duration_seconds_count{protocol=\"udp\",request=\"announce\"} 2\n"), text);
        assertTrue(text.contains("tracker_request_duration_seconds_count{protocol=\"http\",request=\"scrape\"} 1\n"), text);
        assertTrue(m.requestLatency("udp", "announce") == udp, "one histogram child per pair");
    }

    @Test
    void theJvmsAndTheProcesssOwnMetricsAreThere() throws IOException {
        DropwizardMetrics m = new DropwizardMetrics(new MetricRegistry());
        export(m);
        String text = export(m);
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_current", "jvm_gc_collection_seconds",
                "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"}) {
            assertTrue(text.contains("\n" + name), name + " missing");
        }
        assertEquals(text.indexOf("# HELP jvm_memory_used_bytes"), text.lastIndexOf("# HELP jvm_memory_used_bytes"),
                "registered once, also after a second export");
        String other = export(new DropwizardMetrics(new MetricRegistry()));
        assertTrue(other.contains("\njvm_memory_used_bytes"), "each instance has its own registry");
    }
}

package dev.swarm.tracker.metrics.dropwizard;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.swarm.tracker.metrics.MetricHelp;
import dev.swarm.tracker.metrics.Metrics;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link Metrics} on a Dropwizard {@link MetricRegistry}: counters are {@link Meter}s (count and rates),
 * gauges are {@link Gauge}s; {@code /metrics} is the Prometheus text rendering of the registry, with a HELP line
 * from {@link MetricHelp} for each. Names get the prefix {@code tracker.}, so Prometheus sees e.g.
 * {@code tracker_udp_announce_total}. Beside them: the request latency histograms
 * ({@code tracker_request_duration_seconds}, {@link LatencyHistograms}) and, in a Prometheus registry of this
 * instance (not the global one), the JVM's and the process's own metrics ({@code jvm_*}, {@code process_*}, from
 * prometheus-metrics-instrumentation-jvm), registered at the first export so that they cost nothing at start-up.
 */
public final class DropwizardMetrics implements Metrics {
    private static final String PREFIX = "tracker.";

    private final MetricRegistry registry;
    private final DropwizardExports exports;
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final LatencyHistograms latency = new LatencyHistograms();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Prometheus name (as DropwizardExports derives it) → facade name, for the HELP lines. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private volatile boolean jvmRegistered;

    public DropwizardMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.exports = new DropwizardExports(registry);
    }

    /** Metrics on a new registry of their own: what the tracker uses unless it is given others. */
    public static DropwizardMetrics create() {
        return new DropwizardMetrics(new MetricRegistry());
    }

    public MetricRegistry registry() {
        return registry;
    }

    @Override
    public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> {
            names.put(prometheusName(n), n);
            return new MeterCounter(registry.meter(PREFIX + n));
        });
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        names.put(prometheusName(name), name);
        registry.gauge(PREFIX + name, () -> (Gauge<Long>) value::getAsLong);
    }

    @Override
    public void info(String name, String label, String value) {
        Info.builder().name((PREFIX + name).replace('.', '_')).help(MetricHelp.of(name) == null ? name : MetricHelp.of(name))
                .labelNames(label).register(prometheus).addLabelValues(value);
    }

    @Override
    public Latency requestLatency(String protocol, String request) {
        return latency.of(protocol, request);
    }

    private static String prometheusName(String name) {
        return PrometheusNaming.sanitizeMetricName(PREFIX + name);
    }

    @Override
    public List<Rate> snapshot() {
        List<Rate> out = new ArrayList<>();
        registry.getMeters().forEach((name, m) -> out.add(new Rate(name.substring(PREFIX.length()), m.getCount(), m.getOneMinuteRate())));
        return out;
    }

    @Override
    public void writePrometheus(OutputStream out) throws IOException {
        registerJvmMetrics();
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot s : exports.collect()) {
            all.metricSnapshot(described(s));
        }
        MetricSnapshot latencies = latency.snapshot();
        if (latencies != null) {
            all.metricSnapshot(latencies);
        }
        for (MetricSnapshot s : prometheus.scrape()) {
            all.metricSnapshot(s);
        }
        writer.write(out, all.build());
    }

    private void registerJvmMetrics() {
        if (!jvmRegistered) {
            synchronized (this) {
                if (!jvmRegistered) {
                    JvmMetrics.builder().register(prometheus);
                    jvmRegistered = true;
                }
            }
        }
    }

    /** The snapshot with its HELP line replaced by the description (DropwizardExports writes a class name there). */
    private MetricSnapshot described(MetricSnapshot s) {
        MetricMetadata m = s.getMetadata();
        String name = names.get(m.getName());
        String help = name == null ? null : MetricHelp.of(name);
        if (help == null) {
            help = "Tracker metric " + (name == null ? m.getName() : name) + " (no description).";
        }
        MetricMetadata described = new MetricMetadata(m.getName(), help, m.hasUnit() ? m.getUnit() : null);
        return switch (s) {
            case CounterSnapshot c -> new CounterSnapshot(described, c.getDataPoints());
            case GaugeSnapshot g -> new GaugeSnapshot(described, g.getDataPoints());
            case SummarySnapshot u -> new SummarySnapshot(described, u.getDataPoints());
            default -> s;
        };
    }

    private record MeterCounter(Meter meter) implements Counter {
        @Override
        public void inc() {
            meter.mark();
        }

        @Override
        public void inc(long n) {
            meter.mark(n);
        }

        @Override
        public long count() {
            return meter.getCount();
        }
    }
}

package dev.swarm.tracker.metrics.dropwizard;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.swarm.tracker.metrics.Metrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link Metrics} on a Dropwizard {@link MetricRegistry}: counters are {@link Meter}s (count and rates),
 * gauges are {@link Gauge}s; {@code /metrics} is the Prometheus text rendering of the registry.
 * Names get the prefix {@code tracker.}, so Prometheus sees e.g. {@code tracker_udp_announce_total}.
 */
public final class DropwizardMetrics implements Metrics {
    private static final String PREFIX = "tracker.";

    private final MetricRegistry registry;
    private final DropwizardExports exports;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

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
        return counters.computeIfAbsent(name, n -> new MeterCounter(registry.meter(PREFIX + n)));
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        registry.gauge(PREFIX + name, () -> (Gauge<Long>) value::getAsLong);
    }

    @Override
    public List<Rate> snapshot() {
        List<Rate> out = new ArrayList<>();
        registry.getMeters().forEach((name, m) -> out.add(new Rate(name.substring(PREFIX.length()), m.getCount(), m.getOneMinuteRate())));
        return out;
    }

    @Override
    public void writePrometheus(OutputStream out) throws IOException {
        writer.write(out, exports.collect());
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

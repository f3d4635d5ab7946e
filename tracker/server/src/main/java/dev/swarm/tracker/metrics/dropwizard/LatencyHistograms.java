package dev.swarm.tracker.metrics.dropwizard;

import dev.swarm.tracker.metrics.Metrics;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request latency histogram {@code tracker_request_duration_seconds{protocol, request}}: fixed buckets counted
 * with {@link LongAdder}s, rendered as a Prometheus classic histogram at export. Not prometheus-metrics-core's
 * {@code Histogram}: creating one loads the library's configuration (files, system properties, environment), which
 * cost about 0.1 s of every start on this kind of machine, and the tracker's restart time is a target.
 */
final class LatencyHistograms {
    static final String NAME = "tracker_request_duration_seconds";
    /** 10 µs to 1 s (seconds), then +Inf: an announce takes microseconds; anything near a second is a stall. */
    static final double[] BOUNDS = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, Double.POSITIVE_INFINITY};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length - 1];

    static {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

    /** One label pair's counts. */
    private static final class Series implements Metrics.Latency {
        final Labels labels;
        final LongAdder[] buckets = new LongAdder[BOUNDS.length];
        final LongAdder sumNanos = new LongAdder();

        Series(String protocol, String request) {
            labels = Labels.of("protocol", protocol, "request", request);
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        @Override
        public void recordNanos(long nanos) {
            int i = 0;
            while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
                i++;
            }
            buckets[i].increment();
            sumNanos.add(nanos);
        }

        HistogramSnapshot.HistogramDataPointSnapshot snapshot() {
            long[] counts = new long[buckets.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buckets[i].sum();
            }
            return new HistogramSnapshot.HistogramDataPointSnapshot(ClassicHistogramBuckets.of(BOUNDS, counts),
                    sumNanos.sum() / 1e9, labels, Exemplars.EMPTY, 0);
        }
    }

    Metrics.Latency of(String protocol, String request) {
        return series.computeIfAbsent(List.of(protocol, request), k -> new Series(protocol, request));
    }

    /** The histogram, or null while nothing was registered. */
    HistogramSnapshot snapshot() {
        if (series.isEmpty()) {
            return null;
        }
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
        series.values().forEach(s -> points.add(s.snapshot()));
        return new HistogramSnapshot(new MetricMetadata(NAME,
                "Time from the tracker's handler getting a request to its answer handed to the transport, by protocol"
                        + " and request.", Unit.SECONDS), points);
    }
}

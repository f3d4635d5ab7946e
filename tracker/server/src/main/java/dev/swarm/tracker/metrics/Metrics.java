package dev.swarm.tracker.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The tracker's metrics facade. Code that counts things depends only on this interface; the Dropwizard
 * adapter ({@code metrics.dropwizard}) is the only package that imports a metrics library, and {@link #NOOP}
 * is the default for tests and tools.
 */
public interface Metrics {

    /** A monotonically increasing count that also has a rate. Must be cheap and thread-safe. */
    interface Counter {
        void inc();

        void inc(long n);

        long count();
    }

    /** A distribution of durations (a histogram). Must be cheap and thread-safe. */
    @FunctionalInterface
    interface Latency {
        void recordNanos(long nanos);
    }

    /** One row of {@link #snapshot()}: a counter with its total and its one-minute rate per second. */
    record Rate(String name, long count, double oneMinuteRate) {
    }

    /** Returns the counter with this name (dotted, lower case, e.g. {@code udp.announce}), creating it once. */
    Counter counter(String name);

    /**
     * The latency of one kind of request, e.g. ({@code udp}, {@code announce}): from the request read to the answer
     * handed to the transport. Exported as the histogram {@code tracker_request_duration_seconds}.
     */
    default Latency requestLatency(String protocol, String request) {
        return nanos -> {
        };
    }

    /** Registers a value read when metrics are exported (store sizes and the like). */
    void gauge(String name, LongSupplier value);

    /**
     * Registers a constant fact about this process as an info metric, e.g. ({@code cluster.node}, {@code node},
     * {@code a}): exported as {@code tracker_cluster_node_info{node="a"} 1}. No-op by default.
     */
    default void info(String name, String label, String value) {
    }

    /** All counters, for the JSON status page. */
    List<Rate> snapshot();

    /** Writes every metric in the Prometheus text exposition format. */
    void writePrometheus(OutputStream out) throws IOException;

    Metrics NOOP = new Metrics() {
        private final Counter none = new Counter() {
            @Override
            public void inc() {
            }

            @Override
            public void inc(long n) {
            }

            @Override
            public long count() {
                return 0;
            }
        };

        @Override
        public Counter counter(String name) {
            return none;
        }

        @Override
        public void gauge(String name, LongSupplier value) {
        }

        @Override
        public List<Rate> snapshot() {
            return List.of();
        }

        @Override
        public void writePrometheus(OutputStream out) {
        }
    };
}

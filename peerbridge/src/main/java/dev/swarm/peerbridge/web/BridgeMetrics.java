package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.tex.TrackerSet;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * The bridge's numbers in the Prometheus text format ({@code GET /metrics}): gauges read from {@link Bridge#counts()}
 * at each scrape, so nothing is kept between scrapes.
 */
final class BridgeMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private BridgeMetrics() {
    }

    static byte[] text(Bridge.Counts c) throws IOException {
        GaugeSnapshot.Builder trackers = GaugeSnapshot.builder().name("peerbridge_trackers")
                .help("Trackers known over all torrents, by state (candidate: not yet answered; verified: answered and "
                        + "not failing; failing: was verified, now failing)");
        for (TrackerSet.Status s : TrackerSet.Status.values()) {
            trackers.dataPoint(GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("status", s.name().toLowerCase(Locale.ROOT)))
                    .value(c.trackers().getOrDefault(s, 0)).build());
        }
        MetricSnapshots snapshots = MetricSnapshots.of(
                gauge("peerbridge_torrents", "Torrents the bridge is in", c.torrents()),
                gauge("peerbridge_connections", "Open peer connections, incoming and outgoing", c.connections()),
                gauge("peerbridge_known_peers", "Peer addresses remembered over all torrents", c.knownPeers()),
                gauge("peerbridge_advertised_trackers", "Trackers advertised to peers over lt_tex, summed over torrents",
                        c.advertised()),
                trackers.build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WRITER.write(out, snapshots);
        return out.toByteArray();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}

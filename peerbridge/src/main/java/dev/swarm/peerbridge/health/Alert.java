package dev.swarm.peerbridge.health;

/**
 * Something an operator should hear about; logged and POSTed as JSON to {@code health.alerts.webhook}.
 *
 * @param kind     {@code tracker-down}, {@code tracker-up} or {@code availability-low}
 * @param subject  the tracker URL or the torrent's hex info-hash
 * @param atMillis when it happened (bridge clock)
 * @param message  one line for a human
 * @param value    the figure behind it (availability, or consecutive failed probes), null if none
 */
public record Alert(String kind, String subject, long atMillis, String message, Double value) {
}

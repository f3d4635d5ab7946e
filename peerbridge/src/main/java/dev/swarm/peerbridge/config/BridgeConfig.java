package dev.swarm.peerbridge.config;

import dev.swarm.peerbridge.tex.TexPolicy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated, immutable configuration of one bridge process. {@link ConfigLoader} builds it from
 * {@code conf/peerbridge.yaml}; {@link #defaults()} is what an empty file gives.
 *
 * @param listen        address for incoming peer connections (port 0: any free port)
 * @param api           address of the HTTP JSON API, or null when disabled
 * @param clientName    {@code v} in our extension handshake
 * @param peerIdPrefix  first bytes of our peer id (Azureus style, e.g. {@code -PB0010-}), at most 12 bytes
 * @param maxTorrents   bound on torrents (config, watch directory and API together)
 * @param connections   peer connection limits and timeouts
 * @param trackers      announce settings
 * @param tex           BEP 28 settings
 * @param texEnabled    false: no {@code lt_tex} at all (not in {@code m}, nothing learned or sent)
 * @param torrents      torrent inputs: magnet links, .torrent paths, or {@code <info-hash> <url>...} lines
 * @param watchDir      directory watched for .torrent / .magnet / .txt files, or null
 * @param watchInterval how often the directory is listed
 * @param health        probes, history and alerts (the {@code health} package), with the data directory
 */
public record BridgeConfig(InetSocketAddress listen, InetSocketAddress api, String clientName, String peerIdPrefix,
        int maxTorrents, Connections connections, Trackers trackers, TexPolicy tex, boolean texEnabled,
        List<String> torrents, Path watchDir, Duration watchInterval, Health health) {

    public BridgeConfig {
        torrents = List.copyOf(torrents);
    }

    /**
     * @param maxTotal          connections over all torrents, incoming and outgoing
     * @param maxPerTorrent     connections per torrent
     * @param connectTimeout    TCP connect timeout for outgoing connections
     * @param handshakeTimeout  time allowed for the BEP 3 handshake
     * @param idleTimeout       a peer that sends nothing for this long is dropped
     * @param keepaliveInterval a keep-alive is sent when we sent nothing for this long
     * @param maxMessageSize    largest declared message length accepted (libtorrent: 1 MiB)
     * @param redialDelay       wait before dialing a peer again after a failure or disconnect (doubles per failure)
     * @param maxKnownPeers     bound on peer addresses remembered per torrent
     * @param maxPerAddress     incoming connections open at once from one IP address (one host cannot take
     *                          every slot: the rest stay free for other peers)
     */
    public record Connections(int maxTotal, int maxPerTorrent, Duration connectTimeout, Duration handshakeTimeout,
            Duration idleTimeout, Duration keepaliveInterval, int maxMessageSize, Duration redialDelay,
            int maxKnownPeers, int maxPerAddress) {
    }

    /**
     * @param announceTimeout       one announce (HTTP request or UDP exchange) fails after this long
     * @param maxConcurrent         announces in flight per protocol
     * @param numwant               peers asked for
     * @param announceToAll         true: every tracker on its own schedule; false: strict BEP 12 tiers
     * @param minInterval           floor on the re-announce interval, whatever the tracker says
     * @param maxInterval           ceiling on the re-announce interval
     * @param rankingWindow         a peer counts for a tracker's ranking this long after the tracker returned it
     * @param maxPeersPerTracker    bound on peers remembered per (torrent, tracker) for the ranking
     * @param udpBind               local address of the UDP announce socket
     */
    public record Trackers(Duration announceTimeout, int maxConcurrent, int numwant, boolean announceToAll,
            Duration minInterval, Duration maxInterval, Duration rankingWindow, int maxPeersPerTracker,
            InetSocketAddress udpBind) {
    }

    /**
     * @param dataDir          directory of the bridge's files (key {@code data-dir}); the history is
     *                         {@code health.sqlite} in it
     * @param probeInterval    how often each tracker is probed (separately from announces)
     * @param probeTimeout     one probe attempt fails after this long (one retry follows before it counts)
     * @param lastN            the "last N probes" uptime and the latency percentiles cover this many results
     * @param rawRetention     every probe and announce result is kept this long at full resolution
     * @param rollupRetention  per-minute and per-hour rollups are kept this long
     * @param flushInterval    history writes are batched and committed this often
     * @param webhook          alerts are POSTed as JSON here, null: logged only
     * @param webhookTimeout   one webhook POST fails after this long (no retry)
     * @param webhookQueue     alerts waiting to be sent; more are dropped (and counted)
     */
    public record Health(Path dataDir, Duration probeInterval, Duration probeTimeout, int lastN, Duration rawRetention,
            Duration rollupRetention, Duration flushInterval, java.net.URI webhook, Duration webhookTimeout,
            int webhookQueue) {
    }

    /** The defaults (those of an empty configuration file). */
    public static BridgeConfig defaults() {
        try {
            return ConfigLoader.parse("{}");
        } catch (ConfigException e) {
            throw new IllegalStateException("the defaults are valid", e);
        }
    }
}

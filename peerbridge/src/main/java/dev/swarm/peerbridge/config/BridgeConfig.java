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
 * @param exchange      BEP 9 metadata and BEP 11 PEX settings (keys {@code metadata.*}, {@code pex.*})
 * @param dht           Mainline DHT node settings (off when no bootstrap node is configured)
 * @param health        probes, history and alerts (the {@code health} package), with the data directory
 */
public record BridgeConfig(InetSocketAddress listen, InetSocketAddress api, String clientName, String peerIdPrefix,
        int maxTorrents, Connections connections, Trackers trackers, TexPolicy tex, boolean texEnabled,
        List<String> torrents, Path watchDir, Duration watchInterval, Exchange exchange, Dht dht, Health health) {

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
     * BEP 9 ({@code ut_metadata}) and BEP 11 ({@code ut_pex}) settings.
     *
     * @param metadataMaxSize        largest info dictionary fetched ({@code metadata.max-size}; libtorrent: 30 MiB)
     * @param metadataMaxOutstanding requests in flight to the peer the metadata is fetched from
     * @param metadataRequestTimeout a request unanswered this long passes that peer over
     * @param metadataDir            where fetched info dictionaries are kept ({@code <info-hash>.info}), or null
     * @param pexEnabled             false: no {@code ut_pex} at all (not in {@code m}, nothing read or sent)
     * @param pexInterval            time between our PEX messages to one peer (BEP 11: at least a minute)
     */
    public record Exchange(long metadataMaxSize, int metadataMaxOutstanding, Duration metadataRequestTimeout,
            Path metadataDir, boolean pexEnabled, Duration pexInterval) {
    }

    /**
     * The Mainline DHT node (BEP 5), see {@code dev.swarm.peerbridge.dht.DhtNode}.
     *
     * @param bootstrap        nodes to join through, {@code host:port}, names resolved when the node starts;
     *                         empty: the DHT is off
     * @param listen           UDP address of the node
     * @param readOnly         BEP 43: send {@code ro = 1}, answer no query, announce nothing
     * @param stateFile        where the node id and routing table are kept across restarts, or null
     * @param lookupInterval   how often get_peers is run again for each torrent
     * @param queryTimeout     a query not answered within this long counts as failed
     * @param maxNodes         bound on the routing table
     * @param maxOutstanding   bound on our queries waiting for an answer
     * @param sourceRate       queries per second answered per source IP
     * @param sourceBurst      queries a source IP may send at once
     * @param totalRate        queries per second answered over all sources
     * @param maxStoredPeers   bound on peers stored from other nodes' announce_peer
     * @param peerTtl          an announced peer is forgotten this long after its last announce
     */
    public record Dht(List<InetSocketAddress> bootstrap, InetSocketAddress listen, boolean readOnly, Path stateFile,
            Duration lookupInterval, Duration queryTimeout, int maxNodes, int maxOutstanding, int sourceRate,
            int sourceBurst, int totalRate, int maxStoredPeers, Duration peerTtl) {

        public Dht {
            bootstrap = List.copyOf(bootstrap);
        }

        /** Whether the node runs at all. */
        public boolean enabled() {
            return !bootstrap.isEmpty();
        }

        /** The same settings with more bootstrap nodes (from the command line). */
        public Dht withBootstrap(List<InetSocketAddress> more) {
            List<InetSocketAddress> all = new java.util.ArrayList<>(bootstrap);
            all.addAll(more);
            return new Dht(all, listen, readOnly, stateFile, lookupInterval, queryTimeout, maxNodes, maxOutstanding,
                    sourceRate, sourceBurst, totalRate, maxStoredPeers, peerTtl);
        }
    }

    /**
     * Probes, figures, history and alerts of the health monitor.
     *
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

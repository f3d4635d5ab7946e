package dev.swarm.tracker.metrics;

import java.util.Map;

/**
 * What each metric is, for the HELP lines of {@code /metrics}. Keyed by the facade's dotted name (without the
 * {@code tracker.} prefix the adapter adds). A metric missing here gets a generic line naming it, and
 * {@code MetricHelpTest} fails for metrics the tracker registers without a description.
 */
public final class MetricHelp {
    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("http.announce", "HTTP announces received and parsed (refused ones included)."),
            Map.entry("http.scrape", "HTTP scrapes naming info-hashes, received and parsed."),
            Map.entry("http.failure_sent", "HTTP answers that were a bencoded failure reason."),
            Map.entry("http.bad_forwarded_header",
                    "HTTP requests from a trusted proxy whose X-Real-IP or X-Forwarded-For was not an address."),
            Map.entry("http.connections_refused_per_address",
                    "HTTP connections closed at once: their address held http.max-connections-per-address already."),
            Map.entry("http.addresses_connected", "Client addresses with an open HTTP connection (a gauge)."),
            Map.entry("http.accept_failed",
                    "HTTP connections the listener could not accept (e.g. out of file descriptors)."),
            Map.entry("udp.connect", "UDP connect requests answered (BEP 15)."),
            Map.entry("udp.announce", "UDP announces with a valid connection ID."),
            Map.entry("udp.scrape", "UDP scrapes with a valid connection ID."),
            Map.entry("udp.error_sent", "UDP error packets sent."),
            Map.entry("udp.dropped", "UDP datagrams dropped without an answer (too short, too long, not a request)."),
            Map.entry("udp.invalid_connection_id", "UDP requests with an unknown or expired connection ID."),
            Map.entry("udp.dropped_banned", "UDP datagrams dropped because their source address is banned."),
            Map.entry("announce.refused.policy",
                    "Announces refused by a policy (passkey, access list, client filter, rate limit)."),
            Map.entry("announce.refused.too_many_swarms",
                    "Announces refused because a new swarm would exceed store.max-swarms or the store had no room."),
            Map.entry("announce.refused.new_swarm_limit",
                    "Announces that would create a swarm, refused by limits.new-swarms-per-minute for their address."),
            Map.entry("announce.not_stored.swarm_full",
                    "Announces answered but not stored because the swarm holds store.max-peers-per-swarm peers."),
            Map.entry("announce.not_removed.shared_address",
                    "Stops with port 0 that removed no peer: their address has more than one peer in the swarm."),
            Map.entry("scrape.refused.policy", "Scrapes refused by a policy (passkey, private mode over UDP)."),
            Map.entry("scrape.full", "Full scrapes (scrape without info_hash) sent completely."),
            Map.entry("scrape.full.refused",
                    "Full scrapes refused: not served in this mode, another one running, or the per-address interval."),
            Map.entry("scrape.full.truncated", "Full scrapes cut at scrape.full.max-swarms torrents."),
            Map.entry("scrape.full.torrents", "Torrents listed in full scrapes."),
            Map.entry("store.swarms", "Swarms in the store, IPv4 and IPv6 counted separately (a gauge)."),
            Map.entry("store.peers", "Peers in the store, expired but not yet swept ones included (a gauge)."),
            Map.entry("store.seeders", "Seeders in the store (a gauge)."),
            Map.entry("store.leechers", "Leechers in the store (a gauge)."),
            Map.entry("store.expired_peers", "Peers removed by the expiry sweeper after announce.peer-timeout."),
            Map.entry("store.unavailable",
                    "Requests refused with 'tracker storage unavailable' (a damaged lock, or no disk space to grow)."),
            Map.entry("ratio.refused_upload_only",
                    "Announces that would start a download, refused in upload-only mode."),
            Map.entry("ratio.refused_embargo",
                    "Announces refused by a new torrent's embargo (member below ratio.embargo-min-*)."),
            Map.entry("ratio.upload_only_entered", "Members put into upload-only mode (ratio or strikes)."),
            Map.entry("ratio.upload_only_left", "Members back to normal from upload-only mode."),
            Map.entry("ratio.strikes", "Strikes given for missing a seeding requirement."),
            Map.entry("ratio.strikes_cleared", "Strikes cleared by seeding the torrent to the requirement later."),
            Map.entry("ratio.upload_only_members", "Members in upload-only mode right now (a gauge)."),
            Map.entry("ratio.pending_requirements", "Seeding requirements not yet met or missed (a gauge)."),
            Map.entry("abuse.announce_rate_limited", "Announces refused by limits.announces-per-minute."),
            Map.entry("abuse.unknown_passkeys", "Announces and scrapes naming an unknown passkey (private mode)."),
            Map.entry("abuse.passkey_guess_limited",
                    "Requests naming a passkey refused by limits.unknown-passkeys-per-minute for their address."),
            Map.entry("abuse.bans", "Addresses banned for sending invalid UDP connection IDs."),
            Map.entry("abuse.banned_addresses", "Addresses banned right now (a gauge)."),
            Map.entry("access.list_reloads", "Reloads of the info-hash access list."),
            Map.entry("access.list_reload_failures", "Reloads of the info-hash access list that failed (the old list stays)."),
            Map.entry("access.list_entries", "Info-hashes in the access list (a gauge)."),
            Map.entry("accounting.counted", "Announces whose transfer was added to a user's accounting."),
            Map.entry("accounting.baseline_only",
                    "Announces that only set a session's baseline (its first announce, or counters reset)."),
            Map.entry("accounting.no_room",
                    "Announces not accounted because registry.max-accounts or max-sessions was reached."),
            Map.entry("accounting.user_session_limit",
                    "Announces served but not accounted: the user held registry.max-sessions-per-user sessions."),
            Map.entry("registry.users", "Users in the registry (a gauge)."),
            Map.entry("registry.torrents", "Registered torrents (a gauge)."),
            Map.entry("registry.accounts", "Accounting rows, one per user and torrent (a gauge)."),
            Map.entry("registry.sessions", "Peer sessions remembered for byte deltas (a gauge)."),
            Map.entry("registry.records_flushed", "Registry journal records written and fsynced."),
            Map.entry("registry.flush_failed", "Registry journal flushes that failed (retried)."),
            Map.entry("admin.requests", "Admin API requests."),
            Map.entry("admin.unauthorized", "Admin API requests refused for a missing or wrong token."));

    private MetricHelp() {
    }

    /** The description of a metric, or null when it has none. */
    public static String of(String name) {
        return HELP.get(name);
    }
}

package dev.swarm.tracker.cluster;

import java.nio.charset.StandardCharsets;

/**
 * Redis key names. Everything of one shard carries the hash tag {@code {prefix:shard}}, so a Redis Cluster keeps a
 * shard's stream, swarm set and swarm hashes in one slot (one pipeline, one node) and spreads the shards over its
 * masters; the node-wide keys carry {@code {prefix}}.
 *
 * <ul>
 *   <li>{@code {p:s}:changes}: stream of shard {@code s}; entries {@code n} = origin node, {@code d} = concatenated
 *       {@link PeerChange} records</li>
 *   <li>{@code {p:s}:peers}: snapshot of shard {@code s}, one hash: field = info-hash + address length + compact
 *       peer, value = flags + time of the last change; entries older than a peer timeout are removed by the nodes'
 *       cleaners (Redis 7.0 has no expiry per hash field)</li>
 *   <li>{@code {p}:members}: sorted set of node names scored by their last heartbeat (milliseconds)</li>
 *   <li>{@code {p}:idkeys}: hash with the shared connection-ID keys ({@code current}, {@code previous},
 *       {@code rotated})</li>
 * </ul>
 */
final class Keys {
    private final String prefix;
    private final byte[][] streams;
    private final byte[][] snapshots;

    Keys(String prefix, int shards) {
        this.prefix = prefix;
        streams = new byte[shards][];
        snapshots = new byte[shards][];
        for (int s = 0; s < shards; s++) {
            streams[s] = bytes(tag(s) + ":changes");
            snapshots[s] = bytes(tag(s) + ":peers");
        }
    }

    private String tag(int shard) {
        return "{" + prefix + ":" + shard + "}";
    }

    byte[] stream(int shard) {
        return streams[shard];
    }

    byte[] snapshot(int shard) {
        return snapshots[shard];
    }

    byte[] members() {
        return bytes("{" + prefix + "}:members");
    }

    byte[] idKeys() {
        return bytes("{" + prefix + "}:idkeys");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

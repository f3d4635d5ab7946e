package dev.swarm.tracker.cluster;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Redis key names. Everything of one shard carries the hash tag {@code {prefix:shard}}, so a Redis Cluster keeps a
 * shard's stream, swarm set and swarm hashes in one slot (one pipeline, one node) and spreads the shards over its
 * masters; the node-wide keys carry {@code {prefix}}.
 *
 * <ul>
 *   <li>{@code {p:s}:changes}: stream of shard {@code s}; entries {@code n} = origin node, {@code d} = concatenated
 *       {@link PeerChange} records</li>
 *   <li>{@code {p:s}:swarms}: set of the info-hashes (20 raw bytes) of shard {@code s} that have a snapshot hash</li>
 *   <li>{@code {p:s}:peers:<info-hash hex>}: snapshot of one swarm, field = family + compact peer, value = flags +
 *       time; the key expires a peer timeout after its last write</li>
 *   <li>{@code {p}:members}: sorted set of node names scored by their last heartbeat (milliseconds)</li>
 *   <li>{@code {p}:idkeys}: hash with the shared connection-ID keys ({@code current}, {@code previous},
 *       {@code rotated})</li>
 * </ul>
 */
final class Keys {
    private final String prefix;
    private final byte[][] streams;
    private final byte[][] swarmSets;

    Keys(String prefix, int shards) {
        this.prefix = prefix;
        streams = new byte[shards][];
        swarmSets = new byte[shards][];
        for (int s = 0; s < shards; s++) {
            streams[s] = bytes(tag(s) + ":changes");
            swarmSets[s] = bytes(tag(s) + ":swarms");
        }
    }

    private String tag(int shard) {
        return "{" + prefix + ":" + shard + "}";
    }

    byte[] stream(int shard) {
        return streams[shard];
    }

    byte[] swarms(int shard) {
        return swarmSets[shard];
    }

    byte[] peers(int shard, byte[] infoHash) {
        return bytes(tag(shard) + ":peers:" + HexFormat.of().formatHex(infoHash, 0, 20));
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

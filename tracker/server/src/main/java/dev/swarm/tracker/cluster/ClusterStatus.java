package dev.swarm.tracker.cluster;

import java.util.List;

/**
 * What a node says about its replication, in {@code /stats} (as {@code cluster}) and {@code /health}.
 *
 * @param node          this node's name
 * @param redis         whether the last Redis command went through
 * @param caughtUp      whether this node has applied the snapshot since it last (re)connected
 * @param members       the nodes that sent a heartbeat within three heartbeats, by name, this one included
 * @param lagP50Millis  median replication lag of the last 4096 applied changes (-1: none yet)
 * @param lagP99Millis  99th percentile of the same
 * @param outboxDepth   changes accepted here and not yet published
 * @param outboxDropped changes dropped because the outbox was full, since start
 * @param lastError     the last Redis error, empty when none
 */
public record ClusterStatus(String node, boolean redis, boolean caughtUp, List<String> members, long lagP50Millis,
                            long lagP99Millis, int outboxDepth, long outboxDropped, String lastError) {
}

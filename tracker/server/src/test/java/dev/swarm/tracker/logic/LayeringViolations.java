package dev.swarm.tracker.logic;

import io.netty.channel.socket.DatagramPacket;

/** A logic class that breaks the layering, for {@code ServerRulesCanFailTest} only. */
public final class LayeringViolations {
    private LayeringViolations() {
    }

    /** Knows the UDP transport. */
    public static final class ReadsADatagram {
        int length(DatagramPacket p) {
            return p.content().readableBytes();
        }
    }
}

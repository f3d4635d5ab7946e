package dev.swarm.protocol.bencode;

/** A bencode integer ({@code i<decimal>e}), signed 64-bit. */
public record BInt(long value) implements BValue {
}

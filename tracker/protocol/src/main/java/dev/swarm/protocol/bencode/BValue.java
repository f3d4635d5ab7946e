package dev.swarm.protocol.bencode;

/** A decoded bencode value (BEP 3): integer, byte string, list or dictionary. */
public sealed interface BValue permits BInt, BBytes, BList, BDict {
}

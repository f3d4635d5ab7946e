package dev.swarm.protocol.udp;

/** A BEP 15 connect request (its connection-id field was the protocol id). */
public record ConnectRequest(int transactionId) implements UdpRequest {
}

package dev.swarm.protocol.udp;

/** BEP 15 connect response: the connection id to use for the following requests. */
public record ConnectResponse(int transactionId, long connectionId) implements UdpResponse {
}

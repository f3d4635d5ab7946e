package dev.swarm.protocol.udp;

/** BEP 15 error response with the tracker's message (decoded as UTF-8, malformed bytes replaced). */
public record ErrorResponse(int transactionId, String message) implements UdpResponse {
}

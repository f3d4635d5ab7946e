package dev.swarm.protocol.udp;

/** A BEP 15 response, decoded on the client side by {@link UdpClientCodec#decodeResponse}. */
public sealed interface UdpResponse permits ConnectResponse, AnnounceResponse, ScrapeResponse, ErrorResponse {

    /** The transaction id the tracker echoed. */
    int transactionId();
}

package dev.swarm.protocol.udp;

/** A BEP 15 request decoded by {@link UdpCodec#decode(java.nio.ByteBuffer)}. */
public sealed interface UdpRequest permits ConnectRequest, UdpAnnounceRequest, UdpScrapeRequest {

    /** The client's transaction id, to be echoed in the response. */
    int transactionId();
}

/**
 * Client side of the HTTP tracker protocol, for processes that announce to trackers:
 * {@link dev.swarm.protocol.client.HttpAnnounceClient} builds the announce query and parses the
 * response into a {@link dev.swarm.protocol.client.TrackerAnnounceResponse}. The UDP client side is
 * {@link dev.swarm.protocol.udp.UdpClientCodec}. No I/O here.
 */
package dev.swarm.protocol.client;

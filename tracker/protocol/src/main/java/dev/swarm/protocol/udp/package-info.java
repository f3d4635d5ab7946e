/**
 * The UDP tracker protocol (BEP 15) with the BEP 41 option extension.
 *
 * <p>{@link dev.swarm.protocol.udp.UdpCodec} is the tracker side: it decodes
 * {@link dev.swarm.protocol.udp.UdpRequest}s and writes responses; its class documentation lists which
 * malformed requests are dropped and which are answered, and how option lists are read.
 * {@link dev.swarm.protocol.udp.UdpClientCodec} is the client side: it writes requests and decodes
 * {@link dev.swarm.protocol.udp.UdpResponse}s. Bounds derived from the wire, with their reasons, are in
 * {@link dev.swarm.protocol.udp.Udp}.
 *
 * <p>Anti-amplification is the server's job, helped here: a replyable
 * {@link dev.swarm.protocol.ProtocolException} carries the request's connection id for validation, and
 * {@link dev.swarm.protocol.udp.UdpCodec#writeError} caps the error packet at a given size.
 */
package dev.swarm.protocol.udp;

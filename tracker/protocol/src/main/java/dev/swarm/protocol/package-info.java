/**
 * BitTorrent tracker wire formats: pure code, JDK only, no I/O.
 *
 * <p>This package holds the value types shared by the codecs ({@link dev.swarm.protocol.InfoHash},
 * {@link dev.swarm.protocol.PeerId}, {@link dev.swarm.protocol.AnnounceEvent}, compact peer records in
 * {@link dev.swarm.protocol.CompactPeers}, textual addresses in {@link dev.swarm.protocol.IpText}), the
 * reusable output buffer {@link dev.swarm.protocol.ByteSink}, and the single error type
 * {@link dev.swarm.protocol.ProtocolException}.
 *
 * <h2>Error contract</h2>
 * Every decoder in this module meets bad input with a {@code ProtocolException} and with no other
 * exception, whatever the bytes; the exception says whether the input is answered (HTTP
 * {@code failure reason}, UDP error packet) or dropped silently. Exceptions are stackless, and decoders
 * check every declared length against the remaining input before allocating.
 *
 * <h2>Sub-packages</h2>
 * <ul>
 *   <li>{@code bencode}: bounded, strict-by-default bencode reader and writers (BEP 3).</li>
 *   <li>{@code http}: tracker-side announce/scrape query parsing and bencoded responses
 *       (BEP 3, 7, 23, 24, 48).</li>
 *   <li>{@code udp}: BEP 15 packets with BEP 41 options, tracker and client side.</li>
 *   <li>{@code client}: HTTP tracker client side (query building, response parsing).</li>
 * </ul>
 */
package dev.swarm.protocol;

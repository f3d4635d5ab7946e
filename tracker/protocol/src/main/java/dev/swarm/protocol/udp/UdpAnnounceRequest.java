package dev.swarm.protocol.udp;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.Hex;

import java.util.Arrays;

/**
 * A BEP 15 announce request, with the BEP 41 URL data.
 *
 * <p>The arrays are owned by the record (the decoder creates them) and are not copied; equality and hash
 * code compare contents.
 *
 * @param connectionId the connection id the client got from a connect response (not yet validated)
 * @param infoHash     20 bytes
 * @param peerId       20 bytes
 * @param downloaded   as sent (signed 64-bit)
 * @param left         as sent (signed 64-bit)
 * @param uploaded     as sent (signed 64-bit)
 * @param ipv4         the IP address field, 0 = use the sender's address (raw 32 bits, big-endian order)
 * @param key          the client's key
 * @param numWant      peers wanted; -1 (or any negative value) means the tracker's default
 * @param port         1..65535; 0 only when {@code event} is {@link AnnounceEvent#STOPPED}
 * @param urlData      the payloads of all BEP 41 URLData options concatenated (path and query of the
 *                     announce URL); empty when there are none or the option list is malformed
 */
public record UdpAnnounceRequest(long connectionId, int transactionId, byte[] infoHash, byte[] peerId,
                                 long downloaded, long left, long uploaded, AnnounceEvent event, int ipv4, int key,
                                 int numWant, int port, byte[] urlData) implements UdpRequest {

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpAnnounceRequest r && connectionId == r.connectionId
                && transactionId == r.transactionId && Arrays.equals(infoHash, r.infoHash)
                && Arrays.equals(peerId, r.peerId) && downloaded == r.downloaded && left == r.left
                && uploaded == r.uploaded && event == r.event && ipv4 == r.ipv4 && key == r.key
                && numWant == r.numWant && port == r.port && Arrays.equals(urlData, r.urlData);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(infoHash) + Arrays.hashCode(peerId)) + transactionId;
    }

    @Override
    public String toString() {
        return "UdpAnnounceRequest[connectionId=" + connectionId + ", transactionId=" + transactionId
                + ", infoHash=" + Hex.encode(infoHash) + ", peerId=" + Hex.encode(peerId)
                + ", downloaded=" + downloaded + ", left=" + left + ", uploaded=" + uploaded + ", event=" + event
                + ", ipv4=" + ipv4 + ", key=" + key + ", numWant=" + numWant + ", port=" + port
                + ", urlData=" + Hex.encode(urlData) + "]";
    }
}

package dev.swarm.protocol.http;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.Hex;

import java.util.Arrays;
import java.util.Objects;

/**
 * An HTTP announce (BEP 3) as parsed by {@link HttpQueryParser#parseAnnounce(byte[], int, int)}.
 *
 * <p>The arrays are owned by the record (the parser creates them; nobody else holds them) and are not
 * copied. Equality and hash code compare the array contents.
 *
 * @param infoHash   20 bytes
 * @param peerId     20 bytes
 * @param port       1..65535; 0 only when {@code event} is {@link AnnounceEvent#STOPPED}
 * @param uploaded   bytes uploaded, &ge; 0 (0 when absent)
 * @param downloaded bytes downloaded, &ge; 0 (0 when absent)
 * @param left       bytes left, &ge; 0
 * @param event      {@link AnnounceEvent#NONE} when absent, empty, {@code empty} or {@code paused}
 * @param numWant    peers wanted, &ge; 0 (capped at {@link Integer#MAX_VALUE}); -1 when absent
 * @param compact    {@code false} only for {@code compact=0} (dictionary model asked for)
 * @param noPeerId   {@code no_peer_id} present with a value other than {@code 0}
 * @param key        the {@code key} parameter, percent-decoded as ISO-8859-1; null when absent
 * @param ip         the {@code ip} parameter, percent-decoded as ISO-8859-1; null when absent
 */
public record AnnounceRequest(byte[] infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
                              AnnounceEvent event, int numWant, boolean compact, boolean noPeerId, String key,
                              String ip) {

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnounceRequest r && Arrays.equals(infoHash, r.infoHash)
                && Arrays.equals(peerId, r.peerId) && port == r.port && uploaded == r.uploaded
                && downloaded == r.downloaded && left == r.left && event == r.event && numWant == r.numWant
                && compact == r.compact && noPeerId == r.noPeerId && Objects.equals(key, r.key)
                && Objects.equals(ip, r.ip);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(infoHash) + Arrays.hashCode(peerId) + port;
    }

    @Override
    public String toString() {
        return "AnnounceRequest[infoHash=" + Hex.encode(infoHash) + ", peerId=" + Hex.encode(peerId)
                + ", port=" + port + ", uploaded=" + uploaded + ", downloaded=" + downloaded + ", left=" + left
                + ", event=" + event + ", numWant=" + numWant + ", compact=" + compact + ", noPeerId=" + noPeerId
                + ", key=" + key + ", ip=" + ip + "]";
    }
}

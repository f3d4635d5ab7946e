package dev.swarm.protocol.udp;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the client codec writes the tracker codec reads back unchanged, and the other way round. */
class UdpPropertiesTest {

    @Property(tries = 500)
    void announceRoundTrip(@ForAll long connId, @ForAll int txId, @ForAll @Size(20) byte[] infoHash,
                           @ForAll @Size(20) byte[] peerId, @ForAll long downloaded, @ForAll long left,
                           @ForAll long uploaded, @ForAll AnnounceEvent event, @ForAll int key, @ForAll int numWant,
                           @ForAll @IntRange(min = 1, max = 65535) int port,
                           @ForAll @Size(max = 1000) byte[] urlData) throws ProtocolException {
        ByteBuffer b = ByteBuffer.allocate(Udp.MAX_REQUEST_SIZE);
        UdpClientCodec.writeAnnounceRequest(b, connId, txId, infoHash, peerId, downloaded, left, uploaded, event, key,
                numWant, port, urlData);
        // BEP 15 has no paused (BEP 21): it goes out as 0 and comes back as none
        AnnounceEvent sent = event == AnnounceEvent.PAUSED ? AnnounceEvent.NONE : event;
        assertEquals(new UdpAnnounceRequest(connId, txId, infoHash, peerId, downloaded, left, uploaded, sent, 0, key,
                numWant, port, urlData), UdpCodec.decode(b.flip()));
    }

    @Property(tries = 300)
    void scrapeRoundTrip(@ForAll long connId, @ForAll int txId,
                         @ForAll @Size(min = 1, max = 74) List<@Size(20) byte[]> hashes) throws ProtocolException {
        ByteBuffer b = ByteBuffer.allocate(Udp.MAX_REQUEST_SIZE);
        byte[][] arr = hashes.toArray(new byte[0][]);
        UdpClientCodec.writeScrapeRequest(b, connId, txId, arr);
        assertEquals(new UdpScrapeRequest(connId, txId, arr), UdpCodec.decode(b.flip()));
    }

    @Property(tries = 100)
    void connectRoundTrip(@ForAll int txId, @ForAll long connId) throws ProtocolException {
        ByteBuffer b = ByteBuffer.allocate(16);
        UdpClientCodec.writeConnectRequest(b, txId);
        assertEquals(new ConnectRequest(txId), UdpCodec.decode(b.flip()));
        ByteBuffer r = ByteBuffer.allocate(16);
        UdpCodec.writeConnect(r, txId, connId);
        assertEquals(new ConnectResponse(txId, connId), UdpClientCodec.decodeResponse(r.flip(), false));
    }

    @Property(tries = 300)
    void responsesRoundTrip(@ForAll int txId, @ForAll int interval, @ForAll int leechers, @ForAll int seeders,
                            @ForAll @IntRange(max = 60) int peerCount, @ForAll boolean v6,
                            @ForAll @Size(max = 74) List<@Size(3) int[]> counts,
                            @ForAll @StringLength(max = 100) String message) throws ProtocolException {
        byte[] peers = new byte[peerCount * (v6 ? 18 : 6)];
        Arrays.fill(peers, (byte) peerCount);
        ByteBuffer b = ByteBuffer.allocate(2048);
        UdpCodec.writeAnnounce(b, txId, interval, leechers, seeders, peers, 0, peers.length);
        assertEquals(new AnnounceResponse(txId, interval, leechers, seeders, peers),
                UdpClientCodec.decodeResponse(b.flip(), v6));

        int n = counts.size();
        int[] s = new int[n];
        int[] c = new int[n];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = counts.get(i)[0];
            c[i] = counts.get(i)[1];
            l[i] = counts.get(i)[2];
        }
        b.clear();
        UdpCodec.writeScrape(b, txId, n, s, c, l);
        assertEquals(new ScrapeResponse(txId, s, c, l), UdpClientCodec.decodeResponse(b.flip(), v6));

        b.clear();
        int written = UdpCodec.writeError(b, txId, message, 2048);
        ErrorResponse e = (ErrorResponse) UdpClientCodec.decodeResponse(b.flip(), v6);
        assertEquals(8 + message.length(), written);
        assertEquals(message.length(), e.message().length());
        assertEquals(txId, e.transactionId());
    }

    @Property(tries = 3000)
    void arbitraryPacketsOnlyGiveProtocolExceptions(@ForAll @Size(max = 1600) byte[] packet) {
        try {
            UdpRequest r = UdpCodec.decode(ByteBuffer.wrap(packet));
            assertEquals(ByteBuffer.wrap(packet).getInt(12), r.transactionId());
        } catch (ProtocolException e) {
            assertTrue(!e.replyable() || e.transactionId() == ByteBuffer.wrap(packet).getInt(12));
        }
    }
}

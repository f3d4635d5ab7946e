package dev.swarm.tracker.bench;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.udp.Udp;
import dev.swarm.protocol.udp.UdpCodec;
import dev.swarm.protocol.udp.UdpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BEP 15 codec on the tracker's side: decoding announce and scrape requests and writing announce and
 * scrape responses, the per-datagram work of the UDP frontend around the store. Requests cycle through a
 * ring of different packets in direct buffers, as Netty's epoll transport hands them over; responses go
 * into one reused direct buffer sized like the frontend's largest reply.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UdpCodecBench {
    private static final int RING = 1024;
    private static final long CONNECTION_ID = 0x1234_5678_9ABC_DEF0L;

    private final ByteBuffer[] announces = new ByteBuffer[RING];
    private final ByteBuffer[] scrapes = new ByteBuffer[RING];
    private final ByteBuffer out = ByteBuffer.allocateDirect(1232);
    private final byte[] peers = new byte[Workload.NUM_WANT * 6];
    private final int[] seeders = {12};
    private final int[] completed = {345};
    private final int[] leechers = {23};
    private int next;
    private int tx;

    /** Builds the request ring and a 50-peer sample. */
    @Setup
    public void setUp() {
        for (int i = 0; i < RING; i++) {
            int t = i * 9 % Workload.TORRENTS;
            int j = i % Workload.peers(t);
            announces[i] = announce(t, j, i);
            scrapes[i] = scrape(t, i);
        }
        for (int k = 0; k < Workload.NUM_WANT; k++) {
            System.arraycopy(Workload.address(1, k), 0, peers, k * 6, 4);
            int port = Workload.port(1, k);
            peers[k * 6 + 4] = (byte) (port >>> 8);
            peers[k * 6 + 5] = (byte) port;
        }
    }

    /** A 98-byte announce request of peer {@code j} of torrent {@code t} (BEP 15, no BEP 41 options). */
    static ByteBuffer announce(int t, int j, int txId) {
        ByteBuffer b = ByteBuffer.allocateDirect(Udp.ANNOUNCE_REQUEST_SIZE);
        b.putLong(CONNECTION_ID)        // connection_id
                .putInt(Udp.ANNOUNCE)   // action
                .putInt(txId)           // transaction_id
                .put(Workload.infoHash(t))
                .put(Workload.peerId(t, j))
                .putLong(262_144)       // downloaded
                .putLong(Workload.seeder(j) ? 0 : 786_432) // left
                .putLong(131_072)       // uploaded
                .putInt(j % 50 == 0 ? 2 : 0) // event: started now and then, else none
                .putInt(0)              // IP address: the sender's
                .putInt(j * 7919)       // key
                .putInt(Workload.NUM_WANT) // num_want
                .putShort((short) Workload.port(t, j)); // port
        return b.flip();
    }

    /** A one-hash scrape request (BEP 15). */
    static ByteBuffer scrape(int t, int txId) {
        ByteBuffer b = ByteBuffer.allocateDirect(Udp.REQUEST_HEADER_SIZE + 20);
        b.putLong(CONNECTION_ID).putInt(Udp.SCRAPE).putInt(txId).put(Workload.infoHash(t));
        return b.flip();
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (RING - 1);
        return i;
    }

    /** Decodes a 98-byte announce into its record (two 20-byte arrays and the record are allocated). */
    @Benchmark
    public UdpRequest decodeAnnounce() throws ProtocolException {
        return UdpCodec.decode(announces[nextIndex()]);
    }

    /** Decodes a one-hash scrape. */
    @Benchmark
    public UdpRequest decodeScrape() throws ProtocolException {
        return UdpCodec.decode(scrapes[nextIndex()]);
    }

    /** Writes an announce response with 50 IPv4 peers (320 bytes). */
    @Benchmark
    public int writeAnnounce() {
        out.clear();
        return UdpCodec.writeAnnounce(out, tx++, 1800, 23, 12, peers, 0, peers.length);
    }

    /** Writes a one-hash scrape response (20 bytes). */
    @Benchmark
    public int writeScrape() {
        out.clear();
        return UdpCodec.writeScrape(out, tx++, 1, seeders, completed, leechers);
    }
}

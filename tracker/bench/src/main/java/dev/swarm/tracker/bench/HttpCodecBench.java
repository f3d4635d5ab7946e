package dev.swarm.tracker.bench;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.http.AnnounceRequest;
import dev.swarm.protocol.http.HttpQueryParser;
import dev.swarm.protocol.http.HttpResponses;
import java.nio.charset.StandardCharsets;
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
 * HTTP announce codec: parsing the query string of {@code GET /announce?...} (percent-decoding the binary
 * info-hash, numbers, event) and writing the bencoded compact response. Queries look like httpload.lua's
 * and cycle through a ring; the response goes into one reused {@link ByteSink}, as the frontend does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpCodecBench {
    private static final int RING = 1024;

    private final byte[][] queries = new byte[RING][];
    private final ByteSink sink = new ByteSink(4096, 64 * 1024);
    private final byte[] peers = new byte[Workload.NUM_WANT * 6];
    private final byte[] externalIp = {127, 0, 0, 1};
    private int next;

    /** Builds the query ring and a 50-peer sample. */
    @Setup
    public void setUp() {
        for (int i = 0; i < RING; i++) {
            int t = i * 9 % Workload.TORRENTS;
            int j = i % Workload.peers(t);
            queries[i] = query(t, j, i % 50 == 0 ? "&event=started" : "");
        }
        for (int k = 0; k < Workload.NUM_WANT; k++) {
            System.arraycopy(Workload.address(2, k), 0, peers, k * 6, 4);
            int port = Workload.port(2, k);
            peers[k * 6 + 4] = (byte) (port >>> 8);
            peers[k * 6 + 5] = (byte) port;
        }
    }

    /** The query httpload.lua sends for peer {@code j} of torrent {@code t} (without the leading '?'). */
    static byte[] query(int t, int j, String event) {
        StringBuilder q = new StringBuilder("info_hash=");
        for (byte b : Workload.infoHash(t)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_' || c == '~') {
                q.append((char) c);
            } else {
                q.append('%').append(Character.toUpperCase(Character.forDigit(c >>> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        q.append("&peer_id=").append(new String(Workload.peerId(t, j), StandardCharsets.US_ASCII))
                .append("&port=").append(Workload.port(t, j))
                .append("&uploaded=131072&downloaded=262144&left=").append(Workload.seeder(j) ? 0 : 786432)
                .append("&compact=1&numwant=").append(Workload.NUM_WANT).append(event);
        return q.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses one announce query into its record. */
    @Benchmark
    public AnnounceRequest parseAnnounce() throws ProtocolException {
        byte[] q = queries[next];
        next = (next + 1) & (RING - 1);
        return HttpQueryParser.parseAnnounce(q, 0, q.length);
    }

    /** Writes a compact announce response with 50 IPv4 peers and the external ip (BEP 23, BEP 24). */
    @Benchmark
    public int bencodeAnnounce() {
        sink.reset();
        HttpResponses.announce(sink, 1800, 300, 12, 23, peers, peers.length, null, 0, externalIp, null, true);
        return sink.size();
    }
}

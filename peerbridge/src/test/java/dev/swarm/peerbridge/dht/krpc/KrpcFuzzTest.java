package dev.swarm.peerbridge.dht.krpc;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target for the KRPC decoder. Under plain {@code mvn test} it replays the inputs in
 * {@code src/test/resources/.../KrpcFuzzTestInputs/decode/} (libtorrent datagrams as seeds);
 * {@code mvn test -Djazzer.fuzz=1 -Dtest=KrpcFuzzTest#decode} fuzzes it. Fails on any exception other
 * than {@link KrpcException}, and when a decoded message does not survive encode + decode unchanged.
 */
class KrpcFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] data) {
        try {
            KrpcMessage m = Krpc.decode(data);
            KrpcMessage back = Krpc.decode(Krpc.encode(m));
            if (!back.equals(m)) {
                throw new AssertionError("round trip changed " + m + " into " + back);
            }
        } catch (KrpcException expected) {
            // bad input: answered with a KRPC error or dropped
        }
    }
}

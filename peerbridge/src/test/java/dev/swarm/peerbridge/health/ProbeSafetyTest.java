package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.net.AddressFilter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Probes of learned trackers go through the same address filter as announces: a learned URL whose host resolves
 * to loopback is refused without a packet sent; the same URL from the user's own torrent is probed.
 */
@Timeout(30)
class ProbeSafetyTest {
    @Test
    void aLearnedTrackerOnLoopbackIsNotProbed() throws Exception {
        try (DatagramSocket victim = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            victim.setSoTimeout(1500);
            String learned = "udp://localhost:" + victim.getLocalPort() + "/announce";
            NetProbeClient probes = new NetProbeClient(Duration.ofMillis(500), System::currentTimeMillis,
                    null, AddressFilter.PUBLIC_ONLY);
            try {
                List<ProbeResult> r = probes.probe(learned, List.of(new byte[20]), true).get(10, TimeUnit.SECONDS);
                assertEquals(1, r.size());
                assertFalse(r.get(0).ok());
                assertTrue(r.get(0).error().startsWith("not contacted: ") && r.get(0).error().contains("loopback"),
                        r.get(0).error());
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                try {
                    victim.receive(p);
                    throw new AssertionError("a probe packet reached the victim");
                } catch (SocketTimeoutException expected) {
                    // nothing sent
                }
                String trusted = "udp://127.0.0.1:" + victim.getLocalPort() + "/announce";
                probes.probe(trusted, List.of(new byte[20]), false); // not restricted: sent (and never answered)
                victim.receive(p);
                assertEquals(16, p.getLength(), "the trusted tracker's BEP 15 connect arrived");
            } finally {
                probes.close();
            }
        }
    }
}

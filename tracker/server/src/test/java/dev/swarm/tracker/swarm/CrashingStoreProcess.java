package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process of the crash test: opens the store, announces peers, prints {@code READY <stats>} and
 * waits on stdin until the test kills it with SIGKILL, so the store is never closed.
 */
public final class CrashingStoreProcess {
    static final long NOW = SwarmStoreContract.T0;

    private CrashingStoreProcess() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int peers = Integer.parseInt(args[1]);
        SwarmStore s = OffHeapSwarmStore.open(new SwarmStoreConfig(dir, 1000, SwarmStoreContract.MAX_PEERS, 1000, 20,
                Duration.ofSeconds(SwarmStoreContract.TIMEOUT_SEC), SwarmStoreConfig.OnCorrupt.QUARANTINE));
        AnnounceOp op = new AnnounceOp();
        PeerSample out = new PeerSample(50);
        for (int i = 0; i < peers; i++) {
            Family f = i % 2 == 0 ? Family.V4 : Family.V6;
            AnnounceEvent e = i % 7 == 0 ? AnnounceEvent.COMPLETED : AnnounceEvent.STARTED;
            s.announce(Peers.fill(op, i % 10, f, i, e, i % 7 == 0, 50), NOW, out);
        }
        System.out.println("READY " + s.stats());
        System.out.flush();
        System.in.read();
        System.exit(3);
    }
}

package dev.swarm.tracker.swarm;

import static dev.swarm.tracker.swarm.Family.V4;
import static dev.swarm.tracker.swarm.Family.V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SIGKILL in the middle of a write, simulated at every store: each write path of {@link PackedSwarm} runs on a
 * value whose stores stop after the k-th (for every k until the write completes; the stores made before stay, as
 * they do in the page cache of the mapped file); then recovery's check and {@link PackedSwarm#repair()} run on what
 * is left. No peer stored before the write may be missing, except the one the write is about; IPv4 slots are
 * written with single 8-byte stores, so there nothing else may appear either.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PackedSwarmCrashTest {
    private static final int NOW = 1000;

    /** Thrown by the store in place of the store after the last allowed one. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    private static byte[] peer(Family family, int i) {
        byte[] p = new byte[family.recordLength()];
        p[0] = family == V4 ? (byte) 10 : (byte) 0x20;
        p[p.length - 4] = (byte) (i >> 8);
        p[p.length - 3] = (byte) i;
        p[p.length - 2] = (byte) 0x1A; // port 6881, big-endian
        p[p.length - 1] = (byte) 0xE1;
        return p;
    }

    /** Peers as "address:seeder" keys, read back from a value. */
    private static Set<String> peers(PackedSwarm ps) {
        Set<String> out = new HashSet<>();
        int l = ps.leechers();
        for (int i = 0; i < ps.count(); i++) {
            out.add(keyAt(ps, i) + (i >= l ? ":S" : ":L"));
        }
        return out;
    }

    private static String keyAt(PackedSwarm ps, int i) {
        // the compact record of slot i, via a one-peer sample
        byte[] out = new byte[ps.layout().record + PeerSample.SLACK + 8];
        int got = ps.sample(i, i + 1, -1, 1, NOW, Integer.MAX_VALUE, out);
        assertEquals(1, got);
        return java.util.HexFormat.of().formatHex(out, 0, ps.layout().record);
    }

    private static String key(byte[] peer) {
        return java.util.HexFormat.of().formatHex(peer);
    }

    /** A store that performs the first {@code allowed} writes and then throws {@link Killed}. */
    @SuppressWarnings("unchecked")
    private static BytesStore<?, ?> killAfter(BytesStore<?, ?> real, int allowed) {
        int[] done = {0};
        return (BytesStore<?, ?>) Proxy.newProxyInstance(BytesStore.class.getClassLoader(),
                new Class<?>[] {BytesStore.class}, (proxy, m, args) -> {
                    if (isWrite(m)) {
                        if (done[0] >= allowed) {
                            throw new Killed();
                        }
                        done[0]++;
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean isWrite(Method m) {
        String n = m.getName();
        return n.startsWith("write") || n.equals("move") || n.startsWith("zero") || n.startsWith("compareAndSwap");
    }

    /**
     * Builds a swarm of the given leechers and seeders (ids), runs {@code op} killed after every number of stores,
     * and checks what recovery makes of each state.
     *
     * @param subject the peer the op writes (may be lost or kept), or null
     * @return how many kill points were tried
     */
    private static int crashEverywhere(Family family, int[] leechers, int[] seeders, byte[] subject,
                                       Consumer<PackedSwarm> op) {
        return crashEverywhere(family, leechers, seeders, subject, false, op);
    }

    /** As above; with {@code staleThirds}, the peers whose id is a multiple of 3 were last seen 100 s ago and may go. */
    private static int crashEverywhere(Family family, int[] leechers, int[] seeders, byte[] subject,
                                       boolean staleThirds, Consumer<PackedSwarm> op) {
        SwarmLayout layout = new SwarmLayout(family, SwarmLayout.chunkSizeFor(family), 1000);
        int n = leechers.length + seeders.length;
        long size = layout.valueSize(n + 2);
        BytesStore<?, Void> real = BytesStore.nativeStoreWithFixedCapacity(size);
        try {
            for (int allowed = 0; ; allowed++) {
                real.zeroOut(0, size);
                PackedSwarm ps = new PackedSwarm(layout).wrap(real, 0, size);
                ps.init(NOW, 0);
                Set<String> mayGo = new HashSet<>();
                for (int id : leechers) {
                    ps.key(peer(family, id));
                    ps.insert(peer(family, id), PeerMeta.of(false, false, staleThirds && id % 3 == 0 ? NOW - 100 : NOW));
                    if (staleThirds && id % 3 == 0) {
                        mayGo.add(key(peer(family, id)));
                    }
                }
                for (int id : seeders) {
                    ps.key(peer(family, id));
                    ps.insert(peer(family, id), PeerMeta.of(true, false, staleThirds && id % 3 == 0 ? NOW - 100 : NOW));
                    if (staleThirds && id % 3 == 0) {
                        mayGo.add(key(peer(family, id)));
                    }
                }
                assertTrue(ps.ordered());
                Set<String> before = peers(ps);
                boolean completed = true;
                ps.wrap(killAfter(real, allowed), 0, size);
                try {
                    op.accept(ps);
                } catch (Killed k) {
                    completed = false;
                }
                ps.wrap(real, 0, size);
                assertTrue(ps.valid(), "kill after " + allowed + " stores: the counts fit");
                if (!ps.ordered()) {
                    ps.repair();
                }
                assertTrue(ps.ordered(), "kill after " + allowed + " stores: ordered after repair");
                Set<String> after = peers(ps);
                String subjectKey = subject == null ? null : key(subject);
                for (String p : before) {
                    String addr = p.substring(0, p.length() - 2);
                    boolean found = after.contains(addr + ":L") || after.contains(addr + ":S");
                    assertTrue(found || addr.equals(subjectKey) || mayGo.contains(addr),
                            "kill after " + allowed + " stores of " + family + ": peer " + p + " lost; left " + after);
                }
                if (family == V4) {
                    for (String p : after) {
                        String addr = p.substring(0, p.length() - 2);
                        assertTrue(before.contains(addr + ":L") || before.contains(addr + ":S")
                                        || addr.equals(subjectKey),
                                "kill after " + allowed + " stores: peer " + p + " appeared; before " + before);
                    }
                }
                if (completed) {
                    return allowed + 1;
                }
            }
        } finally {
            real.releaseLast();
        }
    }

    private static int[] ids(int from, int to, int step) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i < to; i += step) {
            l.add(i);
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void noStoredPeerIsLostByAKillInAnyWrite() {
        for (Family f : new Family[] {V4, V6}) {
            int[] leechers = ids(0, 80, 4); // 0, 4, ..., 76
            int[] seeders = ids(2, 80, 4); // 2, 6, ..., 78
            for (int fresh : new int[] {1, 41, 99}) { // before, among and after the stored ones
                for (boolean seeder : new boolean[] {false, true}) {
                    byte[] p = peer(f, fresh);
                    int meta = PeerMeta.of(seeder, false, NOW + 1);
                    assertTrue(crashEverywhere(f, leechers, seeders, p, ps -> {
                        ps.key(p);
                        assertEquals(-1, ps.find(seeder));
                        ps.insert(p, meta);
                    }) > 1);
                    // an insert into a swarm with only the other region
                    crashEverywhere(f, seeder ? leechers : new int[0], seeder ? new int[0] : seeders, p, ps -> {
                        ps.key(p);
                        ps.insert(p, meta);
                    });
                }
            }
            for (int id : new int[] {0, 40, 76, 2, 42, 78}) {
                byte[] p = peer(f, id);
                crashEverywhere(f, leechers, seeders, p, ps -> {
                    ps.key(p);
                    ps.remove(ps.find(id % 4 == 2));
                });
                crashEverywhere(f, leechers, seeders, p, ps -> {
                    ps.key(p);
                    boolean seeder = id % 4 == 2;
                    ps.switchRegion(ps.find(seeder), p, PeerMeta.of(!seeder, false, NOW + 1));
                });
            }
            crashEverywhere(f, leechers, seeders, null, true, ps -> {
                int[] removedSeeders = new int[1];
                assertEquals(14, ps.sweep(NOW, 50, removedSeeders), "ids 0, 12, ..., 72 and 6, 18, ..., 78 expired");
            });
            Random rnd = new Random(42);
            for (int round = 0; round < 30; round++) {
                int[] ls = rnd.ints(rnd.nextInt(12), 0, 60).distinct().sorted().toArray();
                int[] ss = rnd.ints(rnd.nextInt(12), 0, 60).filter(x -> java.util.Arrays.binarySearch(ls, x) < 0)
                        .distinct().sorted().toArray();
                int fresh = 100 + rnd.nextInt(100);
                int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(ls), java.util.Arrays.stream(ss))
                        .toArray();
                int pick = all.length == 0 ? -1 : all[rnd.nextInt(all.length)];
                boolean seeder = rnd.nextBoolean();
                byte[] p = peer(f, fresh % 60 + 60);
                crashEverywhere(f, ls, ss, p, ps -> {
                    ps.key(p);
                    ps.insert(p, PeerMeta.of(seeder, false, NOW));
                });
                if (pick >= 0) {
                    byte[] q = peer(f, pick);
                    boolean isSeeder = java.util.Arrays.binarySearch(ss, pick) >= 0;
                    crashEverywhere(f, ls, ss, q, ps -> {
                        ps.key(q);
                        ps.remove(ps.find(isSeeder));
                    });
                    crashEverywhere(f, ls, ss, q, ps -> {
                        ps.key(q);
                        ps.switchRegion(ps.find(isSeeder), q, PeerMeta.of(!isSeeder, false, NOW + 1));
                    });
                }
            }
        }
    }
}

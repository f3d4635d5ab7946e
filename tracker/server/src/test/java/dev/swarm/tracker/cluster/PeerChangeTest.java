package dev.swarm.tracker.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.tracker.swarm.Family;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The replicated change record and the snapshot entry: layout, round trips, damaged input. */
class PeerChangeTest {
    private static PeerChange v4(byte kind, int flags, long time) {
        PeerChange c = PeerChange.create();
        c.kind = kind;
        c.flags = flags;
        c.family = Family.V4;
        for (int i = 0; i < 20; i++) {
            c.infoHash[i] = (byte) (0xA0 + i);
        }
        byte[] peer = {127, 0, 0, 2, 0x1A, (byte) 0xE1}; // 127.0.0.2:6881
        System.arraycopy(peer, 0, c.peer, 0, 6);
        c.timeMillis = time;
        return c;
    }

    @Test
    void anIpv4UpsertHasTheDocumentedLayout() {
        byte[] out = new byte[PeerChange.length(Family.V4)];
        assertEquals(37, out.length); // 3 + 20 + 6 + 8
        assertEquals(37, v4(PeerChange.UPSERT, PeerChange.SEEDER | PeerChange.COMPLETED, 0x0102030405060708L).encode(out, 0));
        assertEquals(PeerChange.UPSERT, out[0]);
        assertEquals(3, out[1]);                       // seeder | completed
        assertEquals(4, out[2]);                       // address length
        assertEquals((byte) 0xA0, out[3]);             // info-hash starts
        assertArrayEquals(new byte[] {127, 0, 0, 2, 0x1A, (byte) 0xE1}, Arrays.copyOfRange(out, 23, 29));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOfRange(out, 29, 37)); // time, big-endian
    }

    @Test
    void concatenatedRecordsRoundTripAndADamagedTailIsRejected() {
        PeerChange a = v4(PeerChange.UPSERT, PeerChange.SEEDER, 1000);
        PeerChange b = PeerChange.create();
        b.kind = PeerChange.REMOVE;
        b.family = Family.V6;
        b.peer[15] = 1; // ::1
        b.peer[17] = 80;
        b.timeMillis = 2000;
        byte[] buf = new byte[a.length() + b.length()];
        int end = b.encode(buf, a.encode(buf, 0));
        assertEquals(buf.length, end);
        PeerChange r = PeerChange.create();
        int at = r.decode(buf, 0, buf.length);
        assertEquals(37, at);
        assertTrue(r.seeder());
        assertFalse(r.completed());
        assertEquals(1000, r.timeMillis);
        assertEquals(buf.length, r.decode(buf, at, buf.length));
        assertEquals(PeerChange.REMOVE, r.kind);
        assertEquals(Family.V6, r.family);
        assertEquals(80, r.peer[17]);
        for (int cut = 1; cut < b.length(); cut++) {
            assertEquals(-1, r.decode(buf, at, buf.length - cut), "a record cut by " + cut + " bytes");
        }
        byte[] badKind = buf.clone();
        badKind[0] = 9;
        assertEquals(-1, r.decode(badKind, 0, badKind.length));
        byte[] badFamily = buf.clone();
        badFamily[2] = 5;
        assertEquals(-1, r.decode(badFamily, 0, badFamily.length));
    }

    @Test
    void aSnapshotEntryRoundTripsAndForeignBytesAreRefused() {
        PeerChange a = v4(PeerChange.UPSERT, PeerChange.COMPLETED, 123_456_789L);
        byte[] field = PeerChange.snapshotField(a.infoHash, a.family, a.peer);
        byte[] value = PeerChange.snapshotValue(a.flags, a.timeMillis);
        assertEquals(27, field.length);
        assertEquals(123_456_789L, PeerChange.snapshotTime(value));
        PeerChange r = PeerChange.create();
        assertTrue(r.fromSnapshot(field, value));
        assertArrayEquals(a.infoHash, r.infoHash);
        assertEquals(Family.V4, r.family);
        assertTrue(r.completed());
        assertEquals(123_456_789L, r.timeMillis);
        assertFalse(r.fromSnapshot(Arrays.copyOf(field, 26), value));
        assertFalse(r.fromSnapshot(field, Arrays.copyOf(value, 8)));
        assertEquals(-1, PeerChange.snapshotTime(new byte[3]));
    }

    @Test
    void shardsComeFromTheFirstTwoBytes() {
        byte[] h = new byte[20];
        h[0] = 0x12;
        h[1] = 0x34;
        assertEquals(0x4, PeerChange.shardOf(h, 16));
        assertEquals(0x234, PeerChange.shardOf(h, 1024));
        assertEquals(0, PeerChange.shardOf(h, 1));
    }
}

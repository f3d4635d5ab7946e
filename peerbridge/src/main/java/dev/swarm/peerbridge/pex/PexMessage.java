package dev.swarm.peerbridge.pex;

import dev.swarm.peerbridge.wire.WireException;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The BEP 11 {@code ut_pex} payload: {@code added}/{@code added6} (compact peers, 6 and 18 bytes),
 * {@code added.f}/{@code added6.f} (one flags byte per added peer), {@code dropped}/{@code dropped6}.
 * Pure codec. Decoding ignores unknown keys, a trailing partial entry and entries with port 0, reads
 * at most {@link #MAX_DECODED} entries per list, and treats a missing or short flags string as
 * flags 0; only a payload that is not a bencoded dictionary is an error.
 *
 * @param added   peers added since the last message, with their flags
 * @param dropped peers dropped since the last message
 */
public record PexMessage(List<Peer> added, List<InetSocketAddress> dropped) {
    /** BEP 11 flag: prefers encryption. */
    public static final int FLAG_ENCRYPTION = 0x01;
    /** BEP 11 flag: seed / upload only. */
    public static final int FLAG_SEED = 0x02;
    /** BEP 11 flag: supports uTP. */
    public static final int FLAG_UTP = 0x04;
    /** BEP 11 flag: supports ut_holepunch. */
    public static final int FLAG_HOLEPUNCH = 0x08;
    /** BEP 11 flag: reachable (an outgoing connection was made to it). */
    public static final int FLAG_REACHABLE = 0x10;
    /** BEP 11: at most 50 added and 50 dropped peers per message. */
    public static final int MAX_PER_MESSAGE = 50;
    /** Bound on entries read per list from a peer (libtorrent sends at most 100 + 100). */
    public static final int MAX_DECODED = 200;

    private static final BencodeLimits LIMITS = new BencodeLimits(4, 1 << 20, 64, false);

    /** One added peer and its BEP 11 flags. */
    public record Peer(InetSocketAddress address, int flags) {
        public boolean seed() {
            return (flags & FLAG_SEED) != 0;
        }
    }

    public PexMessage {
        added = List.copyOf(added);
        dropped = List.copyOf(dropped);
    }

    /** @throws WireException if the payload is not a bencoded dictionary */
    public static PexMessage decode(byte[] payload) throws WireException {
        BValue[] out = new BValue[1];
        try {
            Bencode.decodePrefix(payload, 0, payload.length, LIMITS, out);
        } catch (ProtocolException e) {
            throw new WireException("ut_pex message is not valid bencode: " + e.getMessage(), e);
        }
        if (!(out[0] instanceof BDict d)) {
            throw new WireException("ut_pex message is not a bencoded dictionary");
        }
        List<Peer> added = new ArrayList<>();
        addPeers(added, d.bytes("added"), d.bytes("added.f"), 4);
        addPeers(added, d.bytes("added6"), d.bytes("added6.f"), 16);
        List<InetSocketAddress> dropped = new ArrayList<>();
        for (Peer p : peers(d.bytes("dropped"), null, 4)) {
            dropped.add(p.address());
        }
        for (Peer p : peers(d.bytes("dropped6"), null, 16)) {
            dropped.add(p.address());
        }
        return new PexMessage(added, dropped);
    }

    private static void addPeers(List<Peer> into, byte[] compact, byte[] flags, int ipLength) {
        into.addAll(peers(compact, flags, ipLength));
    }

    private static List<Peer> peers(byte[] compact, byte[] flags, int ipLength) {
        List<Peer> out = new ArrayList<>();
        if (compact == null) {
            return out;
        }
        int entry = ipLength + 2;
        int n = Math.min(compact.length / entry, MAX_DECODED);
        for (int i = 0; i < n; i++) {
            byte[] ip = new byte[ipLength];
            System.arraycopy(compact, i * entry, ip, 0, ipLength);
            int port = ((compact[i * entry + ipLength] & 0xff) << 8) | (compact[i * entry + ipLength + 1] & 0xff);
            if (port == 0) {
                continue;
            }
            InetAddress a;
            try {
                a = InetAddress.getByAddress(ip);
            } catch (UnknownHostException e) {
                continue;
            }
            if (ipLength == 16 && a instanceof Inet4Address) {
                continue; // a v4-mapped address in added6: not what added6 is for
            }
            int f = flags != null && i < flags.length ? flags[i] & 0xff : 0;
            out.add(new Peer(new InetSocketAddress(a, port), f));
        }
        return out;
    }

    /**
     * The bencoded payload (without the extended id byte). Keys present only when their list is not
     * empty, except {@code added} and {@code dropped}, which are always present (as libtorrent).
     *
     * @throws IllegalArgumentException if a list is over {@link #MAX_PER_MESSAGE}
     */
    public byte[] encode() {
        if (added.size() > MAX_PER_MESSAGE || dropped.size() > MAX_PER_MESSAGE) {
            throw new IllegalArgumentException("BEP 11 allows at most " + MAX_PER_MESSAGE + " added and dropped peers");
        }
        ByteBuffer a4 = ByteBuffer.allocate(6 * added.size());
        ByteBuffer f4 = ByteBuffer.allocate(added.size());
        ByteBuffer a6 = ByteBuffer.allocate(18 * added.size());
        ByteBuffer f6 = ByteBuffer.allocate(added.size());
        for (Peer p : added) {
            if (p.address().getAddress() instanceof Inet6Address) {
                a6.put(p.address().getAddress().getAddress()).putShort((short) p.address().getPort());
                f6.put((byte) p.flags());
            } else {
                a4.put(p.address().getAddress().getAddress()).putShort((short) p.address().getPort());
                f4.put((byte) p.flags());
            }
        }
        ByteBuffer d4 = ByteBuffer.allocate(6 * dropped.size());
        ByteBuffer d6 = ByteBuffer.allocate(18 * dropped.size());
        for (InetSocketAddress p : dropped) {
            (p.getAddress() instanceof Inet6Address ? d6 : d4).put(p.getAddress().getAddress()).putShort((short) p.getPort());
        }
        BDict.Builder b = BDict.builder();
        b.put("added", bytes(a4));
        b.put("added.f", bytes(f4));
        if (a6.position() > 0) {
            b.put("added6", bytes(a6));
            b.put("added6.f", bytes(f6));
        }
        b.put("dropped", bytes(d4));
        if (d6.position() > 0) {
            b.put("dropped6", bytes(d6));
        }
        return Bencode.encode(b.build());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}

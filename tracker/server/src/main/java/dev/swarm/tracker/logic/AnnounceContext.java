package dev.swarm.tracker.logic;

import dev.swarm.tracker.registry.User;
import dev.swarm.tracker.swarm.AnnounceOp;

/**
 * One announce as the logic sees it, whatever frontend it came from. Frontends own one instance per thread
 * and fill it for each request; nothing here is retained after {@link TrackerLogic#announce} returns.
 */
public final class AnnounceContext {
    /** Where the announce came from. */
    public enum Transport { HTTP, UDP }

    /** Store input: info-hash, address family, compact peer (address + port), event, seeder flag, numwant. */
    public final AnnounceOp op = new AnnounceOp();
    public final byte[] peerId = new byte[20];
    public Transport transport;
    public long uploaded;
    public long downloaded;
    public long left;
    /** The numwant the client asked for; -1 when absent. */
    public int requestedNumWant;
    /** Most peers the transport can carry for this family (UDP: one datagram), or Integer.MAX_VALUE. */
    public int transportPeerCap;
    /**
     * The path (and query) after the announce endpoint: the passkey part of {@code /announce/<passkey>} for HTTP,
     * BEP 41 URL data for UDP; empty when none.
     */
    public String path = "";
    /**
     * The client's address (4 or 16 bytes, IPv4-mapped addresses as 4), as the frontend determined it: the source
     * address, or the one a trusted proxy forwarded. Rate limits key on it; it is not the announced {@code ip}.
     */
    public byte[] clientAddress;
    /** Set by the passkey step of the chain (private mode); null before it and in public mode. */
    public User user;
    /** Set by the registered-torrent step of the chain (private mode): the torrent is freeleech. */
    public boolean freeleech;
    /** Set by the logic after the store, for the observers: the swarm's seeders and leechers (this family) now. */
    public int swarmSeeders;
    public int swarmLeechers;
}

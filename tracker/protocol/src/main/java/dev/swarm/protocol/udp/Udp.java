package dev.swarm.protocol.udp;

/** BEP 15 constants, with the reasoning behind each bound. */
public final class Udp {

    /** The magic connection id of a connect request (BEP 15). */
    public static final long PROTOCOL_ID = 0x41727101980L;

    /** Action: connect. */
    public static final int CONNECT = 0;
    /** Action: announce. */
    public static final int ANNOUNCE = 1;
    /** Action: scrape. */
    public static final int SCRAPE = 2;
    /** Action: error (tracker to client only). */
    public static final int ERROR = 3;

    /** Every request starts with connection id (8), action (4), transaction id (4). */
    public static final int REQUEST_HEADER_SIZE = 16;

    /** Every response starts with action (4), transaction id (4). */
    public static final int RESPONSE_HEADER_SIZE = 8;

    /** The fixed part of an announce request; BEP 41 options may follow. */
    public static final int ANNOUNCE_REQUEST_SIZE = 98;

    /** The fixed part of an announce response; compact peers follow. */
    public static final int ANNOUNCE_RESPONSE_HEADER_SIZE = 20;

    /** Bytes per torrent in a scrape response: seeders, completed, leechers (4 each). */
    public static final int SCRAPE_RESPONSE_ENTRY_SIZE = 12;

    /**
     * Most info-hashes in one scrape request. BEP 15: "up to about 74 torrents can be scraped at once".
     * The request is then 16 + 74 &times; 20 = 1496 bytes, about one 1500-byte Ethernet frame; more would
     * fragment.
     */
    public static final int MAX_SCRAPE_HASHES = 74;

    /**
     * Largest request accepted: the largest valid scrape, 16 + {@value #MAX_SCRAPE_HASHES} &times; 20 =
     * 1496 bytes. An announce is 98 bytes plus BEP 41 options (a URL path and query, a few hundred bytes
     * at most), so this also bounds option data. A receive buffer one byte larger lets a server detect
     * (and drop) anything bigger.
     */
    public static final int MAX_REQUEST_SIZE = REQUEST_HEADER_SIZE + MAX_SCRAPE_HASHES * 20;

    /** BEP 41 option: end of options, any bytes after it are ignored. */
    public static final int OPTION_END = 0;
    /** BEP 41 option: no operation, one byte. */
    public static final int OPTION_NOP = 1;
    /** BEP 41 option: URL data, a length byte and up to 255 bytes of the announce URL's path and query. */
    public static final int OPTION_URL_DATA = 2;

    private Udp() {
    }
}

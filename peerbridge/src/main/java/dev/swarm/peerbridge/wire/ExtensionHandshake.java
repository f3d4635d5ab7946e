package dev.swarm.peerbridge.wire;

import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BInt;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The BEP 10 extension handshake (extended message id 0) with the keys this bridge uses: {@code m}
 * (extension name to the id the sender wants to receive it with, 0 = disabled), {@code p} (listen
 * port), {@code v} (client), {@code reqq} (request queue), {@code yourip}, {@code metadata_size},
 * and BEP 28's {@code tr} (tracker list hash, 20 raw bytes; 40 hex accepted on input).
 *
 * <p>Decoding follows BEP 10: unknown keys are ignored, and so is a known key with the wrong type
 * or an out-of-range value; only a payload that is not a bencoded dictionary is an error.
 */
public final class ExtensionHandshake {
    /** The BEP 28 extension name. */
    public static final String LT_TEX = "lt_tex";

    private final Map<String, Integer> extensions;
    private final Integer listenPort;
    private final String client;
    private final Integer requestQueue;
    private final byte[] trackerHash;
    private final byte[] yourIp;
    private final Long metadataSize;

    /**
     * @param extensions   name → id (1..255 to enable, 0 to disable); copied
     * @param listenPort   {@code p}, or null
     * @param client       {@code v}, or null
     * @param requestQueue {@code reqq}, or null
     * @param trackerHash  {@code tr} (20 bytes), or null
     * @param yourIp       {@code yourip} (4 or 16 bytes), or null
     * @param metadataSize {@code metadata_size}, or null
     */
    public ExtensionHandshake(Map<String, Integer> extensions, Integer listenPort, String client, Integer requestQueue,
            byte[] trackerHash, byte[] yourIp, Long metadataSize) {
        for (Map.Entry<String, Integer> e : extensions.entrySet()) {
            if (e.getValue() < 0 || e.getValue() > 255) {
                throw new IllegalArgumentException("extension id out of 0..255: " + e);
            }
        }
        if (trackerHash != null && trackerHash.length != 20) {
            throw new IllegalArgumentException("tr must be 20 bytes");
        }
        this.extensions = Collections.unmodifiableMap(new TreeMap<>(extensions));
        this.listenPort = listenPort;
        this.client = client;
        this.requestQueue = requestQueue;
        this.trackerHash = trackerHash == null ? null : trackerHash.clone();
        this.yourIp = yourIp == null ? null : yourIp.clone();
        this.metadataSize = metadataSize;
    }

    /**
     * Decodes a handshake payload (after the extended id byte).
     *
     * @throws WireException if it is not a bencoded dictionary
     */
    public static ExtensionHandshake decode(byte[] payload) throws WireException {
        BDict d = ExtensionPayloads.dict(payload, "extension handshake");
        Map<String, Integer> m = new LinkedHashMap<>();
        BDict md = d.dict("m");
        if (md != null) {
            for (Map.Entry<String, BValue> e : md.entries().entrySet()) {
                if (e.getValue() instanceof BInt(long id) && id >= 0 && id <= 255) {
                    m.put(e.getKey(), (int) id);
                }
            }
        }
        Long p = d.integer("p");
        Long reqq = d.integer("reqq");
        byte[] tr = d.bytes("tr");
        byte[] yourip = d.bytes("yourip");
        Long metadataSize = d.integer("metadata_size");
        return new ExtensionHandshake(m,
                p != null && p > 0 && p <= 65535 ? p.intValue() : null,
                d.get("v") instanceof BBytes v ? v.asUtf8() : null,
                reqq != null && reqq > 0 && reqq <= Integer.MAX_VALUE ? reqq.intValue() : null,
                tr == null ? null : TrackerListHash.parse(tr),
                yourip != null && (yourip.length == 4 || yourip.length == 16) ? yourip : null,
                metadataSize != null && metadataSize > 0 ? metadataSize : null);
    }

    /** The bencoded payload (without the extended id byte), keys in canonical order. */
    public byte[] encode() {
        BDict.Builder mb = BDict.builder();
        extensions.forEach((k, v) -> mb.put(k, v));
        BDict.Builder b = BDict.builder().put("m", mb.build());
        if (metadataSize != null) {
            b.put("metadata_size", metadataSize);
        }
        if (listenPort != null) {
            b.put("p", listenPort);
        }
        if (requestQueue != null) {
            b.put("reqq", requestQueue);
        }
        if (trackerHash != null) {
            b.put("tr", trackerHash.clone());
        }
        if (client != null) {
            b.put("v", client);
        }
        if (yourIp != null) {
            b.put("yourip", yourIp.clone());
        }
        return Bencode.encode(b.build());
    }

    /** The id the sender wants {@code name} messages sent with, or 0 if it does not support it. */
    public int idOf(String name) {
        return extensions.getOrDefault(name, 0);
    }

    /** The extension name the sender registered for id {@code id}, or null. */
    public String nameOf(int id) {
        if (id == 0) {
            return null;
        }
        for (Map.Entry<String, Integer> e : extensions.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey();
            }
        }
        return null;
    }

    public Map<String, Integer> extensions() {
        return extensions;
    }

    public Integer listenPort() {
        return listenPort;
    }

    public String client() {
        return client;
    }

    public Integer requestQueue() {
        return requestQueue;
    }

    /** The peer's {@code tr} as 20 bytes (hex form converted), or null if absent or malformed. */
    public byte[] trackerHash() {
        return trackerHash == null ? null : trackerHash.clone();
    }

    public byte[] yourIp() {
        return yourIp == null ? null : yourIp.clone();
    }

    public Long metadataSize() {
        return metadataSize;
    }
}

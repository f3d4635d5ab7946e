package dev.swarm.peerbridge.tex;

import java.time.Duration;

/**
 * The BEP 28 knobs of one process.
 *
 * @param trustTorrentTrackers     true: trackers named by the torrent count as verified from the start
 *                                 (BEP 28 allows it); false: they too must answer an announce first
 * @param maxLearned               cap on trackers learned over {@code lt_tex} per torrent (libtorrent 1.1: 50)
 * @param learnedFailureLimit      consecutive failures after which a learned tracker is dropped
 *                                 (libtorrent 1.1: 1)
 * @param failuresBeforeWithdraw   consecutive failures after which a verified tracker stops being advertised
 * @param initialDelay             delay between a peer's extension handshake and the first {@code lt_tex}
 *                                 message to it (libtorrent 1.1: about 6 s)
 * @param interval                 minimum time between two {@code lt_tex} messages to one peer (BEP 28: 2 min)
 * @param maxUrlsPerMessage        URLs of one received message that are looked at; the rest are ignored
 * @param allowPrivateAddresses    true: learned trackers may be on loopback, private, link-local ... addresses
 *                                 (tests, private networks); false (default): such URLs are refused when
 *                                 learned and at request time ({@code net.AddressFilter})
 */
public record TexPolicy(boolean trustTorrentTrackers, int maxLearned, int learnedFailureLimit,
        int failuresBeforeWithdraw, Duration initialDelay, Duration interval, int maxUrlsPerMessage,
        boolean allowPrivateAddresses) {

    /** libtorrent 1.1's behaviour, with torrent trackers verified before they are advertised. */
    public static final TexPolicy DEFAULT = new TexPolicy(false, 50, 1, 1, Duration.ofSeconds(6),
            Duration.ofMinutes(2), 200);

    /** A policy refusing learned trackers on private addresses. */
    public TexPolicy(boolean trustTorrentTrackers, int maxLearned, int learnedFailureLimit, int failuresBeforeWithdraw,
            Duration initialDelay, Duration interval, int maxUrlsPerMessage) {
        this(trustTorrentTrackers, maxLearned, learnedFailureLimit, failuresBeforeWithdraw, initialDelay, interval,
                maxUrlsPerMessage, false);
    }

    public TexPolicy {
        if (maxLearned < 0 || learnedFailureLimit < 1 || failuresBeforeWithdraw < 1 || maxUrlsPerMessage < 1) {
            throw new IllegalArgumentException("tex limits must be positive (max-learned may be 0)");
        }
        if (initialDelay.isNegative() || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("tex delays must be positive");
        }
    }
}

package dev.swarm.peerbridge.tex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class TrackerUrlTest {
    @Test
    void acceptsAndNormalisesUsualTrackers() {
        assertEquals("udp://127.0.0.1:16882/announce", TrackerUrl.check("udp://127.0.0.1:16882/announce").url());
        assertEquals("http://tracker.example.org/announce", TrackerUrl.check("http://tracker.example.org/announce").url());
        assertEquals("https://t.example.org:8443/a/b?passkey=ab12&x=1",
                TrackerUrl.check("https://t.example.org:8443/a/b?passkey=ab12&x=1").url());
        assertEquals("http://tracker.example.org:80/Announce",
                TrackerUrl.check("HTTP://Tracker.Example.ORG:80/Announce").url());
        assertEquals("udp://tracker.example.org:6969", TrackerUrl.check("UDP://TRACKER.example.org:6969").url());
    }

    @Test
    void refusesWhatLibtorrentAndBep28Refuse() {
        String[] bad = {
                null, "", "ftp://tracker.example.org/announce", "dht://x", "tracker.example.org:80",
                "udp://tracker.example.org/announce", // udp without a port
                "http://tracker.example.org:0/announce", "http://tracker.example.org:65536/announce",
                "http://[::1]:80/announce", // IPv6 literal
                "http://a b.org/announce", "http://x.org/a\nb", "http://x.org/\u0001", "http://x.org/\u007f",
                "http://tr\u00e4cker.org/announce", "http://user:pw@x.org/announce", "http://x.org/a#frag",
                "http://-bad-.org/a", "http://1.2.3.999/a", "http://1.2.3/a", "udp://:80/", "http:///announce",
                "http://x..org/a", "http://x_y.org/a", "http://x.org:abc/a", "http:announce",
                "http://x.org/" + "a".repeat(TrackerUrl.MAX_LENGTH),
        };
        for (String s : bad) {
            TrackerUrl.Check c = TrackerUrl.check(s);
            assertFalse(c.accepted(), "accepted " + s);
        }
        assertEquals("scheme is not udp, http or https", TrackerUrl.check("ftp://x.org/").rejection());
    }
}

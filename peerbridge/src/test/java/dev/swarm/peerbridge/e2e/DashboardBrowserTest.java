package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.Metainfo;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.peerbridge.web.WebServer;
import dev.swarm.peerbridge.wire.PeerMessage;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser (Debian's chromium through /usr/bin/chromedriver, driven by Selenium, kept
 * on loopback): a bridge watching a torrent announced to this project's tracker (in-process), with two scripted peers
 * connected (a seed and a leecher by their bitfields). The page loads with that run's data, every uPlot chart draws
 * (canvas of non-zero size with drawn pixels, one uPlot instance per tracker and per torrent), the figures shown are the
 * run's, and the browser logs no error. A screenshot is saved to target/screenshots/dashboard.png.
 */
@Timeout(180)
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Flags that keep chromium on loopback: no background, update, sync, metrics or lookup traffic. */
    static ChromeOptions options(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--metrics-recording-only", "--disable-breakpad",
                "--disable-crash-reporter", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                "--safebrowsing-disable-auto-update", "--disable-extensions", "--disable-dev-shm-usage",
                "--disable-features=OptimizationHints,MediaRouter,DialMediaRouteProvider,Translate,"
                        + "AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying,"
                        + "InterestFeedContentSuggestions,CalculateNativeWinOcclusion,PrivacySandboxSettings4",
                // every name fails to resolve but 127.0.0.1, the only address the test uses
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--window-size=1300,1500", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        return o;
    }

    /** The rendered text of every element matching {@code selector}, read at one instant of the page. */
    @SuppressWarnings("unchecked")
    static List<String> texts(JavascriptExecutor js, String selector) {
        return (List<String>) js.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText)", selector);
    }

    @Test
    void dashboardDrawsEveryChartWithTheRunsDataAndNoConsoleError() throws Exception {
        boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(available, "chromium/chromium-driver not installed (scripts/test installs them)");
        }
        assumeTrue(available, "Debian chromium and chromium-driver are not installed (apt-get install chromium "
                + "chromium-driver): the dashboard browser test is skipped");
        // Selenium Manager must never download a driver or a browser: both paths are given, and it runs offline.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");

        try (InProcessTracker tracker = InProcessTracker.fastAnnounces(dir.resolve("tracker"))) {
            byte[] file = WebApiTest.torrentFile(List.of(List.of(tracker.httpUrl())), "dashboard-test");
            TorrentSpec spec = Metainfo.parse(file, "dashboard.torrent");
            String ih = spec.infoHash().toHex();
            try (Bridge bridge = Bridge.start(WebApiTest.fastConfig());
                    WebServer web = new WebServer(bridge, new InetSocketAddress("127.0.0.1", 0),
                            new WebServer.Settings(Duration.ofHours(1), 8), System::currentTimeMillis);
                    ScriptedPeer seed = new ScriptedPeer(Bridges.address(bridge));
                    ScriptedPeer leecher = new ScriptedPeer(Bridges.address(bridge))) {
                assertEquals(null, bridge.addTorrent(spec));
                seed.handshake(spec.infoHash().bytes(), "seed", 15_000).extensionHandshake(0);
                seed.send(new PeerMessage.Bitfield(new byte[] {(byte) 0b1100_0000}));
                leecher.handshake(spec.infoHash().bytes(), "leech", 15_000).extensionHandshake(0);
                leecher.send(new PeerMessage.Bitfield(new byte[] {(byte) 0b1000_0000}));
                String[] last = new String[1];
                WebApiTest.awaitShowing(last, "the dashboard data has a few probes, samples, a seed and a leecher", 30_000, () -> {
                    try {
                        last[0] = WebApiTest.get(web, "/api/dashboard").body();
                        JsonNode d = JSON.readTree(last[0]);
                        JsonNode to = d.path("torrents").get(0);
                        return d.path("trackers").size() == 1 && d.path("trackers").get(0).path("history").get(0).size() >= 3
                                && to.path("history").get(0).size() >= 3 && to.path("figures").path("seeds").asInt() == 1
                                && to.path("figures").path("leechers").asInt() == 1;
                    } catch (Exception e) {
                        return false;
                    }
                });

                ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
                ChromeDriver driver = new ChromeDriver(service, options(dir.resolve("profile")));
                try {
                    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
                    driver.get("http://127.0.0.1:" + web.address().getPort() + "/");
                    JavascriptExecutor js = driver;
                    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
                        Object n = js.executeScript("return window.peerbridge && window.peerbridge.lastError === null"
                                + " ? window.peerbridge.refreshes : -1");
                        return n instanceof Number x && x.intValue() >= 2;
                    });

                    // one uPlot instance per tracker and per torrent, each on a canvas of non-zero size with pixels drawn
                    assertEquals(2L, js.executeScript("return window.peerbridge.charts.size"), "uPlot instances");
                    @SuppressWarnings("unchecked")
                    List<Object> canvases = (List<Object>) js.executeScript("""
                            return Array.from(document.querySelectorAll('.uplot canvas')).map(c => {
                              const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                              let drawn = 0;
                              for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) drawn++;
                              return [c.width, c.height, drawn];
                            });""");
                    assertEquals(2, canvases.size(), "one canvas per chart: " + canvases);
                    for (Object c : canvases) {
                        List<?> v = (List<?>) c;
                        long w = ((Number) v.get(0)).longValue();
                        long h = ((Number) v.get(1)).longValue();
                        long drawn = ((Number) v.get(2)).longValue();
                        assertTrue(w > 0 && h > 0, "canvas size " + v);
                        assertTrue(drawn > 500, "pixels drawn on the canvas (axes, grid, lines): " + v);
                    }

                    // the figures are the run's: the tracker ranked first, one seed and one leecher by bitfield.
                    // Rows are replaced at every refresh, so they are read in one script (no element handle goes stale).
                    List<String> rows = texts(js, "#trackers tbody tr");
                    assertEquals(1, rows.size(), rows.toString());
                    assertTrue(rows.get(0).contains(tracker.httpUrl()) && rows.get(0).contains("working"), rows.get(0));
                    String torrentCard = driver.findElement(By.id("torrent-cards-h" + ih)).getText();
                    assertTrue(torrentCard.contains("1 seeds, 1 leechers connected"), torrentCard);
                    // one seed and a peer with half the pieces: 1 full copy plus half of the pieces held twice
                    assertTrue(torrentCard.contains("availability 1.5"), torrentCard);
                    assertTrue(torrentCard.contains("dashboard-test"), torrentCard);
                    String badge = driver.findElement(By.id("health")).getText();
                    assertEquals("ok", badge);
                    driver.findElement(By.cssSelector("#tracker-cards details summary")).click();
                    List<String> log = texts(js, "#tracker-cards details table tr");
                    assertTrue(log.size() >= 3 && !log.get(0).isBlank(), "the opened response log shows the results: " + log);
                    assertTrue(log.stream().anyMatch(r -> r.contains("announce")), "an announce in the log: " + log);
                    assertTrue(log.stream().anyMatch(r -> r.contains("http-scrape ipv4")), "a probe in the log: " + log);

                    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
                    Path shots = Path.of("target", "screenshots");
                    Files.createDirectories(shots);
                    Files.write(shots.resolve("dashboard.png"), png);
                    assertTrue(png.length > 10_000, "screenshot of " + png.length + " bytes");

                    List<String> errors = new ArrayList<>();
                    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                        if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                            errors.add(e.getLevel() + " " + e.getMessage());
                        }
                    }
                    assertEquals(List.of(), errors, "browser console errors and warnings");
                } finally {
                    driver.quit();
                }
            }
        }
    }
}

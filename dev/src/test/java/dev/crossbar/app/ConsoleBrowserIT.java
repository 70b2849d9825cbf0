package dev.crossbar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The operator console in a real browser (Debian's {@code chromium}, headless, driven by Selenium through
 * {@code chromedriver}) against one dev stack started as a user starts it, for the whole class: the overview shows
 * the three chains; a game with a false root (the devnet operator's {@code wrong-root}, switched on at the start) is
 * at risk, its finding shows evidence and runbook, and the game is then won; a deposit's timeline reaches RELAYED; a
 * dead-lettered message is retried (refused without the admin token, accepted with it) and relayed; a withdrawal's
 * page shows its wait running and its timeline growing live; bad page input shows a clear not-found and script in a
 * query value stays inert. After each test the browser's console log has no error (but the API answers the
 * test provoked on purpose) and a screenshot is saved under {@code target/console-screenshots/}.
 *
 * <p>Without chromium or chromedriver the class is skipped, naming what is missing; in CI ({@code CI=true}) it
 * fails instead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER",
            "/usr/bin/chromedriver"));
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final Pattern CONSOLE = Pattern.compile("console (http://\\S+?)/ ");
    private static final Duration UI = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path work;

    static DevModeProcess dev;
    static ChromeDriver browser;
    static String base;
    static String adminToken;
    static String readToken;
    static long started;
    /** The game the devnet operator created with a wrong root (found at risk by the second test). */
    static String falseGame;

    /** The API answers a test provokes on purpose (they show in the browser log as failed loads). */
    private final Set<Integer> expectedStatuses = new TreeSet<>();

    @BeforeAll
    static void start() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("chromium (" + CHROMIUM + ")");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add("chromedriver (" + CHROMEDRIVER + ")");
        }
        if (!missing.isEmpty()) {
            String why = "the console's browser tests need " + String.join(" and ", missing)
                    + ": apt-get install chromium chromium-driver (or set CHROMIUM / CHROMEDRIVER)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            System.err.println("ConsoleBrowserIT skipped: " + why);
            Assumptions.abort(why);
        }
        started = System.nanoTime();
        Path data = work.resolve("dev");
        // With a read token, as production runs: the console asks for it (dev mode's status sends it too).
        readToken = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));
        dev = DevModeProcess.start(data, Path.of("target", "ConsoleBrowserIT.log"), Map.of(
                "CROSSBAR_HTTP_READ_TOKEN_ENV", "CROSSBAR_READ_TOKEN", "CROSSBAR_READ_TOKEN", readToken),
                "--status-interval", "10s", "--demo-interval", "5s");
        dev.await(0, l -> l.contains(DevModeProcess.READY), Duration.ofSeconds(180));
        Matcher m = dev.lines.stream().map(l -> CONSOLE.matcher(l.text())).filter(Matcher::find).findFirst()
                .orElseThrow(() -> new AssertionError("dev mode printed no console line:\n" + dev.text()));
        base = m.group(1);
        adminToken = Files.readString(data.resolve("admin-token")).trim();
        // The devnet operator's next dispute game on l2a claims a wrong root: the monitor must catch and counter it.
        String operator = DevModeProcess.manifest(data).path("operatorAdminUrl").asText();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(operator
                + "/misbehave?switch=wrong-root&l2=l2a")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1100", "--user-data-dir=" + work.resolve("chromium"));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        System.out.printf("ConsoleBrowserIT: dev stack and browser up in %d s%n", seconds());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (dev != null) {
            try {
                dev.stop();
            } finally {
                DevModeProcess.killAll(List.of(dev), work.resolve("dev"));
            }
            System.out.printf("ConsoleBrowserIT: %d s in all%n", seconds());
        }
    }

    @BeforeEach
    void clearLog() {
        browser.manage().logs().get(LogType.BROWSER);
    }

    @AfterEach
    void screenshotAndConsoleLog(TestInfo test) throws Exception {
        shot(test.getTestMethod().orElseThrow().getName());
        List<String> errors = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !expected(e.getMessage())) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("errors in the browser's console").isEmpty();
        System.out.printf("ConsoleBrowserIT: %s done at %d s%n", test.getDisplayName(), seconds());
    }

    private boolean expected(String message) {
        Matcher m = Pattern.compile("status of (\\d{3})").matcher(message);
        return message.contains("Failed to load resource") && m.find()
                && expectedStatuses.contains(Integer.parseInt(m.group(1)));
    }

    @Test
    @Order(1)
    void theConsoleAsksForTheReadTokenThenTheOverviewShowsTheThreeChainsLive() throws Exception {
        expectedStatuses.add(401);
        browser.get(base + "/");
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElement(By.id("read-token")).isDisplayed()).isTrue();
            assertThat(text("#live")).isEqualTo("needs token");
        });
        shot("login");
        browser.findElement(By.id("read-token")).sendKeys(readToken);
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> {
            List<WebElement> rows = browser.findElements(By.cssSelector("#chains tbody tr[data-chain]"));
            assertThat(rows).extracting(r -> r.getDomAttribute("data-chain")).containsExactly("l1", "l2a", "l2b");
            assertThat(rows.get(1).findElements(By.tagName("td")).get(3).getText()).matches("\\d+");
        });
        await().atMost(UI).untilAsserted(() -> assertThat(text("#live")).isEqualTo("live"));
        assertThat(text("#signers")).contains("relayer");
        // Messages by kind and state, and the last hour from the service's own meters (sampled every 10 s): a
        // sparkline per chain, throughput and latency charts, and the lag per chain.
        await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector("#messages-by-kind tr[data-kind=DEPOSIT] td.total")))
                    .singleElement().extracting(WebElement::getText).asString().matches("[1-9]\\d*");
            assertThat(Integer.parseInt(browser.findElement(By.id("history")).getDomAttribute("data-samples")))
                    .isGreaterThanOrEqualTo(2);
            assertThat(browser.findElements(By.cssSelector("#chains svg.spark polyline"))).hasSize(3);
            assertThat(browser.findElements(By.cssSelector("#lag-history svg.chart polyline"))).hasSize(3);
            assertThat(browser.findElements(By.cssSelector("#throughput-chart polyline, #throughput-chart circle")))
                    .isNotEmpty();
        });
        shot("overview-history");
    }

    @Test
    @Order(3)
    void badPageInputShowsNotFoundAndScriptInAQueryStaysInert() throws Exception {
        expectedStatuses.addAll(List.of(400, 404));
        String unknown = "0x" + "ab".repeat(32);
        browser.get(base + "/#/messages/" + unknown);
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#not-found")).isEqualTo("Not found");
            assertThat(text("#not-found-reason")).isEqualTo("no message " + unknown);
        });
        shot("not-found-message");
        browser.get(base + "/#/messages/nothing");
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(text("#not-found-reason"))
                .startsWith("Not a message id: nothing"));
        browser.get(base + "/#/nowhere");
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(text("#not-found-reason"))
                .isEqualTo("No such page: #/nowhere"));
        String script = "<script>window.xss=1</script><img src=x onerror=\"window.xss=2\">";
        browser.get(base + "/#/messages?sender=" + java.net.URLEncoder.encode(script,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(text("#search-error"))
                .contains("sender=" + script).contains("is not an address"));
        assertThat(browser.findElements(By.cssSelector("#results img, #results script"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.xss === undefined")).isEqualTo(true);
        assertThat(browser.findElement(By.id("q-sender")).getDomProperty("value")).isEqualTo(script);
    }

    @Test
    @Order(4)
    void aDepositsTimelineReachesRelayed() throws Exception {
        String id = message("kind=DEPOSIT", true);
        browser.get(base + "/#/messages/" + id);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#timeline tbody")).contains("RELAYED");
            assertThat(browser.findElements(By.cssSelector("#timeline tbody tr"))).hasSizeGreaterThanOrEqualTo(2);
        });
        shot("deposit-relayed");
    }

    /**
     * l2a's demo target told to revert makes the demo messages to it fail; the relayer replays them a few times and
     * gives up (DEAD_LETTERED). Told to accept again, such a message is retried from its page: refused without the
     * admin token, then, with it, READY again and relayed (its timeline growing to RELAYED on the open page).
     */
    @Test
    @Order(5)
    void aDeadLetteredMessageIsRetriedWithTheAdminTokenOnly() throws Exception {
        Path data = work.resolve("dev");
        var l2a = DevModeProcess.manifest(data).path("l2s").get(0);
        String target = l2a.path("contracts").path("demoTarget").asText();
        org.web3j.protocol.Web3j web3j = org.web3j.protocol.Web3j.build(
                new org.web3j.protocol.http.HttpService(l2a.path("rpcUrl").asText()));
        try {
            DemoTarget demo = DemoTarget.load(target, web3j, new org.web3j.tx.RawTransactionManager(web3j,
                    DevKeys.DEPLOYER.credentials(), l2a.path("chainId").asLong()),
                    DevChain.GAS);
            assertThat(demo.setReverting(true).send().isStatusOK()).isTrue();
            String id;
            try {
                // The relayer replays a failed message a few times, then gives up on it (DEAD_LETTERED). A fast
                // cross-rollup message (l2b to l2a): the relayer relays it again once retried. (A deposit's retry is
                // refused: the rollup executes deposits, and replays them through its messenger.)
                id = message("kind=CROSS_ROLLUP&state=DEAD_LETTERED", true);
            } finally {
                assertThat(demo.setReverting(false).send().isStatusOK()).isTrue();
            }
            browser.get(base + "/#/messages/" + id);
            await().atMost(UI).ignoreExceptions().untilAsserted(() -> assertThat(text("#timeline tbody"))
                    .contains("DEAD_LETTERED").contains("gave up after"));

            expectedStatuses.add(401);
            browser.findElement(By.id("admin-token")).clear();
            browser.findElement(By.id("retry")).click();
            await().atMost(UI).untilAsserted(() -> assertThat(text("#retry-result"))
                    .startsWith("Refused (401): admin actions need Authorization: Bearer"));
            assertThat(text("dl.facts")).contains("DEAD_LETTERED");
            shot("retry-refused");
            browser.findElement(By.id("admin-token")).sendKeys(adminToken);
            browser.findElement(By.id("retry")).click();
            await().atMost(UI).untilAsserted(() -> assertThat(text("#retry-result"))
                    .isEqualTo("Retried: the message is READY again."));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(text("#timeline tbody")).contains("retried by operator");
                assertThat(text("dl.facts")).contains("RELAYED");
            });
            assertThat(browser.getPageSource()).doesNotContain(adminToken).doesNotContain(readToken);
            shot("retried-relayed");
        } finally {
            web3j.shutdown();
        }
    }

    /**
     * A withdrawal takes minutes in dev mode (game clocks 60 s, proof maturity 90 s, airgap 15 s): the newest one's
     * page shows its wait running and its timeline growing live (the page is not reloaded). The first one sent
     * reaches RELAYED by the end of the class ({@link #theFirstWithdrawalsTimelineReachesRelayed}).
     */
    @Test
    @Order(6)
    void aWithdrawalsPageShowsItsWaitRunningAndItsTimelineGrowingLive() throws Exception {
        String id = message("kind=WITHDRAWAL&state=SENT", false);
        browser.get(base + "/#/messages/" + id);
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<Integer> rows = new AtomicReference<>();
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("#timeline tbody")).contains("SENT");
            rows.set(browser.findElements(By.cssSelector("#timeline tbody tr")).size());
            first.set(text("#waiting .countdown"));
        });
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() ->
                assertThat(text("#waiting .countdown")).isNotEqualTo(first.get()));
        shot("withdrawal-waiting");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("#timeline tbody tr"))).hasSizeGreaterThan(rows.get()));
        assertThat(browser.getCurrentUrl()).endsWith("#/messages/" + id);
        shot("withdrawal-timeline-grown");
    }

    @Test
    @Order(2)
    void aGameWithAFalseRootAppearsAtRisk() throws Exception {
        browser.get(base + "/");
        AtomicReference<String> game = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            WebElement link = browser.findElement(By.cssSelector("#games-at-risk tbody a"));
            game.set(link.getText().replaceAll(".* ", ""));
        });
        falseGame = game.get();
        shot("game-at-risk");
        browser.findElement(By.cssSelector("#games-at-risk tbody a")).click();
        await().atMost(UI).ignoreExceptions().untilAsserted(() -> {
            assertThat(text("main h1")).contains(falseGame);
            assertThat(text("dl.facts")).contains("IN_PROGRESS", "AT RISK", "INVALID");
            assertThat(browser.findElements(By.cssSelector("#claim-tree g.claim"))).isNotEmpty();
        });
    }

    @Test
    @Order(7)
    void theFalseRootsFindingShowsItsEvidenceAndRunbook() throws Exception {
        browser.get(base + "/#/findings?status=ALL");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            WebElement f = browser.findElement(By.cssSelector("article.finding[data-kind=INVALID_ROOT_CLAIM]"));
            assertThat(f.findElements(By.cssSelector("table tbody tr"))).hasSizeGreaterThan(3);
            assertThat(f.getText()).contains("Evidence", falseGame.substring(0, 10), "Runbook",
                    "An honest challenger must counter it");
        });
        shot("finding-evidence");
    }

    @Test
    @Order(8)
    void theGameWithAFalseRootIsCounteredAndWon() throws Exception {
        browser.get(base + "/#/games/" + falseGame);
        await().atMost(Duration.ofSeconds(180)).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector("#claim-tree g.claim.challenger"))).isNotEmpty();
            assertThat(text("dl.facts")).contains("CHALLENGER_WINS").contains("WON");
        });
    }

    /**
     * The first withdrawal the demo sent, watched on its page (not reloaded) until its timeline reaches RELAYED: proved
     * against a dispute game, finalized once the proof matured and the game resolved, with the prove and finalize
     * transactions listed. Last, since it takes the game's clock and the proof's maturity (about two minutes from
     * the send); the false-root game above runs its clocks meanwhile.
     */
    @Test
    @Order(9)
    void theFirstWithdrawalsTimelineReachesRelayed() throws Exception {
        String id = message("kind=WITHDRAWAL", true);
        browser.get(base + "/#/messages/" + id);
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
            assertThat(text("dl.facts")).contains("RELAYED");
            assertThat(text("#timeline tbody")).contains("SENT").contains("RELAYED");
            assertThat(text("#transactions tbody")).contains("PROVE").contains("FINALIZE");
        });
        assertThat(browser.getCurrentUrl()).endsWith("#/messages/" + id);
        shot("withdrawal-relayed");
    }

    /** The id of the oldest or newest message a search lists (waiting for demo traffic to make one). */
    private String message(String search, boolean oldest) {
        browser.get(base + "/#/messages?" + search);
        AtomicReference<String> id = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
            List<WebElement> links = browser.findElements(By.cssSelector("#messages tbody td a"));
            if (links.isEmpty() && browser.findElements(By.cssSelector("#messages tr.empty")).size() > 0) {
                browser.navigate().refresh(); // the list is not live: look again
            }
            assertThat(links).isNotEmpty();
            id.set((oldest ? links.getLast() : links.getFirst()).getDomAttribute("title")); // the list is newest first
        });
        return id.get();
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static void shot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static long seconds() {
        return (System.nanoTime() - started) / 1_000_000_000L;
    }
}

package dev.gantry.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven by ChromeDriver, for dashboard tests: a fresh profile per instance
 * (deleted on close), so nothing is cached or remembered between browsers.
 *
 * <pre>{@code
 * Browser.assumeAvailable();
 * try (Browser b = Browser.start()) {
 *     b.login(server.baseUrl(), server.admin);
 *     b.open(server.baseUrl() + "/#/jobs").waitReady("jobs", Duration.ofSeconds(20));
 *     assertThat(b.severeConsoleMessages()).isEmpty();
 * }
 * }</pre>
 *
 * With {@link BrowserScreenshots} on the test class, a failed test leaves a screenshot, the page
 * source and the console log of every browser still open under {@code target/browser-failures}.
 */
public final class Browser implements AutoCloseable {
    /** Where the dashboard keeps the API token (the login page writes it, every API call reads it). */
    public static final String TOKEN_KEY = "gantry.token";
    /** Set to {@code true} (CI does) to fail, rather than skip, browser tests when Chromium is missing. */
    public static final String REQUIRE_VARIABLE = "GANTRY_REQUIRE_BROWSER";

    /** The window's (and, headless, the viewport's) size in CSS pixels. */
    public record Size(int width, int height) {
        public static final Size DESKTOP = new Size(1280, 900);
        public static final Size PHONE = new Size(390, 844);
    }

    private static final Pattern FAVICON_MISSING = Pattern.compile("^\\S+/favicon\\.ico - Failed to load resource");
    private static final Set<Browser> OPEN = ConcurrentHashMap.newKeySet();
    // Selenium warns at every start that it has no DevTools bindings for this Chromium; we use none.
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
    }

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final List<LogEntry> console = new ArrayList<>();

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Aborts the calling test (JUnit assumption) when Chromium or ChromeDriver is missing, with one
     * line saying what is missing and how to install it; fails it instead when
     * {@code GANTRY_REQUIRE_BROWSER=true}, so CI cannot pass by skipping every browser test.
     */
    public static ChromiumInstall assumeAvailable() {
        return ChromiumInstall.find().orElseGet(() -> {
            String why = "browser test skipped: " + ChromiumInstall.whatIsMissing();
            if ("true".equalsIgnoreCase(System.getenv(REQUIRE_VARIABLE))) {
                throw new AssertionError(why.replace("skipped", "failed") + " (" + REQUIRE_VARIABLE + "=true)");
            }
            Assumptions.abort(why);
            return null;
        });
    }

    /** A desktop-sized browser (1280x900). */
    public static Browser start() {
        return start(Size.DESKTOP);
    }

    public static Browser start(Size size) {
        ChromiumInstall install = assumeAvailable();
        Path profile;
        try {
            profile = Files.createTempDirectory("gantry-chromium-");
        } catch (IOException e) {
            throw new AssertionError("cannot create a Chromium profile folder", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(install.browser().toFile());
        // --no-sandbox: tests run as root here. The networking flags stop Chromium's own calls home,
        // which this machine's closed network refuses (slowly, and many at a time).
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--window-size=" + size.width() + "," + size.height());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // An explicit driver executable: Selenium Manager is never run, so it never tries to download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(install.driver().toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
        Browser b = new Browser(service, driver, profile);
        OPEN.add(b);
        try {
            return b.resize(size);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** Browsers started and not yet closed (for {@link BrowserScreenshots}). */
    static List<Browser> openBrowsers() {
        return List.copyOf(OPEN);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Loads {@code url} (waits for its load event). Clears {@code data-ready} first, so that a
     * following {@link #waitReady} waits for this navigation even when only the hash changes.
     */
    public Browser open(String url) {
        try {
            driver.executeScript("if (document.documentElement) delete document.documentElement.dataset.ready");
        } catch (WebDriverException e) {
            // no document yet (about:blank, a crashed tab): nothing to clear
        }
        if (url.equals(driver.getCurrentUrl())) {
            // The same address, hash included, is no navigation at all: load it again.
            driver.navigate().refresh();
        } else {
            driver.get(url);
        }
        return this;
    }

    /**
     * Puts the browser on the server's origin without loading the dashboard ({@code /health} is
     * open and plain JSON) and stores {@code token} where the dashboard reads it.
     */
    public Browser login(String baseUrl, String token) {
        Objects.requireNonNull(token, "token");
        driver.get(baseUrl + "/health");
        driver.executeScript("localStorage.setItem(arguments[0], arguments[1])", TOKEN_KEY, token);
        return this;
    }

    /** Runs {@code script} in the page (Selenium's executeScript: {@code arguments[i]}, {@code return ...}). */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /**
     * Waits until the dashboard says {@code page} has rendered the data of its first API answers
     * ({@code document.documentElement.dataset.ready == page}). On timeout the error names the URL,
     * what {@code data-ready} held and the console errors.
     */
    public Browser waitReady(String page, Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> page.equals(readyPage()));
        } catch (ConditionTimeoutException e) {
            String ready;
            try {
                ready = readyPage();
            } catch (WebDriverException w) {
                ready = "unreadable: " + w.getMessage().lines().findFirst().orElse("");
            }
            throw new AssertionError("page '" + page + "' not ready within " + timeout.toMillis() + " ms at " + driver.getCurrentUrl()
                    + " (data-ready is " + ready + "); console errors: " + severeConsoleMessages(), e);
        }
        return this;
    }

    private String readyPage() {
        return (String) driver.executeScript("return document.documentElement.dataset.ready ?? null");
    }

    /**
     * The start time of the last {@code gantry:ready:<page>} performance mark: milliseconds from
     * this document's navigation start to the page showing its data. (After a hash-only
     * navigation the origin is still the document's first load.)
     */
    public double readyMillis(String page) {
        Object t = driver.executeScript("""
                const marks = performance.getEntriesByName('gantry:ready:' + arguments[0], 'mark');
                return marks.length ? marks[marks.length - 1].startTime : null""", page);
        if (t == null) throw new AssertionError("no performance mark gantry:ready:" + page + " at " + driver.getCurrentUrl());
        return ((Number) t).doubleValue();
    }

    /**
     * Makes the viewport (what CSS media queries see) {@code size}: headless Chromium still counts
     * a window frame around it, so the window is grown by the difference.
     */
    public Browser resize(Size size) {
        for (int attempt = 0; attempt < 2; attempt++) {
            @SuppressWarnings("unchecked")
            List<Number> inner = (List<Number>) driver.executeScript("return [window.innerWidth, window.innerHeight]");
            int dw = size.width() - inner.get(0).intValue();
            int dh = size.height() - inner.get(1).intValue();
            if (dw == 0 && dh == 0) break;
            Dimension outer = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(outer.getWidth() + dw, outer.getHeight() + dh));
        }
        return this;
    }

    /** Saves a PNG of the viewport, creating the folders; returns {@code file}. */
    public Path screenshot(Path file) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
        return file;
    }

    public String pageSource() {
        return driver.getPageSource();
    }

    /** Every console message since the browser started (ChromeDriver hands each one out once, so they are kept here). */
    public synchronized List<LogEntry> consoleMessages() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return List.copyOf(console);
    }

    /**
     * The console's errors so far: uncaught exceptions, {@code console.error}, and resources that
     * failed to load (a 404 or 401 shows here too). A test asserts this is empty. Not counted:
     * the browser's own request for {@code /favicon.ico} when the page names no icon, which
     * arrives at some moment after the load and would make the check flaky.
     */
    public List<String> severeConsoleMessages() {
        return consoleMessages().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).filter(m -> !FAVICON_MISSING.matcher(m).find()).toList();
    }

    @Override
    public void close() {
        OPEN.remove(this);
        try {
            driver.quit();
        } catch (WebDriverException e) {
            // already gone (crashed); the service and the profile are still cleaned up
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        // Chromium's helpers may still be writing for a moment after quit: a second pass catches that.
        for (int attempt = 0; attempt < 2 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException | UncheckedIOException e) {
                // left for the next pass, or for the OS to clean the temp folder
            }
        }
    }
}

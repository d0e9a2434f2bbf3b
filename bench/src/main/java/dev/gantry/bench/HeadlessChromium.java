package dev.gantry.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium with a brand-new profile (so nothing is cached), driven by ChromeDriver;
 * the profile is deleted on close. Finds the programs as the server's browser tests do
 * ({@code CHROME_BIN} / {@code CHROMEDRIVER}, else Debian's {@code /usr/bin}) and always names
 * them to Selenium, so Selenium Manager never runs or downloads anything.
 */
final class HeadlessChromium implements AutoCloseable {
    // Selenium warns at every start that it has no DevTools bindings for this Chromium; we use none.
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
    }

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** Where Chromium and ChromeDriver are. */
    record Install(Path browser, Path driver) {
    }

    static final String MISSING = "no Chromium and ChromeDriver (CHROME_BIN and CHROMEDRIVER, else /usr/bin/chromium and "
            + "/usr/bin/chromedriver); install them with: apt-get install chromium chromium-driver";

    /** Chromium and ChromeDriver, or empty when either is missing. */
    static Optional<Install> find() {
        Optional<Path> browser = locate(System.getenv("CHROME_BIN"), "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Optional<Path> driver = locate(System.getenv("CHROMEDRIVER"), "/usr/bin/chromedriver");
        return browser.isPresent() && driver.isPresent() ? Optional.of(new Install(browser.get(), driver.get())) : Optional.empty();
    }

    private static Optional<Path> locate(String explicit, String... defaults) {
        List<String> candidates = explicit != null && !explicit.isBlank() ? List.of(explicit) : List.of(defaults);
        return candidates.stream().map(Path::of).filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    static HeadlessChromium start(Install install, int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("gantry-bench-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(install.browser().toFile());
        // The flags the machine needs (root, no GPU, a closed network Chromium must not try to call home on).
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.WARNING);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(install.driver().toFile())
                .usingAnyFreePort().withLogOutput(OutputStream.nullOutputStream()).build();
        try {
            return new HeadlessChromium(new ChromeDriver(service, options), service, profile);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** The console's warnings and errors so far, for a failure message. */
    List<String> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    String version() {
        return driver.getCapabilities().getBrowserVersion();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        // Chromium's helpers may still write for a moment after quit: a second pass catches that.
        for (int attempt = 0; attempt < 2 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException | UncheckedIOException e) {
                // left for the next pass, or the OS's temp cleaning
            }
        }
    }
}

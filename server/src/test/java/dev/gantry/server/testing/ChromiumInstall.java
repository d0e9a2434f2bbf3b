package dev.gantry.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Chromium and ChromeDriver are: {@code CHROME_BIN} and {@code CHROMEDRIVER} when set (then
 * only there: a wrong explicit path is reported, not silently replaced), otherwise Debian's
 * {@code /usr/bin/chromium} (or {@code /usr/bin/chromium-browser}) and {@code /usr/bin/chromedriver}.
 * The paths are always given to Selenium, so Selenium Manager never looks for, or downloads, anything.
 */
public record ChromiumInstall(Path browser, Path driver) {
    static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
    static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"));
    static final String HOW_TO_INSTALL = "install them with: apt-get install chromium chromium-driver "
            + "(or set CHROME_BIN and CHROMEDRIVER)";

    /** The install found in this environment, if both programs are there. */
    public static Optional<ChromiumInstall> find() {
        return find(System.getenv());
    }

    static Optional<ChromiumInstall> find(Map<String, String> env) {
        Optional<Path> browser = locate(env.get("CHROME_BIN"), BROWSERS);
        Optional<Path> driver = locate(env.get("CHROMEDRIVER"), DRIVERS);
        return browser.isPresent() && driver.isPresent()
                ? Optional.of(new ChromiumInstall(browser.get(), driver.get())) : Optional.empty();
    }

    /** One line on what is missing and how to install it, for a skipped or failed test. */
    public static String whatIsMissing() {
        return whatIsMissing(System.getenv());
    }

    static String whatIsMissing(Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        if (locate(env.get("CHROME_BIN"), BROWSERS).isEmpty()) {
            sb.append("no Chromium (looked at ").append(where(env.get("CHROME_BIN"), "CHROME_BIN", BROWSERS)).append(")");
        }
        if (locate(env.get("CHROMEDRIVER"), DRIVERS).isEmpty()) {
            if (!sb.isEmpty()) sb.append(" and ");
            sb.append("no ChromeDriver (looked at ").append(where(env.get("CHROMEDRIVER"), "CHROMEDRIVER", DRIVERS)).append(")");
        }
        return sb.isEmpty() ? "Chromium and ChromeDriver found" : sb + "; " + HOW_TO_INSTALL;
    }

    private static Optional<Path> locate(String explicit, List<Path> defaults) {
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return executable(p) ? Optional.of(p) : Optional.empty();
        }
        return defaults.stream().filter(ChromiumInstall::executable).findFirst();
    }

    private static String where(String explicit, String variable, List<Path> defaults) {
        if (explicit != null && !explicit.isBlank()) return variable + "=" + explicit;
        return String.join(", ", defaults.stream().map(Path::toString).toList());
    }

    private static boolean executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}

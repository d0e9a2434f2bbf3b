package dev.gantry.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ChromiumInstallTest {

    @Test
    void anExplicitPathThatIsNotAProgramIsReportedNotReplaced() {
        Map<String, String> env = Map.of("CHROME_BIN", "/nonexistent/chromium", "CHROMEDRIVER", "/nonexistent/chromedriver");

        assertThat(ChromiumInstall.find(env)).isEmpty();
        assertThat(ChromiumInstall.whatIsMissing(env))
                .contains("no Chromium (looked at CHROME_BIN=/nonexistent/chromium)")
                .contains("no ChromeDriver (looked at CHROMEDRIVER=/nonexistent/chromedriver)")
                .contains("apt-get install chromium chromium-driver");
    }
}

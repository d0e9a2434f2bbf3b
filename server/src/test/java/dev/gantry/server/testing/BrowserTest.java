package dev.gantry.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * The browser fixture against a stand-in site (a JDK HTTP server on port 0) that keeps the
 * dashboard's contract: the token in localStorage, {@code data-ready} and the
 * {@code gantry:ready:<page>} mark once its data is shown.
 */
@ExtendWith(BrowserScreenshots.class)
class BrowserTest {
    private static final Map<String, String> PAGES = Map.of(
            "/health", "{\"status\":\"ok\"}",
            "/app.html", """
                    <!doctype html><title>stand-in</title><main id="out"></main>
                    <script type="module">
                      const page = location.hash.slice(2) || 'overview';
                      // Shows the token it found, after a turn of the event loop, as an API answer would come.
                      setTimeout(() => {
                        document.getElementById('out').textContent = 'token=' + localStorage.getItem('gantry.token');
                        performance.mark('gantry:ready:' + page);
                        document.documentElement.dataset.ready = page;
                      }, 20);
                    </script>""",
            "/never.html", "<!doctype html><title>never ready</title>",
            "/broken.html", "<!doctype html><title>broken</title><script>throw new Error('boom from the page')</script>");

    private static HttpServer site;
    private static String base;
    private static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        Browser.assumeAvailable();
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            String body = PAGES.get(exchange.getRequestURI().getPath());
            byte[] bytes = (body == null ? "not found" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    exchange.getRequestURI().getPath().endsWith(".html") ? "text/html; charset=utf-8" : "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        site.start();
        base = "http://127.0.0.1:" + site.getAddress().getPort();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (site != null) site.stop(0);
    }

    @Test
    void loginStoresTheTokenBeforeThePageLoadsAndWaitReadyWaitsForTheMark() {
        browser.login(base, "gty_secret");

        browser.open(base + "/app.html#/jobs").waitReady("jobs", Duration.ofSeconds(20));

        assertThat(browser.driver().findElement(org.openqa.selenium.By.id("out")).getText()).isEqualTo("token=gty_secret");
        assertThat(browser.readyMillis("jobs")).isPositive();
        assertThat(browser.severeConsoleMessages()).isEmpty();
    }

    @Test
    void openingTheSameAddressAgainLoadsTheDocumentAgain() {
        browser.open(base + "/app.html#/overview").waitReady("overview", Duration.ofSeconds(20));
        browser.script("window.loadedBefore = true");

        // The same address, hash included, would be no navigation at all: open() reloads it.
        browser.open(base + "/app.html#/overview").waitReady("overview", Duration.ofSeconds(20));

        assertThat(browser.script("return window.loadedBefore ?? null")).isNull();
    }

    @Test
    void waitReadyNamesThePageAndUrlWhenTheMarkNeverComes() {
        browser.open(base + "/never.html");

        assertThatThrownBy(() -> browser.waitReady("jobs", Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("page 'jobs' not ready").hasMessageContaining("/never.html");
        assertThatThrownBy(() -> browser.readyMillis("jobs")).hasMessageContaining("gantry:ready:jobs");
    }

    @Test
    void uncaughtErrorsAreSevereConsoleMessages() {
        browser.open(base + "/broken.html");

        List<String> severe = browser.severeConsoleMessages();

        assertThat(severe).anySatisfy(m -> assertThat(m).contains("boom from the page"));
    }

    @Test
    void phoneSizeIsTheViewportAndScreenshotsHaveIt(@TempDir Path dir) throws IOException {
        try (Browser phone = Browser.start(Browser.Size.PHONE)) {
            phone.open(base + "/never.html");

            Path png = phone.screenshot(dir.resolve("shots/phone.png"));

            assertThat(phone.script("return [window.innerWidth, window.innerHeight]")).isEqualTo(List.of(390L, 844L));
            ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(png));
            assertThat(header.getInt(16)).as("PNG width").isEqualTo(390);
            assertThat(header.getInt(20)).as("PNG height").isEqualTo(844);
        }
    }
}

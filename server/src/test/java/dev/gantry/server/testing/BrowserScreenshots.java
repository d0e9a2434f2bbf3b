package dev.gantry.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openqa.selenium.logging.LogEntry;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension for browser tests. When a test fails, it saves, for every {@link Browser}
 * still open, a screenshot, the page source and the console log as
 * {@code target/browser-failures/<class>-<method>.png/.html/.log} (a second browser gets
 * {@code -2}, and so on). It also injects a desktop-sized {@link Browser} into a test method
 * parameter, skipping the test when Chromium is missing, and closes it after the failure artifacts
 * are taken.
 *
 * <p>A browser closed inside the test method (try-with-resources) is gone before the failure is
 * known: take one as a parameter, or close it in {@code @AfterEach} / {@code @AfterAll}, to get
 * the artifacts.
 */
public final class BrowserScreenshots implements BeforeEachCallback, AfterTestExecutionCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrowserScreenshots.class);

    /** {@code target/browser-failures} of the module under test (Surefire runs in the module folder). */
    public static Path folder() {
        return Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("browser-failures");
    }

    /**
     * Skips (or, with GANTRY_REQUIRE_BROWSER=true, fails) a test that takes a Browser when there is
     * none, before its parameters are resolved: an abort inside a resolver would be an error.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (Arrays.stream(context.getRequiredTestMethod().getParameterTypes()).anyMatch(t -> t == Browser.class)) {
            Browser.assumeAvailable();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Browser.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The store closes what it holds (AutoCloseable) when the test's context ends, after afterTestExecution.
        Browser b = Browser.start();
        context.getStore(NAMESPACE).put("browser-" + parameter.getIndex(), b);
        return b;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        // A skipped test (no Chromium) is not a failure.
        if (context.getExecutionException().filter(e -> !(e instanceof TestAbortedException)).isEmpty()) return;
        String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        List<Browser> open = Browser.openBrowsers();
        for (int i = 0; i < open.size(); i++) {
            save(open.get(i), folder().resolve(i == 0 ? name : name + "-" + (i + 1)), context);
        }
    }

    /** Each artifact on its own: a crashed browser may still give its console but not a screenshot. */
    private static void save(Browser b, Path base, ExtensionContext context) {
        StringBuilder log = new StringBuilder();
        log.append("test: ").append(context.getDisplayName()).append('\n');
        context.getExecutionException().ifPresent(e -> log.append("failure: ").append(e).append('\n'));
        try {
            log.append("url: ").append(b.driver().getCurrentUrl()).append('\n');
        } catch (RuntimeException e) {
            log.append("no url: ").append(e.getMessage()).append('\n');
        }
        try {
            b.screenshot(Path.of(base + ".png"));
        } catch (RuntimeException e) {
            log.append("no screenshot: ").append(e.getMessage()).append('\n');
        }
        try {
            write(Path.of(base + ".html"), b.pageSource());
        } catch (RuntimeException e) {
            log.append("no page source: ").append(e.getMessage()).append('\n');
        }
        try {
            log.append("console:\n");
            for (LogEntry entry : b.consoleMessages()) {
                log.append(entry.getTimestamp()).append(' ').append(entry.getLevel()).append(' ')
                        .append(entry.getMessage()).append('\n');
            }
        } catch (RuntimeException e) {
            log.append("no console log: ").append(e.getMessage()).append('\n');
        }
        write(Path.of(base + ".log"), log.toString());
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
    }
}

package dev.gantry.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import dev.gantry.server.testing.Browser;
import dev.gantry.server.testing.BrowserScreenshots;
import dev.gantry.server.testing.GantryJvm;
import dev.gantry.server.testing.Http;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * The dashboard in headless Chromium against a real {@code gantry server --no-worker}, a real
 * {@code gantry worker} process and PostgreSQL. The tests run in order on one system, as an
 * operator would use it: log in, stop and start a worker, follow a log line, find a discarded
 * job, read its error and retry it, then look at it all as a viewer. Each page's screenshot is
 * saved to target/screenshots (and to docs/img with -Dgantry.updateDocs=true).
 */
@ExtendWith({PostgresExtension.class, BrowserScreenshots.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ADMIN = "gty_dashboard-test-admin-token-0123456789";
    private static final String WORKER = "dash-w1";

    private TestDatabase db;
    private Map<String, String> serverEnv;
    private GantryJvm server;
    private GantryJvm worker;
    private Http http;
    private String base;
    private Browser browser;

    @BeforeAll
    void startSystem(TestDatabase db) {
        Browser.assumeAvailable();
        this.db = db;
        db.reset();
        db.execute("TRUNCATE gantry.workers, gantry.worker_commands, gantry.worker_logs");
        int port = GantryJvm.freePort();
        base = "http://127.0.0.1:" + port;
        http = new Http(base);
        Map<String, String> common = Map.of("DATABASE_URL", db.url(), "LOG_FORMAT", "json",
                "GANTRY_HEARTBEAT_INTERVAL_MS", "500", "GANTRY_POLL_INTERVAL_MS", "200", "GANTRY_SHUTDOWN_TIMEOUT_MS", "3000");
        serverEnv = new HashMap<>(common);
        serverEnv.put("GANTRY_HTTP_PORT", Integer.toString(port));
        serverEnv.put("GANTRY_ADMIN_TOKEN", ADMIN);
        server = GantryJvm.start(serverEnv, "server", "--no-worker");
        server.awaitOutput(WAIT, "(Gantry is running)");
        Map<String, String> workerEnv = new HashMap<>(common);
        workerEnv.put("GANTRY_WORKER_ID", WORKER);
        workerEnv.put("GANTRY_HTTP_PORT", "0");
        workerEnv.put("GANTRY_QUEUES", "default:2,mail:1");
        worker = GantryJvm.start(workerEnv, "worker");
        await().atMost(WAIT).until(() -> "running".equals(http.get("/api/workers/" + WORKER, ADMIN).json().path("liveness").asText()));
        browser = Browser.start();
    }

    @AfterAll
    void stopSystem() {
        if (browser != null) browser.close();
        if (worker != null) worker.close();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void logsInWithATokenAndRefusesABadOne() {
        browser.open(base + "/#/overview");
        await().atMost(WAIT).until(() -> !driver().findElements(By.cssSelector("form#login")).isEmpty());
        shot("login");
        type("#token", "gty_not-a-real-token-at-all-0000000000");
        click("form#login button[type=submit]");
        await().atMost(WAIT).until(() -> text("#login-error").contains("not valid"));

        type("#token", ADMIN);
        click("form#login button[type=submit]");
        browser.waitReady("overview", WAIT);
        assertThat(text("header .who")).contains("bootstrap-admin").contains("admin");
        await().atMost(WAIT).until(() -> text("#connection").contains("Live"));
        // The browser logs the bad token's 401 itself; nothing else went wrong.
        assertThat(browser.severeConsoleMessages()).allMatch(m -> m.contains("/api/me") && m.contains("401"));
    }

    @Test
    @Order(2)
    void overviewShowsCountsChartsAndWorkers() {
        for (int i = 0; i < 5; i++) enqueue("{\"kind\":\"demo.sleep\",\"args\":{\"ms\":20}}");
        await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = 'completed'") == 5);
        browser.open(base + "/#/overview");
        browser.waitReady("overview", WAIT);
        // Counts are cached for about a second: the live refresh brings them in.
        await().atMost(WAIT).until(() -> text("table.counts tfoot").contains("5"));
        assertThat(driver().findElements(By.cssSelector(".chart canvas"))).hasSize(3);
        assertThat(text(".tiles")).contains("1 alive");
        shot("overview");
    }

    @Test
    @Order(3)
    void stopsAWorkerSoJobsWaitAndStartsItSoTheyComplete() {
        browser.open(base + "/#/workers");
        browser.waitReady("workers", WAIT);
        assertThat(badge(WORKER)).isEqualTo("running");
        shot("workers");

        click("button[data-action='" + WORKER + ":stop']");
        await().atMost(WAIT).until(() -> text("[data-result='" + WORKER + ":stop']").contains("acknowledged by " + WORKER));
        await().atMost(WAIT).until(() -> badge(WORKER).equals("stopped"));
        assertThat(element("button[data-action='" + WORKER + ":stop']").isEnabled()).isFalse();
        assertThat(element("button[data-action='" + WORKER + ":start']").isEnabled()).isTrue();

        List<Long> waiting = List.of(enqueue("{\"kind\":\"demo.sleep\",\"args\":{\"ms\":10}}"),
                enqueue("{\"kind\":\"demo.sleep\",\"args\":{\"ms\":10}}"), enqueue("{\"kind\":\"demo.sleep\",\"args\":{\"ms\":10}}"));
        // Nothing claims them while the only worker is stopped (held for three poll rounds and more).
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> waiting.stream().allMatch(id -> state(id).equals("available")));

        browser.open(base + "/#/jobs?state=available");
        browser.waitReady("jobs", WAIT);
        for (long id : waiting) assertThat(rowState(id)).isEqualTo("available");

        browser.open(base + "/#/workers");
        browser.waitReady("workers", WAIT);
        click("button[data-action='" + WORKER + ":start']");
        await().atMost(WAIT).until(() -> text("[data-result='" + WORKER + ":start']").contains("acknowledged"));
        await().atMost(WAIT).until(() -> badge(WORKER).equals("running"));
        await().atMost(WAIT).until(() -> waiting.stream().allMatch(id -> state(id).equals("completed")));

        // The jobs page follows the events: a row changes state without a reload.
        long next = enqueue("{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1500}}");
        browser.open(base + "/#/jobs");
        browser.waitReady("jobs", WAIT);
        await().atMost(WAIT).until(() -> rowState(next).equals("completed"));
    }

    @Test
    @Order(4)
    void showsALogLineFromAJobLiveAndLinksToTheJob() {
        browser.open(base + "/#/logs");
        browser.waitReady("logs", WAIT);
        await().atMost(WAIT).until(() -> text("#log-stream-status").contains("Live"));
        long id = enqueue("{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"the dashboard sees this line\"]}}");
        await().atMost(WAIT).until(() -> text("#log-box").contains("the dashboard sees this line"));
        WebElement line = driver().findElements(By.cssSelector("#log-box li.log")).stream()
                .filter(l -> l.getText().contains("the dashboard sees this line")).findFirst().orElseThrow();
        assertThat(line.getText()).contains(WORKER).contains("INFO");
        shot("logs");
        line.findElement(By.cssSelector("a.job-link")).click();
        browser.waitReady("job", WAIT);
        assertThat(text("main h1")).contains("Job #" + id).contains("demo.log");
    }

    @Test
    @Order(5)
    void findsADiscardedJobReadsItsErrorRetriesItAndSeesItComplete() {
        long failing = enqueue("{\"kind\":\"demo.fail\",\"args\":{\"times\":1},\"max_attempts\":1,\"tags\":[\"flaky\"]}");
        await().atMost(WAIT).until(() -> state(failing).equals("discarded"));

        browser.open(base + "/#/jobs");
        browser.waitReady("jobs", WAIT);
        click("input[name='state-discarded']");
        type("input[name='kind']", "demo.fail");
        click("form.filters button[type=submit]");
        await().atMost(WAIT).until(() -> driver().getCurrentUrl().contains("state=discarded")
                && driver().findElements(By.cssSelector("tr[data-job]")).size() == 1);
        assertThat(rowState(failing)).isEqualTo("discarded");
        shot("jobs");

        click("tr[data-job='" + failing + "'] a");
        browser.waitReady("job", WAIT);
        assertThat(text(".errors")).contains("demo failure 1 of 1").contains("IllegalStateException");
        click(".errors details summary");
        assertThat(text(".errors pre.trace")).contains("at dev.gantry");
        shot("job");

        click("button[data-action='retry']");
        await().atMost(WAIT).until(() -> text("[data-result='retry']").contains("available again"));
        await().atMost(WAIT).until(() -> text(".page-head .badge").equals("completed"));
        assertThat(text(".timeline")).contains("Attempt 1 failed").contains("Attempt 2 started").contains("Completed");

        // Bulk retry of what the filter matches: two more discarded jobs, one click.
        List<Long> more = List.of(enqueue("{\"kind\":\"demo.fail\",\"args\":{\"times\":1},\"max_attempts\":1}"),
                enqueue("{\"kind\":\"demo.fail\",\"args\":{\"times\":1},\"max_attempts\":1}"));
        await().atMost(WAIT).until(() -> more.stream().allMatch(id -> state(id).equals("discarded")));
        browser.open(base + "/#/jobs?state=discarded&kind=demo.fail");
        browser.waitReady("jobs", WAIT);
        await().atMost(WAIT).until(() -> driver().findElements(By.cssSelector("tr[data-job]")).size() == 2);
        click("button[data-action='bulk:retry']");
        assertThat(driver().switchTo().alert().getText()).contains("discarded").contains("demo.fail");
        driver().switchTo().alert().accept();
        await().atMost(WAIT).until(() -> text("[data-result='bulk:retry']").contains("Retried 2 jobs"));
        await().atMost(WAIT).until(() -> more.stream().allMatch(id -> state(id).equals("completed")));
    }

    @Test
    @Order(6)
    void queuesPageShowsCountsAndPausesForEveryWorker() {
        browser.open(base + "/#/queues");
        browser.waitReady("queues", WAIT);
        assertThat(text("li[data-queue='default'] .queues-mini")).contains(WORKER);
        click("li[data-queue='mail'] button[data-action='mail:pause']");
        driver().switchTo().alert().accept();
        await().atMost(WAIT).until(() -> text("li[data-queue='mail'] .card-head .badge").equals("paused"));
        assertThat(http.get("/api/queues/mail", ADMIN).json().path("paused").asBoolean()).isTrue();
        shot("queues");
        click("li[data-queue='mail'] button[data-action='mail:resume']");
        await().atMost(WAIT).until(() -> text("li[data-queue='mail'] .card-head .badge").equals("active"));
    }

    @Test
    @Order(6)
    void schedulesPageCreatesASchedulePausesResumesAndDeletesIt() {
        browser.open(base + "/#/schedules");
        browser.waitReady("schedules", WAIT);
        click("button[data-action='new-schedule']");
        type("form.schedule-form input[name='name']", "dash-tick");
        type("form.schedule-form input[name='spec']", "every 2s");
        type("form.schedule-form input[name='kind']", "demo.noop");
        click("form.schedule-form button[type=submit]");
        await().atMost(WAIT).until(() -> text("[data-result='save']").contains("dash-tick saved: every 2 seconds"));
        await().atMost(WAIT).until(() -> text("tr[data-schedule='dash-tick']").contains("every 2 seconds"));
        // the server's worker runs the ticks: the row shows the last run and its job
        await().atMost(WAIT).until(() -> text("tr[data-schedule='dash-tick']").contains("job #"));
        click("tr[data-schedule='dash-tick'] button[data-next-runs='dash-tick']");
        await().atMost(WAIT).until(() -> driver().findElements(By.cssSelector("tr[data-schedule='dash-tick'] .next-runs li")).size() == 5);
        shot("schedules");
        click("tr[data-schedule='dash-tick'] button[data-action='dash-tick:pause']");
        await().atMost(WAIT).until(() -> text("tr[data-schedule='dash-tick'] th .badge").equals("paused"));
        assertThat(http.get("/api/schedules/dash-tick", ADMIN).json().path("paused").asBoolean()).isTrue();
        click("tr[data-schedule='dash-tick'] button[data-action='dash-tick:resume']");
        await().atMost(WAIT).until(() -> text("tr[data-schedule='dash-tick'] th .badge").isEmpty());
        click("tr[data-schedule='dash-tick'] button[data-action='dash-tick:delete']");
        driver().switchTo().alert().accept();
        await().atMost(WAIT).until(() -> driver().findElements(By.cssSelector("tr[data-schedule='dash-tick']")).isEmpty());
        assertThat(http.get("/api/schedules/dash-tick", ADMIN).status()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void aViewerSeesEverythingButNoControls() {
        String viewer = http.post("/api/tokens", ADMIN, "{\"name\":\"dash-viewer\",\"role\":\"viewer\"}").json().path("token").asText();
        click("#logout");
        await().atMost(WAIT).until(() -> !driver().findElements(By.cssSelector("form#login")).isEmpty());
        type("#token", viewer);
        click("form#login button[type=submit]");
        browser.waitReady("overview", WAIT);
        assertThat(text("header .who")).contains("viewer");

        long job = db.queryLong("SELECT max(id) FROM gantry.jobs WHERE state = 'completed'");
        for (String page : List.of("workers", "jobs", "queues", "schedules", "jobs/" + job)) {
            browser.open(base + "/#/" + page);
            browser.waitReady(page.startsWith("jobs/") ? "job" : page, WAIT);
            assertThat(driver().findElements(By.cssSelector("main button[data-action]"))).as(page).isEmpty();
            assertThat(driver().findElements(By.cssSelector("main .config-form, main form.inline"))).as(page).isEmpty();
        }
        assertThat(text("main")).contains("Job #" + job);
    }

    @Test
    @Order(8)
    void everyControlHasANameAndAPhoneScreenDoesNotScrollSideways() {
        for (String page : List.of("overview", "workers", "jobs", "queues", "schedules", "logs")) {
            browser.open(base + "/#/" + page);
            browser.waitReady(page, WAIT);
            Object unnamed = browser.script("""
                    return [...document.querySelectorAll('button, input, select, a[href]')]
                      .filter(e => e.offsetParent !== null)
                      .filter(e => {
                        const labelled = e.labels && e.labels.length > 0;
                        const named = (e.getAttribute('aria-label') || e.getAttribute('title') || e.textContent || '').trim().length > 0;
                        return !(labelled || named || e.type === 'hidden');
                      }).map(e => e.outerHTML.slice(0, 120));""");
            assertThat((List<?>) unnamed).as("controls without an accessible name on " + page).isEmpty();
        }
        browser.resize(Browser.Size.PHONE);
        try {
            for (String page : List.of("overview", "workers", "jobs", "logs")) {
                browser.open(base + "/#/" + page);
                browser.waitReady(page, WAIT);
                Object overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
                assertThat(((Number) overflow).intValue()).as("sideways scroll on " + page + " at phone width").isLessThanOrEqualTo(0);
                shot("phone-" + page);
            }
        } finally {
            browser.resize(Browser.Size.DESKTOP);
        }
    }

    @Test
    @Order(9)
    void saysSoWhenTheServerGoesAwayAndRecoversWhenItIsBack() {
        browser.open(base + "/#/overview");
        browser.waitReady("overview", WAIT);
        await().atMost(WAIT).until(() -> text("#connection").contains("Live"));
        assertThat(server.stop(WAIT)).isIn(0, 143);
        await().atMost(WAIT).until(() -> text("#connection").contains("Reconnecting"));
        await().atMost(WAIT).until(() -> text("main").contains("Could not refresh") || text("body").contains("cannot be reached"));
        shot("offline");
        server = GantryJvm.start(serverEnv, "server", "--no-worker");
        server.awaitOutput(WAIT, "(Gantry is running)");
        await().atMost(WAIT).until(() -> text("#connection").contains("Live"));
        await().atMost(WAIT).until(() -> !text("main").contains("Could not refresh") && !text("body").contains("cannot be reached"));
    }

    /**
     * The cause of a page that never said ready: its first load was overtaken by a refresh that an
     * event started (a worker heartbeat), and the first await found no data yet. A refresh now
     * settles with the newest answer.
     */
    @Test
    @Order(10)
    void aRefreshOvertakenByAnotherSettlesWithTheNewestAnswer() {
        browser.open(base + "/");
        Object seen = ((org.openqa.selenium.JavascriptExecutor) driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import(location.origin + "/js/page.js").then(async ({ Resource }) => {
                  const page = { disposed: false, invalidate() {} };
                  const after = (value, ms) => new Promise((ok) => setTimeout(() => ok(value), ms));
                  let calls = 0;
                  const r = new Resource(page, () => (++calls === 1 ? after("first", 300) : after("newest", 600)));
                  const first = r.refresh();
                  setTimeout(() => r.refresh(), 50);
                  await first;
                  done(String(r.data));
                }).catch((e) => done("error: " + e));""");
        assertThat(seen).isEqualTo("newest");
    }

    private long enqueue(String body) {
        return http.post("/api/jobs", ADMIN, body).json().path("id").asLong();
    }

    private String state(long id) {
        return http.get("/api/jobs/" + id, ADMIN).json().path("state").asText();
    }

    private WebDriver driver() {
        return browser.driver();
    }

    private WebElement element(String css) {
        return driver().findElement(By.cssSelector(css));
    }

    /** The element's visible text, or "" while it is not there (pages re-render). */
    private String text(String css) {
        try {
            List<WebElement> found = driver().findElements(By.cssSelector(css));
            return found.isEmpty() ? "" : found.get(0).getText().trim();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return "";
        }
    }

    private void click(String css) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            WebElement e = element(css);
            if (!e.isDisplayed() || !e.isEnabled()) return false;
            e.click();
            return true;
        });
    }

    private void type(String css, String value) {
        WebElement e = element(css);
        e.clear();
        e.sendKeys(value);
    }

    private String badge(String workerId) {
        return text("li[data-worker='" + workerId + "'] .card-head .badge");
    }

    private String rowState(long id) {
        return text("tr[data-job='" + id + "'] .badge");
    }

    private void shot(String name) {
        browser.screenshot(Path.of("target", "screenshots", name + ".png"));
        if (Boolean.getBoolean("gantry.updateDocs")) {
            browser.screenshot(Path.of("..", "docs", "img", "dashboard-" + name + ".png"));
        }
    }
}

package dev.gantry.bench;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.WebDriverException;

/**
 * The dashboard as a person meets it on a big installation: {@code jobs} jobs ({@link BigTable}),
 * 20 registered workers ({@link WorkerRows}: rows with live heartbeats, no worker processes) and
 * a real {@code gantry server --no-worker}. For each page, after one uncounted warm-up load, cold
 * loads, each in a brand-new headless Chromium with an empty profile (nothing cached): put the
 * token in localStorage on {@code /health} (none for the login page), open {@code /#/<page>}, wait for the page's
 * {@code data-ready}, then read the browser's own clocks (so ChromeDriver's round trips are not
 * counted): the {@code gantry:ready:<page>} mark (navigation start to the page showing its data),
 * DOMContentLoaded, and what was fetched (requests, API calls, bytes over the wire and unpacked).
 */
final class DashboardBench {
    /**
     * login is the floor: the same document, modules and styles with no token, so no API call;
     * what it takes is what any page takes before its data.
     */
    static final List<String> PAGES = List.of("login", "overview", "jobs");
    static final int WORKERS = 20;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String WAIT_READY = """
            const [page, done] = arguments;
            const root = document.documentElement;
            if (root.dataset.ready === page) return done(true);
            new MutationObserver((_, observer) => {
              if (root.dataset.ready === page) { observer.disconnect(); done(true); }
            }).observe(root, { attributes: true, attributeFilter: ['data-ready'] });""";
    private static final String MEASURE = """
            const page = arguments[0];
            const mark = performance.getEntriesByName('gantry:ready:' + page, 'mark').pop();
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            const api = resources.filter(r => new URL(r.name).pathname.startsWith('/api/'));
            const sum = (list, field) => list.reduce((total, r) => total + (r[field] || 0), 0);
            return { ready: mark ? mark.startTime : null, dcl: nav.domContentLoadedEventEnd,
                     requests: 1 + resources.length, api_requests: api.length,
                     transfer: nav.transferSize + sum(resources, 'transferSize'),
                     decoded: nav.decodedBodySize + sum(resources, 'decodedBodySize') };""";

    private final BenchDatabase db;

    DashboardBench(BenchDatabase db) {
        this.db = db;
    }

    /** One cold load as the browser timed it. */
    record Load(double readyMs, double dclMs, int requests, int apiRequests, double transferKb, double decodedKb) {
    }

    /**
     * @param loadTable false when the stats workload just loaded the same table, which is then reused
     */
    List<Result> run(int jobs, int loads, boolean loadTable) throws Exception {
        HeadlessChromium.Install install = HeadlessChromium.find().orElseThrow(() -> new IllegalStateException(HeadlessChromium.MISSING));
        if (loadTable) {
            db.reset();
            long start = System.nanoTime();
            try (Connection c = db.connect()) {
                BigTable.load(c, db.schema, jobs, line -> Progress.line("dashboard: " + line));
            }
            Progress.line(String.format("dashboard: %,d jobs loaded in %.1f s", jobs, (System.nanoTime() - start) / 1e9));
        } else {
            Progress.line(String.format("dashboard: reusing the %,d-job table of the stats workload", jobs));
        }
        Progress.line("dashboard: " + WORKERS + " workers registered as rows with live heartbeats (no worker processes)");
        List<Result> results = new ArrayList<>();
        try (WorkerRows workers = WorkerRows.register(db, WORKERS); ServerProcess server = ServerProcess.start(db)) {
            for (String page : PAGES) {
                List<Load> samples = new ArrayList<>();
                String version = null;
                // Load 0 is not counted: it takes the just-started server's first statistics count and
                // unjitted code (the API workload times those cold requests on their own).
                for (int i = 0; i <= loads; i++) {
                    try (HeadlessChromium browser = HeadlessChromium.start(install, 1280, 900)) {
                        version = browser.version();
                        Load l = load(browser, server.base, page);
                        Progress.line(String.format("dashboard %s %s: ready %.0f ms, DOMContentLoaded %.0f ms, "
                                + "%d requests (%d API), %.0f kB", page, i == 0 ? "warm-up load" : "load " + i + "/" + loads,
                                l.readyMs(), l.dclMs(), l.requests(), l.apiRequests(), l.transferKb()));
                        if (i > 0) samples.add(l);
                    }
                }
                results.add(result(page, samples, jobs, version));
            }
        }
        return results;
    }

    private static Load load(HeadlessChromium browser, String base, String page) {
        browser.driver.get(base + "/health");
        if (page.equals("login")) browser.script("localStorage.removeItem('gantry.token')");
        else browser.script("localStorage.setItem('gantry.token', arguments[0])", ServerProcess.TOKEN);
        String url = base + "/#/" + page;
        browser.driver.get(url);
        browser.driver.manage().timeouts().scriptTimeout(READY_TIMEOUT);
        try {
            browser.driver.executeAsyncScript(WAIT_READY, page);
        } catch (WebDriverException e) {
            String ready;
            try {
                ready = String.valueOf(browser.script("return document.documentElement.dataset.ready ?? null"));
            } catch (WebDriverException again) {
                ready = "unreadable";
            }
            throw new IllegalStateException("dashboard page '" + page + "' did not set data-ready within "
                    + READY_TIMEOUT.toSeconds() + " s at " + url + " (data-ready is " + ready + ", title '" + browser.driver.getTitle()
                    + "'); console: " + browser.consoleProblems(), e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) browser.script(MEASURE, page);
        if (m.get("ready") == null) {
            throw new IllegalStateException("page '" + page + "' set data-ready but no performance mark gantry:ready:" + page);
        }
        return new Load(number(m, "ready"), number(m, "dcl"), (int) number(m, "requests"), (int) number(m, "api_requests"),
                number(m, "transfer") / 1024, number(m, "decoded") / 1024);
    }

    private static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private static Result result(String page, List<Load> loads, int jobs, String version) {
        double[] ready = loads.stream().mapToDouble(Load::readyMs).toArray();
        double[] dcl = loads.stream().mapToDouble(Load::dclMs).toArray();
        Load median = loads.stream().sorted((a, b) -> Double.compare(a.readyMs(), b.readyMs())).toList().get((loads.size() - 1) / 2);
        Result r = Result.of("dashboard").with("page", page).with("p50_ms", p50(ready)).with("max_ms", max(ready))
                .with("dcl_p50_ms", p50(dcl)).with("dcl_max_ms", max(dcl))
                .with("requests", median.requests()).with("api_requests", median.apiRequests())
                .with("transfer_kb", median.transferKb()).with("decoded_kb", median.decodedKb())
                .with("loads", loads.size()).with("warmup_loads", 1).with("jobs", jobs).with("workers", WORKERS)
                .with("worker_processes", 0).with("browser", "chromium " + version);
        Progress.line(String.format("dashboard %s: ready p50 %.0f ms, max %.0f ms", page, p50(ready), max(ready)));
        return r;
    }

    /** Nearest rank, as {@link Latencies}. */
    private static double p50(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(sorted.length / 2.0) - 1)];
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }
}

package dev.gantry.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The API on the big table, as a client sees it: a real {@code gantry server --no-worker} process
 * ({@link ServerProcess}) on the bench database (already loaded by {@link StatsBench}), and the time of whole HTTP
 * requests to {@code /api/stats} and the first page of {@code /api/jobs}, the first request to
 * a freshly started server (cold) apart from the rest: after a restart, and at the very first
 * start (no count kept yet).
 */
final class ApiBench {
    private final BenchDatabase db;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiBench(BenchDatabase db) {
        this.db = db;
    }

    List<Result> run(int jobs, int samples) throws Exception {
        List<Result> results = new ArrayList<>();
        // The very first start: no count kept in the database (V008), so the first /api/stats
        // waits for the server's first full count of the table; that count is then kept.
        db.forgetKeptCounts();
        try (ServerProcess server = ServerProcess.start(db)) {
            results.add(once("api_stats_cold_first_start", server.base + "/api/stats", jobs));
        }
        try (ServerProcess server = ServerProcess.start(db)) {
            String base = server.base;
            // Cold: the first requests to a server that just restarted (its counts are being taken;
            // /api/stats answers from the kept count meanwhile).
            results.add(once("api_stats_cold", base + "/api/stats", jobs));
            results.add(once("api_jobs_first_page_cold", base + "/api/jobs?limit=50", jobs));
            results.add(time("api_stats", base + "/api/stats", jobs, samples));
            results.add(time("api_jobs_first_page", base + "/api/jobs?limit=50", jobs, samples));
            results.add(time("api_jobs_first_page_state_discarded", base + "/api/jobs?limit=50&state=discarded", jobs, samples));
            results.add(time("api_jobs_first_page_queue_kind", base + "/api/jobs?limit=50&queue=low&kind=low.audit", jobs, samples));
            results.add(time("api_queues", base + "/api/queues", jobs, samples));
            return results;
        }
    }

    private int get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ServerProcess.TOKEN)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        return r.statusCode();
    }

    private Result once(String query, String url, int jobs) throws Exception {
        long t = System.nanoTime();
        get(url);
        double ms = (System.nanoTime() - t) / 1e6;
        Progress.line(String.format("stats %s: %.1f ms", query, ms));
        return Result.of("stats").with("query", query).with("p50_ms", ms).with("p95_ms", ms).with("p99_ms", ms)
                .with("max_ms", ms).with("jobs", jobs).with("samples", 1);
    }

    private Result time(String query, String url, int jobs, int samples) throws Exception {
        get(url);
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long t = System.nanoTime();
            get(url);
            nanos[i] = System.nanoTime() - t;
        }
        Latencies l = Latencies.of(nanos);
        Progress.line(String.format("stats %s: p50 %.1f ms, p99 %.1f ms", query, l.p50(), l.p99()));
        return Result.of("stats").with("query", query).with("p50_ms", l.p50()).with("p95_ms", l.p95())
                .with("p99_ms", l.p99()).with("max_ms", l.max()).with("jobs", jobs).with("samples", samples);
    }
}

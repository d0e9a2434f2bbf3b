package dev.gantry.bench;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.gantry.backend.CachedStatsReader;
import dev.gantry.client.GantryClient;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.store.Db;
import dev.gantry.config.SchemaName;
import dev.gantry.store.StatsStore;
import dev.gantry.time.SystemTimeSource;

/**
 * Reads at scale: a big job table ({@link BigTable}), then the time of a statistics snapshot
 * (first call of a new reader, which counts the table, and calls of a warm one) and of the first
 * page of the jobs list under each filter, at store level, one call at a time.
 */
final class StatsBench {
    private final BenchDatabase db;

    StatsBench(BenchDatabase db) {
        this.db = db;
    }

    List<Result> run(int jobs, int samples) throws Exception {
        db.reset();
        long start = System.nanoTime();
        try (Connection c = db.connect()) {
            BigTable.load(c, db.schema, jobs, line -> Progress.line("stats: " + line));
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        Progress.line(String.format("stats: %,d jobs loaded in %.1f s", jobs, loadSeconds));

        List<Result> results = new ArrayList<>();
        StatsStore store = new StatsStore(new Db(db.gantry.dataSource()), new SchemaName(db.schema), SystemTimeSource.INSTANCE);
        results.add(time("job_counts", jobs, 5, store::countJobs).with("load_s", loadSeconds));
        // A new reader's first snapshot: with no count kept in the database it counts the table
        // (a first start); with one (kept by the count before, V008) it answers from that.
        results.add(time("stats_snapshot_cold", jobs, 5, () -> {
            db.forgetKeptCounts();
            return new CachedStatsReader(store, SystemTimeSource.INSTANCE).snapshot();
        }));
        results.add(time("stats_snapshot_cold_kept", jobs, 5,
                () -> new CachedStatsReader(store, SystemTimeSource.INSTANCE).snapshot()));
        CachedStatsReader warm = new CachedStatsReader(store, SystemTimeSource.INSTANCE);
        warm.snapshot();
        results.add(time("stats_snapshot", jobs, samples, warm::snapshot));

        GantryClient client = db.client();
        JobFilter all = JobFilter.all();
        results.add(time("jobs_first_page", jobs, samples, () -> client.list(all)));
        results.add(time("jobs_first_page_state_discarded", jobs, samples, () -> client.list(all.withStates(JobState.DISCARDED))));
        results.add(time("jobs_first_page_state_available", jobs, samples, () -> client.list(all.withStates(JobState.AVAILABLE))));
        results.add(time("jobs_first_page_queue", jobs, samples, () -> client.list(all.withQueue("low"))));
        results.add(time("jobs_first_page_queue_state_discarded", jobs, samples,
                () -> client.list(all.withQueue("low").withStates(JobState.DISCARDED))));
        results.add(time("jobs_first_page_kind", jobs, samples, () -> client.list(all.withKind("low.audit"))));
        results.add(time("jobs_first_page_kind_no_match", jobs, samples, () -> client.list(all.withKind("no.such.kind"))));
        results.add(time("jobs_first_page_tag", jobs, samples, () -> client.list(all.withTag("tenant:123"))));
        results.add(time("jobs_first_page_tag_no_match", jobs, samples, () -> client.list(all.withTag("no-such-tag"))));
        results.add(time("jobs_first_page_text", jobs, samples, () -> client.list(all.withText("user123456@example.com"))));
        results.add(time("jobs_first_page_text_error", jobs, samples, () -> client.list(all.withText("hooks.example.com/1008"))));
        return results;
    }

    private static Result time(String query, int jobs, int samples, Supplier<?> call) {
        call.get();   // the first call prepares statements and loads pages; it is not counted
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long t = System.nanoTime();
            call.get();
            nanos[i] = System.nanoTime() - t;
        }
        Latencies l = Latencies.of(nanos);
        Progress.line(String.format("stats %s: p50 %.1f ms, p99 %.1f ms", query, l.p50(), l.p99()));
        return Result.of("stats").with("query", query).with("p50_ms", l.p50()).with("p95_ms", l.p95())
                .with("p99_ms", l.p99()).with("max_ms", l.max()).with("jobs", jobs).with("samples", samples);
    }
}

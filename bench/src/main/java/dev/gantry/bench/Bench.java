package dev.gantry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.gantry.config.ConfigException;

/**
 * {@code bench/run}: Gantry's workloads W0 to W3, the reads at scale (stats) and the dashboard's cold page
 * loads against a real PostgreSQL. Prints progress on stderr, then a table and one JSON object per
 * result on stdout.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, System.getenv("DATABASE_URL"), System.getProperty("gantry.jar"));
        } catch (ConfigException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Result> results = new ArrayList<>();
        String machine;
        try (BenchDatabase db = new BenchDatabase(options)) {
            machine = Machine.describe(db);
            Progress.line("running " + String.join(", ", options.only()) + (options.quick() ? " (quick)" : "")
                    + " in schema " + options.schema() + " of " + options.database().redacted());
            run(options, db, results);
        }
        System.out.println();
        System.out.println(machine);
        System.out.printf("%-10s  %-34s  %s%n", "workload", "result", "settings");
        for (Result r : results) System.out.printf("%-10s  %-34s  %s%n", r.workload(), r.headline(), r.settings());
        System.out.println();
        for (Result r : results) System.out.println(r.json());
    }

    private static void run(BenchOptions o, BenchDatabase db, List<Result> results) throws Exception {
        boolean quick = o.quick();
        if (o.runs("w1_single")) results.add(new EnqueueBench(db).single(quick ? 2_000 : 10_000));
        if (o.runs("w1_bulk")) results.add(new EnqueueBench(db).bulk(quick ? 20_000 : 100_000, 1_000));
        Result ceiling = null;
        if (o.runs("w0")) {
            int[] batches = quick ? new int[] {250} : new int[] {25, 100, 250};
            int[] connections = quick ? new int[] {2} : new int[] {1, 2, 4, 8};
            ceiling = new CeilingBench(db).run(o.processingJobs(), batches, connections);
            results.add(ceiling);
        }
        if (o.runs("w2_64")) {
            Result r = new ProcessingBench(db).run(o.processingJobs(), 1, 64, 0);
            if (ceiling != null) r.with("ratio_to_w0", r.number("jobs_per_s") / ceiling.number("jobs_per_s"));
            results.add(r);
        }
        if (o.runs("w2")) {
            ProcessingBench w2 = new ProcessingBench(db);
            int jobs = o.processingJobs();
            List<Result> runs = new ArrayList<>();
            runs.add(w2.run(jobs, 1, 16, 0));
            Result at64 = w2.run(jobs, 1, 64, 0);
            runs.add(at64);
            runs.add(w2.run(jobs, 4, 16, 0));
            // 1,000 log lines per second at the throughput just measured: one job in every k logs a line.
            // Run-to-run spread on a shared 2-core machine is larger than the effect, so both
            // variants run twice, alternating, and the best of each is compared.
            int logEvery = (int) Math.max(1, Math.round(at64.number("jobs_per_s") / 1_000));
            Result logged = w2.run(jobs, 1, 64, logEvery);
            Result again = w2.run(jobs, 1, 64, 0);
            Result logged2 = w2.run(jobs, 1, 64, logEvery);
            Result bestPlain = again.number("jobs_per_s") > at64.number("jobs_per_s") ? again : at64;
            Result bestLogged = logged2.number("jobs_per_s") > logged.number("jobs_per_s") ? logged2 : logged;
            bestLogged.with("slowdown_pct", 100 * (1 - bestLogged.number("jobs_per_s") / bestPlain.number("jobs_per_s")))
                    .with("compared_to_jobs_per_s", bestPlain.number("jobs_per_s")).with("best_of", 2);
            if (bestPlain == again) {
                runs.set(runs.indexOf(at64), again);
            }
            at64.with("best_of", 2);
            again.with("best_of", 2);
            runs.add(bestLogged);
            for (Result r : runs) {
                if (ceiling != null) r.with("ratio_to_w0", r.number("jobs_per_s") / ceiling.number("jobs_per_s"));
            }
            results.addAll(runs);
        }
        Duration poll = Duration.ofMillis(200);
        if (o.runs("schedules")) {
            results.add(new ScheduleBench(db).run(quick ? 2_000 : 10_000, quick ? java.time.Duration.ofSeconds(75)
                    : java.time.Duration.ofSeconds(150)));
        }
        if (o.runs("retention")) results.add(new RetentionBench(db).run(quick ? 100_000 : 1_000_000, quick ? 20_000 : 100_000));
        if (o.runs("w3_listen")) results.add(new PickupBench(db).run(true, quick ? 50 : 300, poll));
        if (o.runs("w3_poll")) results.add(new PickupBench(db).run(false, quick ? 50 : 200, poll));
        if (o.runs("stats")) {
            results.addAll(new StatsBench(db).run(o.statsJobs(), quick ? 20 : 50));
            results.addAll(new ApiBench(db).run(o.statsJobs(), quick ? 20 : 50));
        }
        if (o.runs("dashboard")) {
            try {
                results.addAll(new DashboardBench(db).run(o.statsJobs(), quick ? 3 : 5, !o.runs("stats")));
            } catch (RuntimeException e) {
                // In a full run a missing Chromium (or dashboard) must not cost the other results.
                if (o.chosen()) throw e;
                Progress.line("dashboard: skipped: " + e.getMessage());
            }
        }
    }
}

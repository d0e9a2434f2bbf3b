package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.Table;
import dev.gantry.stats.JobStats;
import dev.gantry.stats.QueueStats;
import dev.gantry.stats.StateCounts;
import dev.gantry.stats.WindowStats;

/** {@code gantry stats}: jobs per queue and state, and what happened in the last minute, 5 minutes, hour and day. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Jobs per queue and state, throughput, success rate and latency over 1m, 5m, 1h and 24h,",
                "and the age of the oldest available job (docs/stats.md)."})
public final class StatsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the whole snapshot as JSON (with the per-minute series).")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobStats stats;
        try (Database database = db.open()) {
            stats = database.stats().snapshot();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, stats);
            return 0;
        }
        Table counts = new Table("QUEUE", "AVAILABLE", "RUNNING", "SCHEDULED", "RETRYABLE", "PENDING", "COMPLETED",
                "DISCARDED", "CANCELLED", "OLDEST AVAILABLE");
        for (QueueStats q : stats.queues()) row(counts, q.queue(), q.counts(), q.oldestAvailableAgeSeconds());
        row(counts, "(all)", stats.totals(), stats.oldestAvailableAgeSeconds());
        counts.print(out);
        out.println();
        Table windows = new Table("WINDOW", "COMPLETED", "FAILED", "DISCARDED", "CANCELLED", "JOBS/S", "SUCCESS",
                "PICKUP AVG", "PICKUP P95", "RUN AVG", "RUN P95");
        for (WindowStats w : stats.windows()) {
            windows.row(w.window(), w.completed(), w.failed(), w.discarded(), w.cancelled(),
                    String.format("%.2f", w.throughputPerSecond()),
                    w.successRate() == null ? "-" : String.format("%.1f %%", 100 * w.successRate()),
                    ms(w.pickupLatencyAvgMs()), ms(w.pickupLatencyP95Ms()), ms(w.runTimeAvgMs()), ms(w.runTimeP95Ms()));
        }
        windows.print(out);
        out.println("counts as of " + stats.countsAsOf() + "; windows at " + stats.generatedAt());
        out.flush();
        return 0;
    }

    private static void row(Table t, String queue, StateCounts c, Double oldest) {
        t.row(queue, c.available(), c.running(), c.scheduled(), c.retryable(), c.pending(), c.completed(), c.discarded(),
                c.cancelled(), oldest == null ? "-" : String.format("%.1f s", oldest));
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format("%.1f ms", v);
    }
}

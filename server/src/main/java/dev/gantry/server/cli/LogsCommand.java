package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogQuery;
import dev.gantry.client.LogClient;
import dev.gantry.server.api.LogsApi;

/** {@code gantry logs}: the workers' shipped log lines (gantry.worker_logs), optionally followed live. */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print worker log lines, or follow them live.",
                "Prints the latest lines oldest first; with --follow keeps printing new ones until Ctrl-C.",
                "Lines come from gantry.worker_logs (kept for GANTRY_LOG_RETENTION_HOURS)."},
        footer = {"", "Examples:",
                "  gantry logs --worker worker-1 --level warn",
                "  gantry logs --job 42",
                "  gantry logs --follow --grep timeout",
                "  gantry logs --follow --json | jq -r 'select(.level == \"ERROR\") | .message'"})
public final class LogsCommand implements Callable<Integer> {
    @Option(names = {"-w", "--worker"}, paramLabel = "ID", description = "Only lines of this worker.")
    String worker;

    @Option(names = {"-l", "--level"}, paramLabel = "LEVEL",
            description = "Only this level and above: TRACE, DEBUG, INFO, WARN, ERROR (any case).")
    String level;

    @Option(names = {"-j", "--job"}, paramLabel = "ID", description = "Only lines written while running this job.")
    Long job;

    @Option(names = {"-g", "--grep"}, paramLabel = "TEXT", description = "Only lines whose message contains this text (any case).")
    String grep;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "" + LogQuery.DEFAULT_LIMIT,
            description = "How many of the latest lines to print first, 1 to " + LogQuery.MAX_LIMIT + " (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as workers ship them, until Ctrl-C.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line (JSON Lines), also while following.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LogQuery query = new LogQuery(worker, level, job, grep, null, null, limit);
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = db.open()) {
            LogClient logs = database.logs();
            // Taken before the filtered query, so a line shipped between the two is printed, not skipped.
            long newest = logs.latestId();
            List<LogEntry> latest = logs.query(query);
            for (LogEntry e : latest.reversed()) print(out, e);
            out.flush();
            if (!follow) return 0;
            long last = latest.isEmpty() ? newest : Math.max(newest, latest.getFirst().id());
            new LogTail(logs, query, line -> print(out, line)).follow(last, out);
        }
        return 0;
    }

    private void print(PrintWriter out, LogEntry e) {
        if (json) {
            JsonOutput.printLine(out, LogsApi.LogView.of(e));
        } else {
            out.println(LogLine.text(e));
        }
    }
}

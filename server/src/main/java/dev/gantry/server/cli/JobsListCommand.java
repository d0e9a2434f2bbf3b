package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.gantry.server.api.JobView;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;

/** {@code gantry jobs list}: newest first, one page at a time (keyset cursor). */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List jobs, newest first.", "Filters combine with AND.",
                "When there are more, the last line says which --cursor gives the next page."},
        footer = {"", "Examples:",
                "  gantry jobs list --state discarded --since 1h",
                "  gantry jobs list --state available,scheduled --queue mail --limit 200",
                "  gantry jobs list --q 'a@b.c' --json | jq '.jobs[].id'"})
public final class JobsListCommand implements Callable<Integer> {
    /** Longest args shown in the table; the rest is in {@code jobs show} and --json. */
    static final int ARGS_WIDTH = 40;

    @Option(names = {"-s", "--state"}, paramLabel = "STATE", split = ",", converter = StateConverter.class,
            description = "Only jobs in this state (repeatable or comma-separated): pending, scheduled, available, "
                    + "running, retryable, completed, discarded, cancelled.")
    List<JobState> states = new ArrayList<>();

    @Option(names = "--queue", paramLabel = "QUEUE", description = "Only jobs of this queue.")
    String queue;

    @Option(names = "--kind", paramLabel = "KIND", description = "Only jobs of this kind.")
    String kind;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only jobs with this tag.")
    String tag;

    @Option(names = {"--q", "--text"}, paramLabel = "TEXT",
            description = "Only jobs whose args or error history contain this text (case-sensitive).")
    String text;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeInput.PastInstantConverter.class,
            description = "Created at or after this ISO-8601 time, or this long ago (30m, 2h, 1d).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeInput.PastInstantConverter.class,
            description = "Created before this ISO-8601 time, or this long ago.")
    Instant until;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "" + JobFilter.DEFAULT_LIMIT,
            description = "Jobs per page, 1 to " + JobFilter.MAX_LIMIT + " (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "ID", description = "Start after this job id (from the previous page).")
    Long cursor;

    @Option(names = "--json", description = "Print {\"jobs\": [...], \"next_cursor\": ID or null}.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What --json prints. */
    record Page(List<JobView> jobs, Long nextCursor) {
    }

    @Override
    public Integer call() {
        JobFilter filter = new JobFilter(Set.copyOf(states),
                queue, kind, tag, text, since, until, limit, cursor);
        JobPage page;
        try (Database database = db.open()) {
            page = database.client().list(filter);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, new Page(page.jobs().stream().map(JobView::of).toList(), page.nextCursor()));
            return 0;
        }
        if (page.jobs().isEmpty()) {
            out.println("no jobs");
            out.flush();
            return 0;
        }
        RelativeTime time = RelativeTime.system();
        Table t = new Table("ID", "STATE", "KIND", "QUEUE", "ATTEMPT", "CREATED", "RUN AT", "FINISHED", "ARGS")
                .maxWidth(8, ARGS_WIDTH);
        for (Job j : page.jobs()) {
            t.row(j.id(), j.state().dbName() + (j.cancelRequested() && !j.state().isFinal() ? "*" : ""), j.kind(),
                    j.queue(), j.attempt() + "/" + j.maxAttempts(), time.of(j.createdAt()),
                    j.state().isFinal() ? null : time.of(j.runAt()), time.of(j.finishedAt()), j.args());
        }
        t.print(out);
        if (page.jobs().stream().anyMatch(j -> j.cancelRequested() && !j.state().isFinal())) {
            out.println("* cancel requested");
        }
        if (page.nextCursor() != null) out.println("more: add --cursor " + page.nextCursor() + " for the next page");
        out.flush();
        return 0;
    }

    /** Job states in any case; an unknown one is a usage error listing the valid ones. */
    static final class StateConverter implements CommandLine.ITypeConverter<JobState> {
        @Override
        public JobState convert(String value) {
            try {
                return JobState.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown state '" + value + "' (one of "
                        + String.join(", ", Arrays.stream(JobState.values()).map(JobState::dbName).toList()) + ")");
            }
        }
    }
}

package dev.gantry.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.server.api.JobView;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;
import dev.gantry.client.RawJson;
import dev.gantry.error.InvalidInputException;
import dev.gantry.error.UnknownKindException;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;

/**
 * {@code gantry enqueue}: one job from the command line, or many from a JSON Lines file (or
 * stdin) in one atomic batch: all are enqueued or, on the first bad line, none.
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Enqueue a job, or many from a JSON Lines file.",
                "A file is enqueued in one atomic batch: every job or, on a bad line, none.",
                "Prints each job's id and state."},
        footer = {"", "Examples:",
                "  gantry enqueue email.send '{\"to\":\"a@b.c\"}' --queue mail --in 10m",
                "  gantry enqueue report.build --unique-key report:2026-01 --tag monthly",
                "  gantry enqueue --file jobs.jsonl",
                "      where each line is like {\"kind\":\"email.send\",\"args\":{\"to\":\"a@b.c\"},\"delay\":\"5m\"}",
                "  producer | gantry enqueue --file - --queue bulk"})
public final class EnqueueCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "The job kind, e.g. email.send.")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARGS_JSON",
            description = "The job's arguments as a JSON object (default {}).")
    String args;

    @Option(names = {"-f", "--file"}, paramLabel = "PATH",
            description = "Read jobs from this JSON Lines file ('-' for stdin), one object per line with kind, args, "
                    + "queue, priority, run_at, delay (10m), max_attempts, timeout (30s), unique_key, tags. "
                    + "The options below are defaults for lines that leave them out. At most "
                    + GantryClient.MAX_BATCH + " lines.")
    String file;

    @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE", description = "Queue (default: default).")
    String queue;

    @Option(names = {"-p", "--priority"}, paramLabel = "N", description = "0 (most urgent, default) to 32767.")
    Integer priority;

    @Option(names = "--run-at", paramLabel = "TIME", converter = TimeInput.InstantConverter.class,
            description = "Run no earlier than this ISO-8601 time, e.g. 2026-01-01T09:00:00Z.")
    Instant runAt;

    @Option(names = "--in", paramLabel = "DURATION", converter = TimeInput.DurationConverter.class,
            description = "Run after this delay, e.g. 30s, 10m, 1h30m.")
    Duration delay;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts before the job is discarded (default 20).")
    Integer maxAttempts;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = TimeInput.DurationConverter.class,
            description = "How long one attempt may run, e.g. 30s.")
    Duration timeout;

    @Option(names = "--unique-key", paramLabel = "KEY",
            description = "Idempotency key: while a job with this key is active, return it instead of a new one.")
    String uniqueKey;

    @Option(names = "--unique-while", paramLabel = "WINDOW",
            description = "How long the job holds --unique-key: waiting, active, forever (default) or a period such as 10m.")
    String uniqueWhile;

    @Option(names = "--limit-key", paramLabel = "KEY",
            description = "Run under the concurrency and rate limit of this key (gantry limits set).")
    String limitKey;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--declare", description = "Declare the kind(s) first, for producers that run before any worker "
            + "registered a handler (otherwise an unknown kind is rejected as a likely typo).")
    boolean declare;

    @Option(names = "--json", description = "Print the job(s) as JSON.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
        if (runAt != null && delay != null) throw usage("--run-at and --in cannot be combined");
        List<JobRequest> requests;
        JobLines lines = new JobLines(defaults());
        if (file != null) {
            if (kind != null) throw usage("give either KIND [ARGS_JSON] or --file, not both");
            requests = lines.parse(read(file));
            if (requests.isEmpty()) throw new CliException(GantryCommand.EXIT_BAD_INPUT, file(file) + " has no jobs");
        } else {
            if (kind == null) throw usage("missing KIND (or --file)");
            requests = List.of(new JobRequest(kind, new RawJson(args == null ? "{}" : args), defaults()));
        }
        try (Database database = db.open()) {
            GantryClient client = database.client();
            if (declare) client.declareKind(requests.stream().map(JobRequest::kind).distinct().toArray(String[]::new));
            List<Job> jobs;
            try {
                jobs = enqueue(client, requests, lines);
            } catch (UnknownKindException e) {
                throw new CliException(GantryCommand.EXIT_BAD_INPUT, e.getMessage() + " (from the CLI: --declare)");
            }
            print(jobs);
        }
        return 0;
    }

    private List<Job> enqueue(GantryClient client, List<JobRequest> requests, JobLines lines) {
        if (file == null) return List.of(client.enqueue(kind, requests.getFirst().args(), defaults()));
        try {
            return client.enqueueMany(requests);
        } catch (UnknownKindException e) {
            throw e;
        } catch (InvalidInputException e) {
            String line = lines.lineError(e);
            if (line == null) throw e;
            throw new CliException(GantryCommand.EXIT_BAD_INPUT, line);
        }
    }

    private EnqueueOptions defaults() {
        EnqueueOptions o = EnqueueOptions.defaults();
        if (queue != null) o = o.withQueue(queue);
        if (priority != null) o = o.withPriority(priority);
        if (runAt != null) o = o.withRunAt(runAt);
        if (delay != null) o = o.withDelay(delay);
        if (maxAttempts != null) o = o.withMaxAttempts(maxAttempts);
        if (timeout != null) o = o.withTimeout(timeout);
        if (!tags.isEmpty()) o = o.withTags(tags.toArray(String[]::new));
        if (uniqueKey != null || uniqueWhile != null) o = o.withUniqueKey(uniqueKey, uniqueWhile);
        if (limitKey != null) o = o.withLimitKey(limitKey);
        return o;
    }

    private String read(String path) throws IOException {
        if (path.equals("-")) return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        try {
            return Files.readString(Path.of(path));
        } catch (NoSuchFileException e) {
            throw new CliException(GantryCommand.EXIT_BAD_INPUT, "--file: " + path + " does not exist");
        } catch (MalformedInputException e) {
            throw new CliException(GantryCommand.EXIT_BAD_INPUT, "--file: " + path + " is not UTF-8 text");
        }
    }

    private static String file(String path) {
        return path.equals("-") ? "stdin" : path;
    }

    private void print(List<Job> jobs) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, file == null ? JobView.of(jobs.getFirst()) : jobs.stream().map(JobView::of).toList());
            return;
        }
        RelativeTime time = RelativeTime.system();
        if (file == null) {
            Job j = jobs.getFirst();
            out.println("job " + j.id() + " " + j.state().dbName() + " (" + j.kind() + " in queue " + j.queue()
                    + (j.state() == JobState.SCHEDULED ? ", runs " + time.of(j.runAt()) : "") + ")");
            out.flush();
            return;
        }
        Table t = new Table("ID", "KIND", "QUEUE", "STATE", "RUN AT");
        for (Job j : jobs) t.row(j.id(), j.kind(), j.queue(), j.state().dbName(), time.of(j.runAt()));
        t.print(out);
        out.println(jobs.size() + (jobs.size() == 1 ? " job" : " jobs") + " enqueued");
        out.flush();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}

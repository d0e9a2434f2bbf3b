package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.client.Limit;
import dev.gantry.client.LimitClient;
import dev.gantry.client.LimitRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.Table;

/** {@code gantry limits list|set|delete}: concurrency and rate limits by key (docs/limits.md). */
@Command(name = "limits", mixinStandardHelpOptions = true,
        description = {"List, create or change and delete concurrency and rate limits by key.",
                "A job enqueued with a limit key runs under that key's limit, on every worker."},
        subcommands = {LimitsCommand.List.class, LimitsCommand.Set.class, LimitsCommand.Delete.class})
public final class LimitsCommand implements Runnable {
    private static final Pattern PERIOD = Pattern.compile("([1-9][0-9]{0,6})(s|m|h|d)");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, set or delete");
    }

    static void print(PrintWriter out, java.util.List<Limit> limits, boolean json) {
        if (json) {
            JsonOutput.print(out, limits);
            return;
        }
        if (limits.isEmpty()) {
            out.println("no limits");
            out.flush();
            return;
        }
        Table t = new Table("KEY", "RUNNING", "MAX RUNNING", "STARTED", "PER PERIOD", "PERIOD", "WAITING");
        for (Limit l : limits) {
            t.row(l.key(), Long.toString(l.running()), l.maxRunning() == null ? "-" : l.maxRunning().toString(),
                    l.maxPerPeriod() == null ? "-" : Long.toString(l.startedInPeriod()),
                    l.maxPerPeriod() == null ? "-" : l.maxPerPeriod().toString(),
                    l.period() == null ? "-" : period(l.period()), Long.toString(l.waiting()));
        }
        t.print(out);
        out.flush();
    }

    /** A period in the largest unit that divides it: 90s, 5m, 1h, 7d. */
    static String period(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) return s / 86_400 + "d";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}. */
    static Duration parsePeriod(String text) {
        Matcher m = PERIOD.matcher(text);
        if (!m.matches()) throw new InvalidInputException("period", "must be <n><s|m|h|d> such as 30s, 5m, 1h, 1d; got \"" + text + "\"");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** {@code gantry limits list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List limits with the jobs running and waiting under each.")
    public static final class List implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = db.open()) {
                print(spec.commandLine().getOut(), database.limits().list(), json);
            }
            return 0;
        }
    }

    /** {@code gantry limits set KEY [--max-running N] [--max-per-period M --period P]}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create or replace the limit of a key: at most N running at once, and/or at most M starts per period.",
                    "Room it makes lets waiting jobs go at once."})
    public static final class Set implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KEY", description = "The limit key (a tenant, an account, an API).")
        String key;

        @Option(names = "--max-running", paramLabel = "N", description = "At most N jobs with the key run at once (0 holds them).")
        Integer maxRunning;

        @Option(names = "--max-per-period", paramLabel = "M", description = "At most M attempts start in any --period.")
        Integer maxPerPeriod;

        @Option(names = "--period", paramLabel = "PERIOD", description = "The window of --max-per-period: 30s, 5m, 1h, 1d.")
        String period;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LimitRequest request = new LimitRequest(maxRunning, maxPerPeriod, period == null ? null : parsePeriod(period));
            try (Database database = db.open()) {
                LimitClient.Upserted set = database.limits().set(key, request);
                if (!json) spec.commandLine().getOut().println((set.created() ? "created " : "replaced ") + key);
                print(spec.commandLine().getOut(), java.util.List.of(set.limit()), json);
            }
            return 0;
        }
    }

    /** {@code gantry limits delete KEY}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete the limit of a key; its waiting jobs go at once.")
    public static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "KEY")
        String key;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = db.open()) {
                if (!database.limits().delete(key)) throw new InvalidInputException("key", "no limit for key \"" + key + "\"");
            }
            spec.commandLine().getOut().println("deleted " + key);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}

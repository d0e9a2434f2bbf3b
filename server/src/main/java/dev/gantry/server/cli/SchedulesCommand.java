package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.client.RawJson;
import dev.gantry.client.Schedule;
import dev.gantry.client.ScheduleClient;
import dev.gantry.client.ScheduleRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;

/** {@code gantry schedules list|set|pause|resume|delete}: jobs made on a clock (docs/schedules.md). */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = {"List, create or change, pause, resume and delete schedules.",
                "Each tick of a schedule is enqueued once by the workers' schedulers."},
        subcommands = {SchedulesCommand.List.class, SchedulesCommand.Set.class, SchedulesCommand.Pause.class,
                SchedulesCommand.Resume.class, SchedulesCommand.Delete.class})
public final class SchedulesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, set, pause, resume or delete");
    }

    static void print(PrintWriter out, java.util.List<Schedule> schedules, boolean json) {
        if (json) {
            JsonOutput.print(out, schedules);
            return;
        }
        if (schedules.isEmpty()) {
            out.println("no schedules");
            out.flush();
            return;
        }
        RelativeTime time = RelativeTime.system();
        Table t = new Table("SCHEDULE", "SPEC", "ZONE", "KIND", "QUEUE", "PAUSED", "NEXT RUN", "LAST RUN", "LAST JOB").maxWidth(1, 40);
        for (Schedule s : schedules) {
            t.row(s.name(), s.spec(), s.timezone(), s.kind(), s.queue(), s.paused() ? "yes" : "no",
                    s.nextRunAt() == null ? "" : time.of(s.nextRunAt()), s.lastRunAt() == null ? "" : time.of(s.lastRunAt()),
                    s.lastJobId() == null ? "" : s.lastJobId().toString());
        }
        t.print(out);
        for (Schedule s : schedules) {
            if (s.lastError() != null) out.println(s.name() + ": " + s.lastError());
        }
        out.flush();
    }

    /** Options every subcommand shares. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract java.util.List<Schedule> apply(ScheduleClient schedules);

        @Override
        public Integer call() {
            try (Database database = db.open()) {
                print(spec.commandLine().getOut(), apply(database.schedules()), json);
            }
            return 0;
        }
    }

    /** {@code gantry schedules list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List schedules with their next and last run.")
    public static final class List extends Base {
        @Override
        java.util.List<Schedule> apply(ScheduleClient schedules) {
            return schedules.list();
        }
    }

    /** {@code gantry schedules set NAME SPEC KIND [options]}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create or replace a schedule. A new spec or time zone takes effect from the next tick.",
                    "SPEC: a cron expression (\"0 2 * * 0\"; 6 fields: seconds first) or every <n><s|m|h|d> (\"every 5m\")."})
    public static final class Set extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The schedule's name.")
        String name;

        @Parameters(index = "1", paramLabel = "SPEC", description = "Cron expression or every <n><unit>; quote it.")
        String specText;

        @Parameters(index = "2", paramLabel = "KIND", description = "The kind of the jobs it makes.")
        String kind;

        @Option(names = "--args", paramLabel = "JSON", description = "The jobs' args, a JSON object (default {}).")
        String args;

        @Option(names = "--queue", defaultValue = "default", description = "Queue of the jobs (default: ${DEFAULT-VALUE}).")
        String queue;

        @Option(names = {"--timezone", "--tz"}, defaultValue = "UTC", description = "IANA zone cron fields are read in (default: ${DEFAULT-VALUE}).")
        String timezone;

        @Option(names = "--priority", defaultValue = "0", description = "0 (first) to 32767.")
        int priority;

        @Option(names = "--max-attempts", description = "Attempts before a job is discarded (default 20).")
        Integer maxAttempts;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long one attempt may run.")
        Integer timeoutSeconds;

        @Option(names = "--tags", split = ",", description = "Tags of the jobs (each also gets schedule:<name>).")
        String[] tags;

        @Option(names = "--catch-up", defaultValue = "0", description = "Missed ticks to run after downtime (default 0: skip them).")
        int catchUp;

        @Option(names = "--paused", negatable = true, description = "Create or leave it paused (--no-paused: running).")
        Boolean paused;

        @Override
        java.util.List<Schedule> apply(ScheduleClient schedules) {
            if (timeoutSeconds != null && timeoutSeconds < 1) throw new InvalidInputException("timeout", "must be at least 1 second");
            ScheduleRequest r = ScheduleRequest.of(specText, kind).withArgs(new RawJson(args == null ? "{}" : args))
                    .withQueue(queue).withTimezone(timezone).withPriority(priority).withMaxAttempts(maxAttempts)
                    .withTimeout(timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds))
                    .withTags(tags == null ? java.util.List.of() : Arrays.asList(tags)).withCatchUp(catchUp).withPaused(paused);
            ScheduleClient.Upserted set = schedules.set(name, r);
            if (!json) spec.commandLine().getOut().println((set.created() ? "created " : "replaced ") + name);
            return java.util.List.of(set.schedule());
        }
    }

    /** {@code gantry schedules pause NAME}. */
    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a schedule: no tick is enqueued until it is resumed.")
    public static final class Pause extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        java.util.List<Schedule> apply(ScheduleClient schedules) {
            return java.util.List.of(schedules.pause(name));
        }
    }

    /** {@code gantry schedules resume NAME}. */
    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a schedule; its next tick is the first after now.")
    public static final class Resume extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        java.util.List<Schedule> apply(ScheduleClient schedules) {
            return java.util.List.of(schedules.resume(name));
        }
    }

    /** {@code gantry schedules delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a schedule (the jobs it made stay).")
    public static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = db.open()) {
                if (!database.schedules().delete(name)) throw new InvalidInputException("name", "no schedule named \"" + name + "\"");
            }
            spec.commandLine().getOut().println("deleted " + name);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}

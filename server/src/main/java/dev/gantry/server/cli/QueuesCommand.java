package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;
import dev.gantry.client.QueueClient;
import dev.gantry.client.QueueSummary;

/** {@code gantry queues list|pause|resume}: queues and their pause for all workers (docs/control-plane.md). */
@Command(name = "queues", mixinStandardHelpOptions = true,
        description = {"List queues; pause or resume a queue for every worker.",
                "A pause is kept in the database: workers started later honour it until it is resumed."},
        subcommands = {QueuesCommand.List.class, QueuesCommand.Pause.class, QueuesCommand.Resume.class})
public final class QueuesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, pause or resume");
    }

    static void print(PrintWriter out, java.util.List<QueueSummary> queues, boolean json) {
        if (json) {
            JsonOutput.print(out, queues);
            return;
        }
        if (queues.isEmpty()) {
            out.println("no queues");
            out.flush();
            return;
        }
        RelativeTime time = RelativeTime.system();
        Table t = new Table("QUEUE", "PAUSED", "PAUSED BY", "PAUSED AT", "WORKERS").maxWidth(4, 80);
        for (QueueSummary q : queues) {
            t.row(q.name(), q.paused() ? "yes" : "no", q.pausedBy(), q.pausedAt() == null ? "" : time.of(q.pausedAt()),
                    q.workers().stream().map(w -> w.workerId() + ":" + w.concurrency() + (w.pausedLocally() ? " (paused)" : ""))
                            .collect(Collectors.joining(", ")));
        }
        t.print(out);
    }

    /** {@code gantry queues list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List queues: those with waiting or running jobs, those live workers serve, and paused ones.")
    public static final class List implements Callable<Integer> {
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = db.open()) {
                print(spec.commandLine().getOut(), database.queues().list(), json);
            }
            return 0;
        }
    }

    /** Pause and resume: one queue, printed as it is afterwards. */
    abstract static class Change implements Callable<Integer> {
        @Parameters(paramLabel = "QUEUE", description = "The queue (it need not have jobs yet).")
        String queue;

        @Option(names = "--json", description = "Print the queue as JSON.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract QueueSummary apply(QueueClient queues);

        @Override
        public Integer call() {
            try (Database database = db.open()) {
                print(spec.commandLine().getOut(), java.util.List.of(apply(database.queues())), json);
            }
            return 0;
        }
    }

    /** {@code gantry queues pause NAME}. */
    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a queue for every worker: running jobs finish, nothing more is claimed from it.")
    public static final class Pause extends Change {
        @Override
        QueueSummary apply(QueueClient queues) {
            return queues.pause(queue, "cli");
        }
    }

    /** {@code gantry queues resume NAME}. */
    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume a queue paused for every worker (a worker's own pause stays).")
    public static final class Resume extends Change {
        @Override
        QueueSummary apply(QueueClient queues) {
            return queues.resume(queue);
        }
    }
}

package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;
import dev.gantry.client.CommandDelivery;
import dev.gantry.server.api.CommandView;
import dev.gantry.client.Worker;

/**
 * What every worker command shares: a target (one worker id, or {@code --all} live workers),
 * sending through {@code gantry.send_command} (which validates and writes nothing on bad
 * input), then waiting for each worker's acknowledgement. Exit 0 when every worker processed
 * it, 6 when one failed it or it expired (the worker is dead), 7 when one did not answer in
 * time, 3 when the worker does not exist or no worker is alive. The subcommands are the nested
 * classes and {@link WorkersConfigCommand}.
 */
abstract class WorkerControlCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The worker id (see gantry workers list).")
    String workerId;

    @Option(names = "--all", description = "Every live worker.")
    boolean all;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "10000",
            description = "How long to wait for the acknowledgements (default ${DEFAULT-VALUE}).")
    long waitMs;

    @Option(names = "--no-wait", description = "Send and return without waiting for acknowledgements.")
    boolean noWait;

    @Option(names = "--json", description = "Print the command and each worker's acknowledgement as JSON.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The command's name in gantry.worker_commands: the subcommand's own, unless a subclass says otherwise. */
    String command() {
        return spec.name();
    }

    /** Its payload; empty unless the command takes one. */
    ObjectNode payload() {
        return JsonOutput.MAPPER.createObjectNode();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (all == (workerId != null)) throw usage("name one worker ID or --all");
        if (waitMs < 0) throw usage("--wait-ms must be >= 0");
        String target = all ? "*" : workerId;
        dev.gantry.client.Command answered;
        try (Database database = db.open()) {
            requireTarget(database.workers().list());
            dev.gantry.client.Command sent = database.workers().send(target, command(), payload().toString());
            answered = noWait ? sent : database.workers().await(sent.id(), Duration.ofMillis(waitMs));
        }
        print(target, answered);
        if (noWait) return 0;
        if (answered.deliveries().stream().anyMatch(d -> d.status().equals("failed") || d.status().equals("expired"))) {
            return GantryCommand.EXIT_NOT_APPLIED;
        }
        return answered.complete() ? 0 : GantryCommand.EXIT_TIMEOUT;
    }

    /** A missing worker is "not found" (exit 3) here rather than the SQL API's bad input. */
    private void requireTarget(List<Worker> workers) {
        if (all) {
            if (workers.stream().noneMatch(Worker::alive)) {
                throw new CliException(GantryCommand.EXIT_NOT_FOUND, "no live worker to send " + command() + " to");
            }
        } else if (workers.stream().noneMatch(w -> w.id().equals(workerId))) {
            throw new CliException(GantryCommand.EXIT_NOT_FOUND, "worker " + workerId + " not found");
        }
    }

    /** --json: the command as the API shows it; else one row per worker's answer. */
    private void print(String target, dev.gantry.client.Command c) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, CommandView.of(c));
            return;
        }
        if (noWait) {
            out.println("sent " + command() + " to " + (all ? c.deliveries().size() + " live worker(s)" : target)
                    + " (command " + c.id() + ")");
            out.flush();
            return;
        }
        Table t = new Table("WORKER", "COMMAND", "STATUS", "TOOK", "ERROR");
        for (CommandDelivery d : c.deliveries()) {
            String status = d.pending() ? "no answer within " + waitMs + "ms" : d.status();
            t.row(d.workerId(), command(), status, d.took() == null ? null : RelativeTime.span(d.took()), d.error());
        }
        t.print(out);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Resume fetching jobs.")
    static final class Start extends WorkerControlCommand {
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop fetching jobs; running jobs finish. The process stays up (status stopped).")
    static final class Stop extends WorkerControlCommand {
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = {"Restart fetching with the worker's start-up settings.",
                    "Stops fetching, waits for running jobs, goes back to the configuration the process started",
                    "with (concurrency, poll interval, queue pauses, log level) and starts again."})
    static final class Restart extends WorkerControlCommand {
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = "Acknowledge, then exit the worker process gracefully (running jobs finish or are released).")
    static final class Shutdown extends WorkerControlCommand {
    }

    /** Pause and resume name a queue. */
    abstract static class QueueCommand extends WorkerControlCommand {
        @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue.")
        String queue;

        @Override
        ObjectNode payload() {
            return super.payload().put("queue", queue);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Stop fetching from one queue (with --all: on every live worker that has it).")
    static final class Pause extends QueueCommand {
        @Override
        String command() {
            return "pause_queue";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume fetching from a paused queue.")
    static final class Resume extends QueueCommand {
        @Override
        String command() {
            return "resume_queue";
        }
    }
}

package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;

/** {@code gantry workers list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List workers.",
                "Alive or dead (derived from the heartbeat age and the worker's dead timeout), status, heartbeat age, queues with concurrency and pauses, running and finished job counts."})
public final class WorkersListCommand implements Callable<Integer> {
    @Option(names = "--alive", description = "Only workers that are alive.")
    boolean aliveOnly;

    @Option(names = "--json", description = "Print a JSON array of workers.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RelativeTime time = RelativeTime.system();
        List<WorkerView> workers;
        try (Database database = db.open()) {
            Instant now = time.now();
            workers = database.workers().all().stream().map(w -> WorkerView.of(w, now))
                    .filter(w -> !aliveOnly || w.liveness().equals("alive")).toList();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, workers);
            return 0;
        }
        if (workers.isEmpty()) {
            out.println("no workers");
            out.flush();
            return 0;
        }
        Table t = new Table("ID", "LIVENESS", "STATUS", "HEARTBEAT", "QUEUES", "RUNNING", "PROCESSED", "FAILED", "HOST",
                "PID", "VERSION", "STARTED", "ERROR").maxWidth(4, 60).maxWidth(12, 40);
        for (WorkerView w : workers) {
            t.row(w.id(), w.liveness(), w.status(), RelativeTime.span(Duration.ofMillis(w.heartbeatAgeMs())) + " ago",
                    w.queuesText(), w.runningJobs(), w.jobsProcessed(), w.jobsFailed(), w.host(), w.pid(), w.version(),
                    time.of(w.startedAt()), w.error());
        }
        t.print(out);
        return 0;
    }
}

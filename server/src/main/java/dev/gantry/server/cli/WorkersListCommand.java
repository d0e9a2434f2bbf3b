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

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.api.WorkerView;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;

/** {@code gantry workers list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List workers.",
                "Liveness (dead once the heartbeat is older than the worker's dead timeout, else its status), status, heartbeat age, queues with concurrency and pauses, running and finished job counts."})
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
            workers = database.workers().list().stream().filter(w -> !aliveOnly || w.alive())
                    .map(w -> WorkerView.of(w, now)).toList();
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
                    queuesText(w.queues()), w.runningJobs(), w.jobsProcessed(), w.jobsFailed(), w.host(), w.pid(), w.version(),
                    time.of(w.startedAt()), w.error());
        }
        t.print(out);
        return 0;
    }

    /** "default:16 mail:4(paused)": each queue's concurrency, and whether it is paused. */
    static String queuesText(String queuesJson) {
        JsonNode queues = JsonOutput.tree(queuesJson);
        if (queues == null || !queues.isArray() || queues.isEmpty()) return "-";
        StringBuilder sb = new StringBuilder();
        for (JsonNode q : queues) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(q.path("name").asText()).append(':').append(q.path("concurrency").asText());
            if (q.path("paused").asBoolean()) sb.append("(paused)");
        }
        return sb.toString();
    }
}

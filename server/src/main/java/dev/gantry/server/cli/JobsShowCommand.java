package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.server.api.JobView;
import dev.gantry.error.JobNotFoundException;
import dev.gantry.job.AttemptError;
import dev.gantry.job.Job;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;

/** {@code gantry jobs show ID}: every field of one job, its args and result, and its error history with traces. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one job: every field, args, result and each failed attempt with its stack trace.")
public final class JobsShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
    long id;

    @Option(names = "--json", description = "Print the job as JSON.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Job job;
        try (Database database = db.open()) {
            job = database.client().get(id).orElseThrow(() -> new JobNotFoundException(id));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, JobView.of(job));
            return 0;
        }
        RelativeTime time = RelativeTime.system();
        out.println("job " + job.id() + " (" + job.kind() + ", queue " + job.queue() + ")");
        field(out, "state", job.state().dbName() + (job.cancelRequested() && !job.state().isFinal() ? " (cancel requested)" : ""));
        field(out, "attempt", job.attempt() + " of " + job.maxAttempts());
        field(out, "priority", job.priority());
        field(out, "run at", time.exact(job.runAt()));
        field(out, "created", time.exact(job.createdAt()));
        field(out, "attempted", time.exact(job.attemptedAt()));
        field(out, "finished", time.exact(job.finishedAt()));
        field(out, "worker", job.workerId());
        field(out, "lease until", time.exact(job.leaseExpiresAt()));
        field(out, "timeout", job.timeout() == null ? null : RelativeTime.span(job.timeout()));
        field(out, "unique key", job.uniqueKey());
        field(out, "tags", job.tags().isEmpty() ? null : String.join(", ", job.tags()));
        out.println("args:");
        indented(out, pretty(job.args()));
        out.println("result:");
        indented(out, job.result() == null ? "-" : pretty(job.result()));
        out.println("errors:" + (job.errors().isEmpty() ? " -" : ""));
        for (AttemptError e : job.errors()) {
            out.println("  attempt " + e.attempt() + " at " + e.at() + (e.workerId() == null ? "" : " on " + e.workerId())
                    + ": " + (e.errorClass() == null ? "" : e.errorClass() + ": ") + e.error());
            if (e.trace() != null) e.trace().lines().forEach(l -> out.println("      " + l));
        }
        out.println("logs: gantry logs --job " + job.id());
        out.flush();
        return 0;
    }

    private static void field(PrintWriter out, String name, Object value) {
        out.println(String.format("%-12s %s", name + ":", value == null ? "-" : value));
    }

    private static void indented(PrintWriter out, String text) {
        text.lines().forEach(l -> out.println("  " + l));
    }

    private static String pretty(String json) {
        try {
            return JsonOutput.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(JsonOutput.tree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}

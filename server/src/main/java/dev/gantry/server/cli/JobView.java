package dev.gantry.server.cli;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.job.AttemptError;
import dev.gantry.job.Job;
import dev.gantry.server.cli.output.JsonOutput;

/** A job as {@code --json} prints it: args and result embedded as JSON, the state in lowercase. */
record JobView(long id, String queue, String kind, String state, int priority, int attempt, int maxAttempts,
               JsonNode args, Instant runAt, Instant createdAt, Instant attemptedAt, Instant finishedAt,
               String workerId, Instant leaseExpiresAt, Long timeoutMs, List<AttemptError> errors, JsonNode result,
               String uniqueKey, List<String> tags, boolean cancelRequested) {

    static JobView of(Job j) {
        return new JobView(j.id(), j.queue(), j.kind(), j.state().dbName(), j.priority(), j.attempt(), j.maxAttempts(),
                JsonOutput.tree(j.args()), j.runAt(), j.createdAt(), j.attemptedAt(), j.finishedAt(), j.workerId(),
                j.leaseExpiresAt(), j.timeout() == null ? null : j.timeout().toMillis(), j.errors(),
                JsonOutput.tree(j.result()), j.uniqueKey(), j.tags(), j.cancelRequested());
    }

    static List<JobView> of(List<Job> jobs) {
        return jobs.stream().map(JobView::of).toList();
    }
}

package dev.gantry.server.cli;

import picocli.CommandLine.Command;

import dev.gantry.client.GantryClient;
import dev.gantry.job.Job;

/** {@code gantry jobs retry ID}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Run a job again now.",
                "Makes a discarded, cancelled, retryable or scheduled job available now.",
                "A running, available or completed job cannot be retried (exit 4)."})
public final class JobsRetryCommand extends JobActionCommand {
    @Override
    Job apply(GantryClient client, long id) {
        return client.retry(id);
    }

    @Override
    String done(Job job) {
        return "job " + job.id() + " " + job.state().dbName() + " (attempt " + job.attempt() + " of " + job.maxAttempts() + ")";
    }
}

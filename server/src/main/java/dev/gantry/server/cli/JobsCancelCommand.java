package dev.gantry.server.cli;

import picocli.CommandLine.Command;

import dev.gantry.client.GantryClient;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;

/** {@code gantry jobs cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a job that has not finished.",
                "A running job is flagged and its worker stops it. Cancelling a cancelled job changes nothing; a completed or discarded job exits 4."})
public final class JobsCancelCommand extends JobActionCommand {
    @Override
    Job apply(GantryClient client, long id) {
        return client.cancel(id);
    }

    @Override
    String done(Job job) {
        if (job.state() == JobState.RUNNING) {
            return "job " + job.id() + " running: cancel requested, worker " + job.workerId() + " will stop it";
        }
        return "job " + job.id() + " " + job.state().dbName();
    }
}

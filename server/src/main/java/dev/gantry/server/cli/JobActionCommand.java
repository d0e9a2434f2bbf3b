package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.server.api.JobView;
import dev.gantry.client.GantryClient;
import dev.gantry.job.Job;
import dev.gantry.server.cli.output.JsonOutput;

/**
 * What retry and cancel share: one job id, one client call, the job's new state printed. A
 * missing job exits 3, a job in a state the action does not apply to exits 4.
 */
abstract class JobActionCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
    long id;

    @Option(names = "--json", description = "Print the job as JSON.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract Job apply(GantryClient client, long id);

    abstract String done(Job job);

    @Override
    public Integer call() {
        Job job;
        try (Database database = db.open()) {
            job = apply(database.client(), id);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, JobView.of(job));
        } else {
            out.println(done(job));
            out.flush();
        }
        return 0;
    }
}

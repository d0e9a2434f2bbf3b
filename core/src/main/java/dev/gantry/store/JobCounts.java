package dev.gantry.store;

import java.time.Instant;
import java.util.List;

import dev.gantry.job.JobState;

/** How many jobs each queue has in each state (states without jobs are absent), as of a time. */
public record JobCounts(Instant asOf, List<Row> rows) {
    public JobCounts {
        rows = List.copyOf(rows);
    }

    public record Row(String queue, JobState state, long jobs) {
    }
}

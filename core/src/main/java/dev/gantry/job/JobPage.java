package dev.gantry.job;

import java.util.List;

/** One page of a job listing; {@code nextCursor} is null on the last page. */
public record JobPage(List<Job> jobs, Long nextCursor) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}

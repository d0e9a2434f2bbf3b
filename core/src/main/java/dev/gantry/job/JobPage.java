package dev.gantry.job;

import java.util.List;

/**
 * One page of a job listing; {@code nextCursor} is null on the last page. A search page (a filter
 * with text or a tag) looks at a bounded window of job ids, so it can hold fewer jobs than the
 * limit, even none, and still have a next cursor: follow it to search older jobs.
 */
public record JobPage(List<Job> jobs, Long nextCursor) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}

package dev.gantry.server.sse;

import dev.gantry.event.JobStateChange;

/** A job changed state, as streams show it: {@code from} is null for an insert, {@code to} null for a delete. */
public record JobEvent(long id, String queue, String kind, String from, String to, int attempt) {
    static JobEvent of(JobStateChange c) {
        return new JobEvent(c.jobId(), c.queue(), c.kind(), c.from() == null ? null : c.from().dbName(),
                c.to() == null ? null : c.to().dbName(), c.attempt());
    }
}

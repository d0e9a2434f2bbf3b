package dev.gantry.job;

import org.slf4j.Logger;

/** What a handler knows about the job it runs. */
public interface JobContext {
    Job job();

    default long jobId() {
        return job().id();
    }

    /** 1 on the first run. */
    default int attempt() {
        return job().attempt();
    }

    /** The raw JSON args. */
    default String rawArgs() {
        return job().args();
    }

    String workerId();

    /** A logger whose lines carry the job id (via MDC), so they can be attached to the job. */
    Logger logger();

    /**
     * True once the job should stop: timed out, cancelled by an operator, lease lost or worker
     * shutting down. The thread is interrupted too; long loops should check this.
     */
    boolean isCancelled();

    /** Why {@link #isCancelled()} is true, or null. */
    String cancelReason();
}

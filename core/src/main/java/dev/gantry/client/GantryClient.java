package dev.gantry.client;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

import dev.gantry.error.InvalidInputException;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;

/**
 * Enqueues and manages jobs. Thread-safe; get it from {@code Gantry.client()}.
 *
 * <pre>{@code
 * Job job = client.enqueue("email.send", new EmailArgs("a@b.c"), EnqueueOptions.defaults().withQueue("mail"));
 *
 * // in the application's own transaction: the job exists exactly when it commits
 * client.enqueue(connection, "invoice.render", Map.of("invoice_id", 42), EnqueueOptions.defaults());
 * }</pre>
 *
 * Bad input throws {@link InvalidInputException} (or its subclass for unknown kinds) before
 * anything is written.
 */
public interface GantryClient {
    /** Largest batch {@link #enqueueMany} takes in one statement. */
    int MAX_BATCH = 10_000;
    /** Largest args document, in bytes of JSON, unless the builder sets another limit. */
    int DEFAULT_MAX_ARGS_BYTES = 1_048_576;

    /** Declares kinds so producers may enqueue them before any worker registered a handler. */
    void declareKind(String... names);

    default Job enqueue(String kind, Object args) {
        return enqueue(kind, args, EnqueueOptions.defaults());
    }

    /** Enqueues one job; with a unique key an active job already holds, returns that job. */
    Job enqueue(String kind, Object args, EnqueueOptions options);

    /** Enqueues in the caller's transaction; never commits or closes {@code conn}. */
    Job enqueue(Connection conn, String kind, Object args, EnqueueOptions options);

    /** Enqueues many jobs in one round trip, atomically; returns them in request order. */
    List<Job> enqueueMany(List<JobRequest> requests);

    /** Enqueues many jobs in the caller's transaction. */
    List<Job> enqueueMany(Connection conn, List<JobRequest> requests);

    Optional<Job> get(long id);

    /** One page of jobs, newest first (see {@link JobFilter}). */
    JobPage list(JobFilter filter);

    /**
     * Cancels a job that has not finished. A running job is flagged; its worker interrupts it and
     * records it as cancelled. Cancelling a cancelled job returns it unchanged.
     */
    Job cancel(long id);

    /** Makes a discarded, cancelled, retryable or scheduled job available now. */
    Job retry(long id);

    /** Deletes a job that is not running. */
    void delete(long id);

    /** Retries at most {@code max} (up to {@link JobFilter#MAX_BULK}) of the retryable jobs the filter matches. */
    BulkResult retryMatching(JobFilter filter, int max);

    /** Cancels at most {@code max} of the unfinished jobs the filter matches; running ones are flagged. */
    BulkResult cancelMatching(JobFilter filter, int max);
}

package dev.gantry.client;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.error.InvalidInputException;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.KindStore;
import dev.gantry.store.NewJob;
import dev.gantry.time.TimeSource;

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
public final class GantryClient {
    /** Largest batch {@link #enqueueMany} takes in one statement. */
    public static final int MAX_BATCH = 10_000;
    public static final int DEFAULT_MAX_ARGS_BYTES = 1_048_576;

    private final JobStore jobs;
    private final KindCatalog kinds;
    private final JobRequestValidator validator;

    public GantryClient(JobStore jobs, KindStore kinds, ObjectMapper json, int maxArgsBytes, TimeSource time) {
        this.jobs = jobs;
        this.kinds = new KindCatalog(kinds);
        this.validator = new JobRequestValidator(json, maxArgsBytes, time);
    }

    /** Declares kinds so producers may enqueue them before any worker registered a handler. */
    public void declareKind(String... names) {
        List<String> list = java.util.Arrays.asList(names);
        if (list.isEmpty()) throw new InvalidInputException("kind", "name at least one kind");
        for (String n : list) {
            if (n == null || !JobRequestValidator.NAME.matcher(n).matches()) {
                throw new InvalidInputException("kind", "must be at most 128 letters, digits or _ . : -, got \"" + n + "\"");
            }
        }
        kinds.declare(list);
    }

    public Job enqueue(String kind, Object args) {
        return enqueue(kind, args, EnqueueOptions.defaults());
    }

    /** Enqueues one job; with a unique key an active job already holds, returns that job. */
    public Job enqueue(String kind, Object args, EnqueueOptions options) {
        NewJob job = prepare(List.of(new JobRequest(kind, args, options))).getFirst();
        return jobs.db().withConnection("enqueue job", conn -> jobs.insert(conn, job).job());
    }

    /** Enqueues in the caller's transaction; never commits or closes {@code conn}. */
    public Job enqueue(Connection conn, String kind, Object args, EnqueueOptions options) {
        NewJob job = prepare(List.of(new JobRequest(kind, args, options))).getFirst();
        return Db.onCallerConnection(conn, "enqueue job", c -> jobs.insert(c, job).job());
    }

    /** Enqueues many jobs in one round trip, atomically; returns them in request order. */
    public List<Job> enqueueMany(List<JobRequest> requests) {
        List<NewJob> batch = prepare(requests);
        return jobs.db().inTransaction("enqueue jobs", conn -> unwrap(jobs.insertMany(conn, batch)));
    }

    /** Enqueues many jobs in the caller's transaction. */
    public List<Job> enqueueMany(Connection conn, List<JobRequest> requests) {
        List<NewJob> batch = prepare(requests);
        return Db.onCallerConnection(conn, "enqueue jobs", c -> unwrap(jobs.insertMany(c, batch)));
    }

    public Optional<Job> get(long id) {
        return jobs.get(id);
    }

    public JobPage list(JobFilter filter) {
        return jobs.list(filter);
    }

    /**
     * Cancels a job that has not finished. A running job is flagged; its worker interrupts it and
     * records it as cancelled. Cancelling a cancelled job returns it unchanged.
     */
    public Job cancel(long id) {
        return jobs.cancel(id);
    }

    /** Makes a discarded, cancelled, retryable or scheduled job available now. */
    public Job retry(long id) {
        return jobs.retry(id);
    }

    /** Deletes a job that is not running. */
    public void delete(long id) {
        jobs.delete(id);
    }

    /** Retries at most {@code max} (up to {@link JobFilter#MAX_BULK}) of the retryable jobs the filter matches. */
    public JobStore.BulkResult retryMatching(JobFilter filter, int max) {
        return jobs.retryMatching(filter, max);
    }

    /** Cancels at most {@code max} of the unfinished jobs the filter matches; running ones are flagged. */
    public JobStore.BulkResult cancelMatching(JobFilter filter, int max) {
        return jobs.cancelMatching(filter, max);
    }

    private List<NewJob> prepare(List<JobRequest> requests) {
        if (requests == null || requests.isEmpty()) throw new InvalidInputException("jobs", "must not be empty");
        if (requests.size() > MAX_BATCH) {
            throw new InvalidInputException("jobs", "at most " + MAX_BATCH + " per batch, got " + requests.size());
        }
        List<NewJob> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            JobRequest r = requests.get(i);
            if (r == null) throw new InvalidInputException("jobs[" + i + "]", "must not be null");
            try {
                out.add(validator.validate(r));
            } catch (InvalidInputException e) {
                if (requests.size() == 1) throw e;
                throw new InvalidInputException("jobs[" + i + "]." + e.field(), e.reason());
            }
        }
        kinds.requireKnown(out.stream().map(NewJob::kind).distinct().toList());
        return out;
    }

    private static List<Job> unwrap(List<JobStore.Inserted> inserted) {
        return inserted.stream().map(JobStore.Inserted::job).toList();
    }
}

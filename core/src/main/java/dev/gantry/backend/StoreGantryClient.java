package dev.gantry.backend;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.error.InvalidInputException;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.client.BulkResult;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.KindStore;
import dev.gantry.store.NewJob;
import dev.gantry.time.TimeSource;

/**
 * {@link GantryClient} on the job store: validates and serializes requests, checks their kinds
 * against the catalog, then writes. Thread-safe.
 */
public final class StoreGantryClient implements GantryClient {
    private final JobStore jobs;
    private final KindCatalog kinds;
    private final JobRequestValidator validator;

    public StoreGantryClient(JobStore jobs, KindStore kinds, ObjectMapper json, int maxArgsBytes, TimeSource time) {
        this.jobs = jobs;
        this.kinds = new KindCatalog(kinds);
        this.validator = new JobRequestValidator(json, maxArgsBytes, time);
    }

    @Override
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

    @Override
    public Job enqueue(String kind, Object args, EnqueueOptions options) {
        NewJob job = prepare(List.of(new JobRequest(kind, args, options))).getFirst();
        return jobs.db().withConnection("enqueue job", conn -> jobs.insert(conn, job).job());
    }

    @Override
    public Job enqueue(Connection conn, String kind, Object args, EnqueueOptions options) {
        NewJob job = prepare(List.of(new JobRequest(kind, args, options))).getFirst();
        return Db.onCallerConnection(conn, "enqueue job", c -> jobs.insert(c, job).job());
    }

    @Override
    public List<Job> enqueueMany(List<JobRequest> requests) {
        List<NewJob> batch = prepare(requests);
        return jobs.db().inTransaction("enqueue jobs", conn -> unwrap(jobs.insertMany(conn, batch)));
    }

    @Override
    public List<Job> enqueueMany(Connection conn, List<JobRequest> requests) {
        List<NewJob> batch = prepare(requests);
        return Db.onCallerConnection(conn, "enqueue jobs", c -> unwrap(jobs.insertMany(c, batch)));
    }

    @Override
    public Optional<Job> get(long id) {
        return jobs.get(id);
    }

    @Override
    public JobPage list(JobFilter filter) {
        return jobs.list(filter);
    }

    @Override
    public Job cancel(long id) {
        return jobs.cancel(id);
    }

    @Override
    public Job retry(long id) {
        return jobs.retry(id);
    }

    @Override
    public void delete(long id) {
        jobs.delete(id);
    }

    @Override
    public BulkResult retryMatching(JobFilter filter, int max) {
        return jobs.retryMatching(filter, max);
    }

    @Override
    public BulkResult cancelMatching(JobFilter filter, int max) {
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

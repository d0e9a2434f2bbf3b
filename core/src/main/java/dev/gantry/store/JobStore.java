package dev.gantry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.gantry.client.BulkResult;
import dev.gantry.config.SchemaName;
import dev.gantry.error.InvalidStateException;
import dev.gantry.error.JobNotFoundException;
import dev.gantry.error.StoreException;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.time.TimeSource;

/**
 * Reads and writes {@code gantry.jobs}. Binds parameters and maps rows; holds no business rules.
 * Thread-safe.
 */
public final class JobStore {
    private static final String UNIQUE_VIOLATION = "23505";
    /**
     * How many ids one search page looks at: about 120 ms for text on this project's bench machine
     * (docs/benchmarks.md, stats workload).
     */
    public static final int SEARCH_WINDOW = 50_000;

    private final Db db;
    private final SchemaName schema;
    private final TimeSource time;
    private final NamedSql insert;
    private final NamedSql insertUnique;
    private final NamedSql insertMany;
    private final NamedSql insertManyUnique;
    private final NamedSql selectByUniqueKeys;
    private final NamedSql selectById;
    private final NamedSql claim;
    private final NamedSql applyOutcomes;
    private final NamedSql renewLeases;
    private final NamedSql notifyQueue;
    private final NamedSql stageDue;
    private final NamedSql releaseExpiredKeys;
    private final NamedSql rescueExpired;
    private final NamedSql cancel;
    private final NamedSql retry;
    private final NamedSql delete;
    private final NamedSql queueCounts;
    private final NamedSql idRange;

    public JobStore(Db db, SchemaName schema, TimeSource time) {
        this(db, schema, time, false);
    }

    /**
     * @param synchronousWorkerCommits true makes claims and outcomes wait for the WAL flush like
     *        every other write; false (the worker's default) trades that for throughput, see
     *        {@link JobSql#asyncCommit}
     */
    public JobStore(Db db, SchemaName schema, TimeSource time, boolean synchronousWorkerCommits) {
        this.db = db;
        this.schema = schema;
        this.time = time;
        String s = schema.value();
        insert = NamedSql.parse(JobSql.INSERT, s);
        insertUnique = NamedSql.parse(JobSql.INSERT_UNIQUE, s);
        insertMany = NamedSql.parse(JobSql.INSERT_MANY, s);
        insertManyUnique = NamedSql.parse(JobSql.INSERT_MANY_UNIQUE, s);
        selectByUniqueKeys = NamedSql.parse(JobSql.SELECT_BY_UNIQUE_KEYS, s);
        selectById = NamedSql.parse(JobSql.SELECT_BY_ID, s);
        claim = NamedSql.parse(synchronousWorkerCommits ? JobSql.CLAIM : JobSql.asyncCommit(JobSql.CLAIM), s);
        applyOutcomes = NamedSql.parse(synchronousWorkerCommits ? JobSql.APPLY_OUTCOMES
                : JobSql.asyncCommit(JobSql.APPLY_OUTCOMES), s);
        renewLeases = NamedSql.parse(JobSql.RENEW_LEASES, s);
        notifyQueue = NamedSql.parse(JobSql.NOTIFY_QUEUE, s);
        stageDue = NamedSql.parse(JobSql.STAGE_DUE, s);
        releaseExpiredKeys = NamedSql.parse(JobSql.RELEASE_EXPIRED_KEYS, s);
        rescueExpired = NamedSql.parse(JobSql.RESCUE_EXPIRED, s);
        cancel = NamedSql.parse(JobSql.CANCEL, s);
        retry = NamedSql.parse(JobSql.RETRY, s);
        delete = NamedSql.parse(JobSql.DELETE, s);
        queueCounts = NamedSql.parse(JobSql.QUEUE_COUNTS, s);
        idRange = NamedSql.parse(JobSql.ID_RANGE, s);
    }

    public Db db() {
        return db;
    }

    public SchemaName schema() {
        return schema;
    }

    /** Result of an insert: the job, and whether it is new or an existing job holding the unique key. */
    public record Inserted(Job job, boolean duplicate) {
    }

    /** Inserts one job on the given connection (the caller's transaction, or a pooled one). */
    public Inserted insert(Connection conn, NewJob job) throws SQLException {
        Map<String, Object> p = new HashMap<>();
        p.put("queue", job.queue());
        p.put("kind", job.kind());
        p.put("args", job.args());
        p.put("priority", job.priority());
        p.put("max_attempts", job.maxAttempts());
        p.put("run_at", job.runAt());
        p.put("now", time.nowForSql());
        p.put("timeout_ms", job.timeoutMs());
        p.put("unique_key", job.uniqueKey());
        p.put("tags", NamedSql.SqlArray.of("text", job.tags()));
        p.put("unique_while", job.uniqueWhile());
        p.put("unique_seconds", job.uniqueSeconds());
        p.put("limit_key", job.limitKey());
        if (job.uniqueKey() == null) return new Inserted(insertRows(conn, insert, p).getFirst().job(job), false);
        // A unique key can lose a race to a job that is then cancelled, or be held by a job whose
        // period is over (released here); insert again in those cases.
        for (int round = 0; round < 5; round++) {
            List<Rows.InsertedRow> rows = insertRows(conn, insertUnique, p);
            if (!rows.isEmpty()) return new Inserted(rows.getFirst().job(job), false);
            if (releaseExpiredKeys(conn, List.of(job.uniqueKey())) > 0) continue;
            List<Job> existing = query(conn, selectByUniqueKeys,
                    Map.of("unique_keys", NamedSql.SqlArray.of("text", List.of(job.uniqueKey()))));
            if (!existing.isEmpty()) return new Inserted(existing.getFirst(), true);
        }
        throw new StoreException("insert job with unique key " + job.uniqueKey(),
                new SQLException("the key kept changing hands"));
    }

    /** Lets go of the keys whose holder's unique period is over; how many. */
    private int releaseExpiredKeys(Connection conn, List<String> keys) throws SQLException {
        Map<String, Object> p = new HashMap<>();
        p.put("unique_keys", NamedSql.SqlArray.of("text", keys));
        p.put("now", time.nowForSql());
        try (PreparedStatement ps = releaseExpiredKeys.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Inserts many jobs in one statement; returns them in input order, existing jobs for held unique keys. */
    public List<Inserted> insertMany(Connection conn, List<NewJob> jobs) throws SQLException {
        if (jobs.isEmpty()) return List.of();
        int n = jobs.size();
        boolean anyKey = false;
        List<Object> queues = new ArrayList<>(n), kinds = new ArrayList<>(n), args = new ArrayList<>(n),
                priorities = new ArrayList<>(n), maxAttempts = new ArrayList<>(n), runAts = new ArrayList<>(n),
                timeouts = new ArrayList<>(n), uniqueKeys = new ArrayList<>(n), tags = new ArrayList<>(n),
                uniqueWhiles = new ArrayList<>(n), uniqueSeconds = new ArrayList<>(n), limitKeys = new ArrayList<>(n);
        for (NewJob j : jobs) {
            queues.add(j.queue());
            kinds.add(j.kind());
            args.add(j.args());
            priorities.add(j.priority());
            maxAttempts.add(j.maxAttempts());
            runAts.add(j.runAt() == null ? null : j.runAt().toString());
            timeouts.add(j.timeoutMs());
            uniqueKeys.add(j.uniqueKey());
            anyKey |= j.uniqueKey() != null;
            tags.add(arrayLiteral(j.tags()));
            uniqueWhiles.add(j.uniqueWhile());
            uniqueSeconds.add(j.uniqueSeconds());
            limitKeys.add(j.limitKey());
        }
        Map<String, Object> p = new HashMap<>();
        p.put("queues", NamedSql.SqlArray.of("text", queues));
        p.put("kinds", NamedSql.SqlArray.of("text", kinds));
        p.put("args", NamedSql.SqlArray.of("text", args));
        p.put("priorities", NamedSql.SqlArray.of("int4", priorities));
        p.put("max_attempts", NamedSql.SqlArray.of("int4", maxAttempts));
        p.put("run_ats", NamedSql.SqlArray.of("text", runAts));
        p.put("timeouts", NamedSql.SqlArray.of("int4", timeouts));
        p.put("unique_keys", NamedSql.SqlArray.of("text", uniqueKeys));
        p.put("tags", NamedSql.SqlArray.of("text", tags));
        p.put("unique_whiles", NamedSql.SqlArray.of("text", uniqueWhiles));
        p.put("unique_seconds", NamedSql.SqlArray.of("int8", uniqueSeconds));
        p.put("limit_keys", NamedSql.SqlArray.of("text", limitKeys));
        p.put("now", time.nowForSql());
        // Keys held by a job whose period is over are let go of first, so that the batch takes them.
        if (anyKey) releaseExpiredKeys(conn, uniqueKeys.stream().filter(java.util.Objects::nonNull).map(String.class::cast).toList());
        List<Rows.InsertedRow> inserted = insertRows(conn, anyKey ? insertManyUnique : insertMany, p);

        // Rows come back in input order, minus those whose unique key was already held or came
        // earlier in the batch: a key's row is its first request's.
        Map<String, Job> byKey = new HashMap<>();
        List<Rows.InsertedRow> plain = new ArrayList<>(inserted.size());
        Map<String, Rows.InsertedRow> keyedRows = new HashMap<>();
        for (Rows.InsertedRow r : inserted) {
            if (r.uniqueKey() != null) keyedRows.put(r.uniqueKey(), r);
            else plain.add(r);
        }
        Set<String> missingKeys = new HashSet<>();
        for (NewJob j : jobs) {
            if (j.uniqueKey() == null) continue;
            Rows.InsertedRow row = keyedRows.get(j.uniqueKey());
            if (row == null) missingKeys.add(j.uniqueKey());
            else byKey.putIfAbsent(j.uniqueKey(), row.job(j));
        }
        Map<String, Job> existing = new HashMap<>();
        if (!missingKeys.isEmpty()) {
            for (Job j : query(conn, selectByUniqueKeys,
                    Map.of("unique_keys", NamedSql.SqlArray.of("text", missingKeys)))) {
                existing.put(j.uniqueKey(), j);
            }
        }
        List<Inserted> out = new ArrayList<>(n);
        Set<String> seenKeys = new HashSet<>();
        int next = 0;
        for (NewJob j : jobs) {
            if (j.uniqueKey() == null) {
                out.add(new Inserted(plain.get(next++).job(j), false));
            } else if (byKey.containsKey(j.uniqueKey())) {
                out.add(new Inserted(byKey.get(j.uniqueKey()), !seenKeys.add(j.uniqueKey())));
            } else {
                Job held = existing.get(j.uniqueKey());
                if (held == null) {
                    throw new StoreException("insert jobs", new SQLException(
                            "unique key " + j.uniqueKey() + " was released while inserting; retry the batch"));
                }
                out.add(new Inserted(held, true));
            }
        }
        return out;
    }

    /** Claims up to {@code limit} available jobs of a queue for a worker, leased for {@code lease}. */
    public List<Job> claim(String queue, String workerId, int limit, Duration lease) {
        Map<String, Object> p = new HashMap<>();
        p.put("queue", queue);
        p.put("worker_id", workerId);
        p.put("limit", limit);
        p.put("lease_ms", lease.toMillis());
        p.put("now", time.nowForSql());
        return workerWrite("claim jobs from queue " + queue, conn -> query(conn, claim, p));
    }

    /** A claim or an outcome batch: one statement, its own transaction (see JobSql.asyncCommit). */
    private <T> T workerWrite(String operation, Db.SqlWork<T> work) {
        return db.withConnection(operation, work);
    }

    /** The parameters of APPLY_OUTCOMES. */
    private Map<String, Object> outcomeParams(String workerId, List<OutcomeRow> outcomes) {
        int n = outcomes.size();
        List<Object> ids = new ArrayList<>(n), attempts = new ArrayList<>(n), states = new ArrayList<>(n),
                delays = new ArrayList<>(n), errors = new ArrayList<>(n), results = new ArrayList<>(n),
                releases = new ArrayList<>(n);
        for (OutcomeRow o : outcomes) {
            ids.add(o.jobId());
            attempts.add(o.attempt());
            states.add(o.state());
            delays.add(o.delayMs());
            errors.add(o.errorJson());
            results.add(o.resultJson());
            releases.add(o.release());
        }
        Map<String, Object> p = new HashMap<>();
        p.put("ids", NamedSql.SqlArray.of("int8", ids));
        p.put("attempts", NamedSql.SqlArray.of("int4", attempts));
        p.put("states", NamedSql.SqlArray.of("text", states));
        p.put("delays", NamedSql.SqlArray.of("int8", delays));
        p.put("errors", NamedSql.SqlArray.of("text", errors));
        p.put("results", NamedSql.SqlArray.of("text", results));
        p.put("releases", NamedSql.SqlArray.of("bool", releases));
        p.put("worker_id", workerId);
        p.put("now", time.nowForSql());
        return p;
    }

    /** Writes outcomes fenced on this worker and attempt; returns the ids applied (the others were rejected). */
    public Set<Long> applyOutcomes(String workerId, List<OutcomeRow> outcomes) {
        if (outcomes.isEmpty()) return Set.of();
        int n = outcomes.size();
        Map<String, Object> p = outcomeParams(workerId, outcomes);
        return workerWrite("write " + n + " job outcomes", conn -> {
            Set<Long> applied = new HashSet<>();
            try (PreparedStatement ps = applyOutcomes.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) applied.add(rs.getLong(1));
            }
            return applied;
        });
    }

    /** Extends the leases of these running jobs, fenced on the worker. */
    public LeaseRenewal renewLeases(String workerId, Set<Long> jobIds, Duration lease) {
        if (jobIds.isEmpty()) return new LeaseRenewal(Set.of(), Set.of());
        Map<String, Object> p = new HashMap<>();
        p.put("ids", NamedSql.SqlArray.of("int8", jobIds));
        p.put("worker_id", workerId);
        p.put("lease_ms", lease.toMillis());
        p.put("now", time.nowForSql());
        return db.withConnection("renew job leases", conn -> {
            Set<Long> held = new HashSet<>();
            Set<Long> cancel = new HashSet<>();
            try (PreparedStatement ps = renewLeases.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getLong(1));
                    if (rs.getBoolean(2)) cancel.add(rs.getLong(1));
                }
            }
            return new LeaseRenewal(held, cancel);
        });
    }

    /** Wakes the workers listening for these queues. */
    public void notifyQueues(Set<String> queues) {
        if (queues.isEmpty()) return;
        db.withConnection("notify queues", conn -> {
            notifyQueues(conn, queues);
            return null;
        });
    }

    private void notifyQueues(Connection conn, Set<String> queues) throws SQLException {
        for (String q : queues) {
            try (PreparedStatement ps = notifyQueue.prepare(conn, Map.of("channel", schema.jobAvailableChannel(), "queue", q))) {
                ps.execute();
            }
        }
    }

    /** Makes due scheduled and retryable jobs available; returns how many. */
    public int stageDue(int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("limit", limit);
        return db.withConnection("stage due jobs", conn -> {
            try (PreparedStatement ps = stageDue.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Takes back running jobs whose lease expired. */
    public RescueResult rescueExpired(int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("limit", limit);
        return db.withConnection("rescue expired jobs", conn -> {
            try (PreparedStatement ps = rescueExpired.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RescueResult(rs.getInt(1), rs.getInt(2));
            }
        });
    }

    /** Counts of one queue for the monitor; completed and discarded are those of the last window. */
    public record QueueCounts(String queue, long available, long running, long scheduled, long retryable,
                              long completed, long discarded, double oldestAvailableSeconds) {
    }

    public List<QueueCounts> queueCounts(Duration window) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("window_ms", window.toMillis());
        return db.withConnection("count queues", conn -> {
            List<QueueCounts> out = new ArrayList<>();
            try (PreparedStatement ps = queueCounts.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QueueCounts(rs.getString("queue"), rs.getLong("available"), rs.getLong("running"),
                            rs.getLong("scheduled"), rs.getLong("retryable"), rs.getLong("completed"),
                            rs.getLong("discarded"), rs.getDouble("oldest_available_s")));
                }
            }
            return out;
        });
    }

    public Optional<Job> get(long id) {
        return db.withConnection("get job " + id,
                conn -> query(conn, selectById, Map.of("id", id)).stream().findFirst());
    }

    /**
     * A page of jobs, newest first. A search (text or tag, whose tests are costly per row and have
     * no index) looks at the {@link #SEARCH_WINDOW} ids below the cursor only, so every page takes
     * bounded time however rare the matches: such a page may hold fewer jobs than the limit, or
     * none, and still have a next cursor, where the following page goes on searching.
     */
    public JobPage list(JobFilter filter) {
        return db.withConnection("list jobs", conn -> {
            Long floor = isSearch(filter) ? scanFloor(conn, filter.cursor()) : null;
            JobListQuery q = JobListQuery.of(filter, schema.value(), floor);
            List<Job> rows = query(conn, q.sql(), q.values());
            boolean more = rows.size() > filter.limit();
            List<Job> page = more ? rows.subList(0, filter.limit()) : rows;
            return new JobPage(page, more ? Long.valueOf(page.getLast().id()) : floor);
        });
    }

    private static boolean isSearch(JobFilter f) {
        return f.tag() != null || f.text() != null && !f.text().isEmpty();
    }

    /** The lowest id the page looks at, or null when the window reaches the oldest job. */
    private Long scanFloor(Connection conn, Long cursor) throws SQLException {
        try (PreparedStatement ps = idRange.prepare(conn, Map.of()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long min = rs.getLong("min_id");
            if (rs.wasNull()) return null;
            long top = cursor != null ? cursor : rs.getLong("max_id") + 1;
            long floor = top - SEARCH_WINDOW;
            return floor > min ? floor : null;
        }
    }

    /** Cancels a job that has not finished; a running job is flagged and stopped by its worker. */
    public Job cancel(long id) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("now", time.nowForSql());
        return transition("cancel job " + id, id, cancel, p);
    }

    /** Makes a discarded, cancelled, retryable or scheduled job available now. */
    public Job retry(long id) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("now", time.nowForSql());
        return transition("retry job " + id, id, retry, p);
    }

    /**
     * Runs one of the SQL API's single-job transitions (gantry.cancel_job, gantry.retry_job). Their
     * refusals carry the message the caller sees: P0002 for an unknown job, 55000 for a job whose
     * state does not allow the transition.
     */
    private Job transition(String operation, long id, NamedSql sql, Map<String, Object> p) {
        return db.withConnection(operation, conn -> {
            try {
                return query(conn, sql, p).getFirst();
            } catch (SQLException e) {
                if (SqlApiErrors.NOT_FOUND.equals(e.getSQLState())) throw new JobNotFoundException(id);
                if (SqlApiErrors.WRONG_STATE.equals(e.getSQLState())) {
                    throw new InvalidStateException(SqlApiErrors.serverMessage(e));
                }
                throw e;
            }
        });
    }

    /** Retries at most {@code max} of the discarded, cancelled, retryable or scheduled jobs the filter matches. */
    public BulkResult retryMatching(JobFilter filter, int max) {
        return bulk(filter, true, max);
    }

    /** Cancels at most {@code max} of the unfinished jobs the filter matches (running ones are flagged). */
    public BulkResult cancelMatching(JobFilter filter, int max) {
        return bulk(filter, false, max);
    }

    private BulkResult bulk(JobFilter filter, boolean retry, int max) {
        if (max < 1 || max > JobFilter.MAX_BULK) {
            throw new dev.gantry.error.InvalidInputException("max", "must be between 1 and " + JobFilter.MAX_BULK + ", got " + max);
        }
        JobListQuery q = JobListQuery.bulk(filter, retry, max, schema.value());
        Map<String, Object> values = new HashMap<>(q.values());
        values.put("now", time.nowForSql());
        String what = retry ? "retry jobs" : "cancel jobs";
        BulkResult result = db.inTransaction(what, conn -> {
            try (PreparedStatement ps = q.sql().prepare(conn, values); ResultSet rs = ps.executeQuery()) {
                rs.next();
                int changed = rs.getInt("changed");
                java.sql.Array queues = rs.getArray("queues");
                if (retry && queues != null) notifyQueues(conn, Set.of((String[]) queues.getArray()));
                return new BulkResult(changed, changed >= max);
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new InvalidStateException("cannot retry these jobs together: two of them share a unique key; "
                            + "narrow the filter or retry them one at a time");
                }
                throw e;
            }
        });
        return result;
    }

    /** Deletes a job that is not running. */
    public void delete(long id) {
        db.withConnection("delete job " + id, conn -> {
            try (PreparedStatement ps = delete.prepare(conn, Map.of("id", id)); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) return null;
            }
            if (query(conn, selectById, Map.of("id", id)).isEmpty()) throw new JobNotFoundException(id);
            throw new InvalidStateException("job " + id + " is running; cancel it before deleting it");
        });
    }

    private static List<Rows.InsertedRow> insertRows(Connection conn, NamedSql sql, Map<String, ?> values) throws SQLException {
        try (PreparedStatement ps = sql.prepare(conn, values); ResultSet rs = ps.executeQuery()) {
            return Rows.insertedRows(rs);
        }
    }

    private static List<Job> query(Connection conn, NamedSql sql, Map<String, ?> values) throws SQLException {
        try (PreparedStatement ps = sql.prepare(conn, values); ResultSet rs = ps.executeQuery()) {
            return Rows.jobs(rs);
        }
    }

    /** A PostgreSQL array literal of strings, for one row's tags inside a text[] of rows. */
    private static String arrayLiteral(List<String> values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }
}

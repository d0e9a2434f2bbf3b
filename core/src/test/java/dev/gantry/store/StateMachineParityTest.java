package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.GantryClient;
import dev.gantry.client.RawJson;
import dev.gantry.config.SchemaName;
import dev.gantry.error.InvalidInputException;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/**
 * One table of cases, each run through both ways into the state machine: the Java library (the
 * public client for enqueue, cancel and retry; the worker's store for claim, outcomes, leases and
 * rescue) and the SQL API called with plain JDBC. Both must end alike: the same result, the same
 * error text, the same stored row (docs/adr/0012-one-state-machine.md).
 *
 * <p>The SQL side runs every call in a transaction that began before the job was written, as a
 * caller's transaction may: a transition that takes its time from now() rather than
 * statement_timestamp() then stamps a time before the job's creation, and the rows differ.
 */
@ExtendWith(PostgresExtension.class)
class StateMachineParityTest {
    private static final String A_129 = "a".repeat(129);
    private static final String EMOJI_512 = "\uD83D\uDE00".repeat(512);
    private static TestDatabase db;
    private static GantryClient client;
    private static JobStore store;

    @BeforeAll
    static void setUp(TestDatabase database) {
        db = database;
        client = db.client().client();
        client.declareKind("email.send");
        store = new JobStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
    }

    /** A request to enqueue, in the terms both APIs share; args is JSON text (null: none). */
    record Request(String kind, String args, String queue, int priority, Integer maxAttempts, String uniqueKey,
                   List<String> tags, Long runInSeconds) {
        static Request good() {
            return new Request("email.send", "{\"to\": \"a@b.c\"}", "mail", 0, null, null, List.of(), null);
        }

        Request kind(String v) { return new Request(v, args, queue, priority, maxAttempts, uniqueKey, tags, runInSeconds); }
        Request args(String v) { return new Request(kind, v, queue, priority, maxAttempts, uniqueKey, tags, runInSeconds); }
        Request queue(String v) { return new Request(kind, args, v, priority, maxAttempts, uniqueKey, tags, runInSeconds); }
        Request priority(int v) { return new Request(kind, args, queue, v, maxAttempts, uniqueKey, tags, runInSeconds); }
        Request maxAttempts(int v) { return new Request(kind, args, queue, priority, v, uniqueKey, tags, runInSeconds); }
        Request uniqueKey(String v) { return new Request(kind, args, queue, priority, maxAttempts, v, tags, runInSeconds); }
        Request tags(List<String> v) { return new Request(kind, args, queue, priority, maxAttempts, uniqueKey, v, runInSeconds); }
        Request runIn(long s) { return new Request(kind, args, queue, priority, maxAttempts, uniqueKey, tags, s); }
    }

    /** Where a transition case starts: a job state, some with a detail that changes the outcome. */
    enum Start {
        PENDING("state = 'pending'"),
        SCHEDULED("state = 'scheduled', run_at = now() + interval '1 hour'"),
        AVAILABLE("state = 'available'"),
        RUNNING("state = 'running', attempt = 1, worker_id = 'w1', attempted_at = now(),"
                + " lease_expires_at = now() + interval '5 minutes'"),
        RUNNING_LAST_ATTEMPT("state = 'running', attempt = 3, worker_id = 'w1', attempted_at = now(),"
                + " lease_expires_at = now() + interval '5 minutes'"),
        RUNNING_LEASE_EXPIRED("state = 'running', attempt = 1, worker_id = 'w1', attempted_at = now() - interval '10 minutes',"
                + " lease_expires_at = now() - interval '1 minute'"),
        RUNNING_CANCEL_REQUESTED("state = 'running', attempt = 1, worker_id = 'w1', attempted_at = now(),"
                + " lease_expires_at = now() + interval '5 minutes', cancel_requested_at = now()"),
        RETRYABLE("state = 'retryable', attempt = 1, run_at = now() + interval '1 hour',"
                + " errors = '[{\"error\": \"boom\"}]'"),
        COMPLETED("state = 'completed', attempt = 1, attempted_at = now(), finished_at = now(), result = '{\"ok\": 1}'"),
        DISCARDED("state = 'discarded', attempt = 3, attempted_at = now(), finished_at = now(),"
                + " errors = '[{\"error\": \"boom\"}]'"),
        CANCELLED("state = 'cancelled', finished_at = now(), cancel_requested_at = now()"),
        UNIQUE_KEY_TAKEN("state = 'cancelled', finished_at = now(), unique_key = 'k'");

        final String set;

        Start(String set) {
            this.set = set;
        }
    }

    enum Transition { CLAIM, COMPLETE, FAIL, CANCEL, RETRY, RESCUE, RENEW_LEASE }

    /** One row of the table: an enqueue (request) or a transition from a start; expect is a prefix of the result. */
    record Case(String name, Request request, Start start, Transition transition, String expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        Request g = Request.good();
        enqueue(c, "good input", g, "ok");
        enqueue(c, "good input, every option", g.priority(7).maxAttempts(5).uniqueKey("welcome:42")
                .tags(List.of("welcome", "user:42")), "ok");
        enqueue(c, "run_at in the future is scheduled", g.runIn(3600), "ok");
        enqueue(c, "run_at in the past is available", g.runIn(-3600), "ok");
        enqueue(c, "unique key of 512 characters outside the BMP", g.uniqueKey(EMOJI_512), "ok");
        enqueue(c, "kind empty", g.kind(""), "error kind: must not be empty");
        enqueue(c, "kind too long", g.kind(A_129), "error kind: must be at most 128");
        enqueue(c, "kind with a space", g.kind("bad kind"), "error kind: must be at most 128");
        enqueue(c, "kind starting with a dot", g.kind(".email"), "error kind: must be at most 128");
        enqueue(c, "kind unknown", g.kind("no.such.kind"), "error kind: unknown kind");
        enqueue(c, "queue empty", g.queue(""), "error queue: must not be empty");
        enqueue(c, "queue too long", g.queue(A_129), "error queue: must be at most 128");
        enqueue(c, "args null", g.args(null), "error args: must not be null");
        enqueue(c, "args JSON null", g.args("null"), "error args: must not be null");
        enqueue(c, "args too large", g.args("[\"" + "x".repeat(1_048_576) + "\"]"), "error args: is 1048580 bytes");
        enqueue(c, "priority negative", g.priority(-1), "error priority: must be between 0 and 32767");
        enqueue(c, "priority too large", g.priority(32768), "error priority: must be between 0 and 32767");
        enqueue(c, "max_attempts zero", g.maxAttempts(0), "error max_attempts: must be between 1 and 1000");
        enqueue(c, "max_attempts too large", g.maxAttempts(1001), "error max_attempts: must be between 1 and 1000");
        enqueue(c, "unique key empty", g.uniqueKey(""), "error unique_key: must be 1 to 512 characters");
        enqueue(c, "unique key too long", g.uniqueKey("k".repeat(513)), "error unique_key: must be 1 to 512 characters");
        enqueue(c, "too many tags", g.tags(java.util.Collections.nCopies(51, "t")), "error tags: at most 50 tags");
        enqueue(c, "tag empty", g.tags(List.of("")), "error tags: each tag must be 1 to 128 characters");
        enqueue(c, "tag too long", g.tags(List.of(A_129)), "error tags: each tag must be 1 to 128 characters");
        for (Transition t : Transition.values()) {
            for (Start s : Start.values()) {
                c.add(new Case(t.name().toLowerCase() + " from " + s.name().toLowerCase(), null, s, t, ""));
            }
        }
        return c.stream();
    }

    private static void enqueue(List<Case> c, String name, Request r, String expect) {
        c.add(new Case("enqueue: " + name, r, null, null, expect));
    }

    /** What a path did: its result or error text, and the stored jobs afterwards. */
    record Outcome(String result, String rows) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void javaAndSqlEndAlike(Case c) throws SQLException {
        Outcome java = run(c, false);
        Outcome sql = run(c, true);

        assertThat(sql).as("SQL API vs Java library").isEqualTo(java);
        assertThat(java.result()).startsWith(c.expect());
    }

    /**
     * The unique index's predicate is unique_key_held (V011), and for a key held forever (the
     * default window) it lets go in exactly key_releasing_states(); the other windows hold in
     * the states the docs name.
     */
    @Test
    void theUniqueKeyIndexHoldsKeysInExactlyTheirWindowsStates() {
        String predicate = db.queryString("SELECT pg_get_expr(indpred, indrelid) FROM pg_index"
                + " WHERE indexrelid = 'gantry.jobs_unique_key_idx_where_held'::regclass");
        assertThat(predicate).contains("unique_key_held(unique_while, state)");
        String releasing = db.queryString("SELECT array_to_string(gantry.key_releasing_states(), ',')");
        Map<String, Set<String>> held = new java.util.LinkedHashMap<>();
        held.put("NULL", Arrays.stream(JobState.values()).map(JobState::dbName)
                .filter(s -> !Set.of(releasing.split(",")).contains(s)).collect(Collectors.toSet()));
        held.put("'period'", held.get("NULL"));
        held.put("'waiting'", Set.of("pending", "scheduled", "available", "retryable"));
        held.put("'active'", Set.of("pending", "scheduled", "available", "retryable", "running"));
        held.put("'released'", Set.of());
        held.forEach((window, states) -> {
            Set<String> actual = Arrays.stream(JobState.values()).map(JobState::dbName)
                    .filter(s -> db.queryString("SELECT gantry.unique_key_held(" + window + ", '" + s + "')").equals("t"))
                    .collect(Collectors.toSet());
            assertThat(actual).as(window).isEqualTo(states);
        });
    }

    @Test
    void theStateSetsNameOnlyRealStates() {
        Set<String> states = Arrays.stream(JobState.values()).map(JobState::dbName).collect(Collectors.toSet());
        for (String set : List.of("retryable_states", "cancellable_states", "key_releasing_states")) {
            String names = db.queryString("SELECT array_to_string(gantry." + set + "(), ',')");
            assertThat(states).as(set).containsAll(List.of(names.split(",")));
        }
    }

    private Outcome run(Case c, boolean sql) throws SQLException {
        db.reset();
        db.execute("DELETE FROM gantry.queues");
        try (Connection conn = db.dataSource().getConnection()) {
            if (sql) {
                // The caller's transaction begins before the job exists.
                conn.setAutoCommit(false);
                query(conn, "SELECT now()");
            }
            if (c.start() != null) setUp(c.start());
            String result;
            try {
                result = "ok " + (c.request() != null
                        ? (sql ? enqueueSql(conn, c.request()) : enqueueJava(c.request()))
                        : (sql ? transitionSql(conn, c.transition()) : transitionJava(c.transition())));
                if (sql) conn.commit();
            } catch (InvalidInputException e) {
                result = "error " + e.field() + ": " + e.reason();
            } catch (RuntimeException e) {
                result = "error " + e.getMessage();
            } catch (SQLException e) {
                conn.rollback();
                result = "error " + SqlApiErrors.serverMessage(e);
            }
            return new Outcome(result, rows());
        }
    }

    /** One job (id 1) in the given state, in queue q, of 3 attempts; a second job holds key k for UNIQUE_KEY_TAKEN. */
    private static void setUp(Start s) {
        db.execute("SELECT gantry.enqueue('email.send', '{}', 'q', max_attempts => 3)");
        db.execute("UPDATE gantry.jobs SET " + s.set + " WHERE id = 1");
        if (s == Start.UNIQUE_KEY_TAKEN) db.execute("SELECT gantry.enqueue('email.send', '{}', 'q', unique_key => 'k')");
        // Some time passes between writing the job and acting on it.
        db.execute("SELECT pg_sleep(0.005)");
    }

    private static String enqueueJava(Request r) {
        EnqueueOptions o = EnqueueOptions.defaults().withQueue(r.queue()).withPriority(r.priority())
                .withTags(r.tags().toArray(String[]::new));
        if (r.maxAttempts() != null) o = o.withMaxAttempts(r.maxAttempts());
        if (r.uniqueKey() != null) o = o.withUniqueKey(r.uniqueKey());
        if (r.runInSeconds() != null) o = o.withRunAt(Instant.now().plusSeconds(r.runInSeconds()));
        return String.valueOf(client.enqueue(r.kind(), r.args() == null ? null : new RawJson(r.args()), o).id());
    }

    private static String enqueueSql(Connection conn, Request r) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT gantry.enqueue(?, ?::jsonb, ?, ?,"
                + " statement_timestamp() + ?::integer * interval '1 second', ?, ?, ?::text[])")) {
            ps.setString(1, r.kind());
            ps.setString(2, r.args());
            ps.setString(3, r.queue());
            ps.setInt(4, r.priority());
            ps.setObject(5, r.runInSeconds() == null ? null : r.runInSeconds().intValue(), java.sql.Types.INTEGER);
            ps.setObject(6, r.maxAttempts());
            ps.setString(7, r.uniqueKey());
            ps.setArray(8, conn.createArrayOf("text", r.tags().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return String.valueOf(rs.getLong(1));
            }
        }
    }

    /** The Java library's way: the client for cancel and retry, the worker's store for the rest. */
    private static String transitionJava(Transition t) {
        int attempt = (int) db.queryLong("SELECT attempt FROM gantry.jobs WHERE id = 1");
        return switch (t) {
            case CLAIM -> {
                // The worker's maintenance loops run what gantry.claim runs first.
                store.rescueExpired(1000);
                store.stageDue(1000);
                yield "claimed " + store.claim("q", "w2", 10, Duration.ofSeconds(300)).size();
            }
            case COMPLETE -> "applied " + !store.applyOutcomes("w1",
                    List.of(new OutcomeRow(1, attempt, "completed", 0, null, "{\"ok\": 1}", false))).isEmpty();
            case FAIL -> {
                // JobExecutor's choice: cancelled when an operator asked, discarded when out of attempts.
                boolean cancelRequested = db.count("id = 1 AND cancel_requested_at IS NOT NULL") == 1;
                boolean last = db.count("id = 1 AND attempt >= max_attempts") == 1;
                String state = cancelRequested ? "cancelled" : last ? "discarded" : "retryable";
                yield "applied " + !store.applyOutcomes("w1", List.of(new OutcomeRow(1, attempt, state,
                        state.equals("retryable") ? 1000 : 0, "{\"error\": \"boom\"}", null, false))).isEmpty();
            }
            case CANCEL -> "job " + client.cancel(1).state().dbName();
            case RETRY -> "job " + client.retry(1).state().dbName();
            case RESCUE -> {
                RescueResult r = store.rescueExpired(1000);
                yield "retried " + r.retried() + " discarded " + r.discarded();
            }
            case RENEW_LEASE -> "held " + store.renewLeases("w1", Set.of(1L), Duration.ofSeconds(300)).held().contains(1L);
        };
    }

    private static String transitionSql(Connection conn, Transition t) throws SQLException {
        return switch (t) {
            case CLAIM -> "claimed " + query(conn, "SELECT count(*) FROM gantry.claim('q', 'w2', 10, 300)");
            case COMPLETE -> "applied " + query(conn, "SELECT gantry.complete(1, 'w1', '{\"ok\": 1}',"
                    + " (SELECT attempt FROM gantry.jobs WHERE id = 1))::text");
            case FAIL -> "applied " + query(conn, "SELECT gantry.fail(1, 'w1', 'boom', true,"
                    + " (SELECT attempt FROM gantry.jobs WHERE id = 1), interval '1 second')::text");
            case CANCEL -> "job " + query(conn, "SELECT state FROM gantry.cancel_job(1)");
            case RETRY -> "job " + query(conn, "SELECT state FROM gantry.retry_job(1)");
            case RESCUE -> query(conn, "SELECT 'retried ' || retried || ' discarded ' || discarded"
                    + " FROM gantry.rescue_expired()");
            case RENEW_LEASE -> "held " + query(conn, "SELECT gantry.renew_lease(1, 'w1', 300)::text");
        };
    }

    private static String query(Connection conn, String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The stored jobs, times as relations (to creation, to the present) and durations rounded to
     * 10 s, so two runs moments apart compare equal and a time taken from the wrong clock does not.
     */
    private static String rows() {
        return db.queryString("""
                SELECT coalesce(string_agg(concat_ws(' | ', id, queue, kind, args::text, state, priority, attempt,
                       max_attempts, left(unique_key, 20), tags::text, timeout_ms, worker_id, result::text,
                       'errors=' || jsonb_array_length(errors),
                       'run_at=' || CASE WHEN run_at > statement_timestamp() + interval '30 s' THEN 'later'
                                         WHEN run_at < created_at THEN 'before creation'
                                         ELSE 'now' END,
                       'attempted=' || coalesce((attempted_at >= created_at)::text, 'never'),
                       'finished=' || coalesce((finished_at >= created_at)::text, 'no'),
                       'lease_s=' || coalesce((10 * round(extract(epoch FROM lease_expires_at - statement_timestamp()) / 10))::text, 'none'),
                       'cancel_requested=' || (cancel_requested_at IS NOT NULL)), E'\\n' ORDER BY id), 'no jobs')
                  FROM gantry.jobs""");
    }
}

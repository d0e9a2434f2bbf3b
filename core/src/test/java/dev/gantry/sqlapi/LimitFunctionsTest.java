package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Concurrency and rate limits by key through the SQL API alone: set_limit, delete_limit,
 * enqueue(limit_key), claim, complete and fail, on a pinned clock where time matters.
 * LimitProcessesTest races worker processes against the same rules.
 */
@ExtendWith(PostgresExtension.class)
class LimitFunctionsTest {
    private final TestDatabase db;

    LimitFunctionsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.reset();
        db.execute("TRUNCATE gantry.limits CASCADE");
        db.execute("SELECT gantry.declare_kind('sync')");
    }

    private void enqueue(int n, String key) {
        db.execute("SELECT gantry.enqueue('sync', '{}', limit_key => " + (key == null ? "NULL" : "'" + key + "'")
                + ") FROM generate_series(1, " + n + ")");
    }

    /** Claims through gantry.claim_available at a pinned time; the ids claimed, in claim order. */
    private List<Long> claim(int max, String at) {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM gantry.claim_available('default', 'w1', ?,"
                     + " interval '5 minutes', ?::timestamptz)")) {
            ps.setInt(1, max);
            ps.setString(2, at);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private void complete(long id) {
        assertThat(db.queryString("SELECT gantry.complete(" + id + ", 'w1')")).isEqualTo("t");
    }

    /** Completes through gantry.apply_outcomes (what complete() calls) at a pinned time. */
    private void completeAt(long id, String at) {
        assertThat(db.queryLong("SELECT count(*) FROM gantry.apply_outcomes('w1', ARRAY[?::bigint], ARRAY[1],"
                + " ARRAY['completed'], ARRAY[0::bigint], ARRAY[NULL::text], ARRAY[NULL::text], ARRAY[false], ?::timestamptz)",
                id, at)).isEqualTo(1);
    }

    private long count(String state, String key) {
        return db.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = ? AND limit_key IS NOT DISTINCT FROM ?", state, key);
    }

    @Test
    void setLimitCreatesThenReplacesAndDeleteRemoves() {
        assertThat(db.queryString("SELECT gantry.set_limit('acct-1', 4)")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.set_limit('acct-1', max_running => 2, max_per_period => 10,"
                + " period => interval '1 minute')")).isEqualTo("f");
        assertThat(db.queryString("SELECT max_running || '/' || max_per_period || '/' || period FROM gantry.limits"))
                .isEqualTo("2/10/00:01:00");
        assertThat(db.queryString("SELECT gantry.delete_limit('acct-1')")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.delete_limit('acct-1')")).isEqualTo("f");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.limits")).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            gantry.set_limit(NULL, 1)                                  | limit_key: must not be empty
            gantry.set_limit('', 1)                                    | limit_key: must not be empty
            gantry.set_limit('a b', 1)                                 | limit_key: must be at most 200 letters
            gantry.set_limit('-a', 1)                                  | limit_key: must be at most 200 letters
            gantry.set_limit(repeat('a', 201), 1)                      | limit_key: must be at most 200 letters
            gantry.set_limit('k')                                      | limit: give max_running, max_per_period and period, or both
            gantry.set_limit('k', -1)                                  | max_running: must be between 0 and 100000, got -1
            gantry.set_limit('k', 100001)                              | max_running: must be between 0 and 100000, got 100001
            gantry.set_limit('k', NULL, 5)                             | period: max_per_period and period go together
            gantry.set_limit('k', NULL, NULL, interval '1 minute')     | period: max_per_period and period go together
            gantry.set_limit('k', NULL, 0, interval '1 minute')        | max_per_period: must be between 1 and 1000000, got 0
            gantry.set_limit('k', NULL, 5, interval '0.5 seconds')     | period: must be between 1 second and 31 days
            gantry.set_limit('k', NULL, 5, interval '32 days')         | period: must be between 1 second and 31 days
            gantry.delete_limit('')                                    | limit_key: must not be empty
            gantry.enqueue('sync', '{}', limit_key => '')              | limit_key: must not be empty
            gantry.enqueue('sync', '{}', limit_key => 'a/b')           | limit_key: must be at most 200 letters
            """)
    void badInputRaises22023AndWritesNothing(String call, String message) {
        db.execute("SELECT gantry.set_limit('kept', 3)");
        assertThatThrownBy(() -> db.execute("SELECT " + call))
                .hasMessageContaining(message)
                .cause().satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        assertThat(db.queryString("SELECT string_agg(limit_key || ':' || max_running, ',') FROM gantry.limits"))
                .isEqualTo("kept:3");
        assertThat(db.countJobs()).isZero();
    }

    @Test
    void aKeyAtItsLimitWaitsAndOtherKeysAndUnkeyedJobsRun() {
        db.execute("SELECT gantry.set_limit('acct-1', 2)");
        enqueue(10, "acct-1");
        enqueue(3, "acct-2");
        enqueue(3, null);

        List<Long> first = claim(10, "2026-01-01 00:00:00+00");

        // two of acct-1 (its limit), all of acct-2 (no limit row: unlimited) and the unkeyed jobs
        assertThat(first).hasSize(8);
        assertThat(count("running", "acct-1")).isEqualTo(2);
        assertThat(count("running", "acct-2")).isEqualTo(3);
        assertThat(count("running", null)).isEqualTo(3);
        // the rest of acct-1 waits out of the claim path, no attempt spent
        assertThat(count("pending", "acct-1")).isEqualTo(8);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = 'pending' AND attempt = 0"
                + " AND limited_at IS NOT NULL")).isEqualTo(8);
        assertThat(claim(10, "2026-01-01 00:00:01+00")).isEmpty();
    }

    @Test
    void anOutcomeLetsTheNextWaitingJobOfItsKeyGoInClaimOrder() {
        db.execute("SELECT gantry.set_limit('acct-1', 1)");
        enqueue(3, "acct-1");
        List<Long> first = claim(5, "2026-01-01 00:00:00+00");
        assertThat(first).containsExactly(1L);

        complete(1);

        assertThat(db.queryString("SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM gantry.jobs"))
                .isEqualTo("1:completed,2:available,3:pending");
        assertThat(claim(5, "2026-01-01 00:00:01+00")).containsExactly(2L);
        // a failure frees the room too
        assertThat(db.queryString("SELECT gantry.fail(2, 'w1', 'boom')")).isEqualTo("t");
        assertThat(db.state(3).name()).isEqualTo("AVAILABLE");
    }

    @Test
    void aRateLimitHoldsStartsPerPeriodAndTheStagerWakesTheKeyWhenTheWindowFrees() {
        db.execute("SELECT gantry.set_limit('api', max_per_period => 3, period => interval '1 minute')");
        enqueue(5, "api");

        assertThat(claim(10, "2026-01-01 00:00:00+00")).hasSize(3);
        assertThat(db.queryString("SELECT wake_at FROM gantry.limits")).isEqualTo("2026-01-01 00:01:00+00");
        for (long id = 1; id <= 3; id++) completeAt(id, "2026-01-01 00:00:10+00");
        // completing frees no start of the period
        assertThat(count("pending", "api")).isEqualTo(2);

        assertThat(db.queryLong("SELECT gantry.stage_due(NULL, '2026-01-01 00:00:59+00')")).isZero();
        assertThat(db.queryLong("SELECT gantry.stage_due(NULL, '2026-01-01 00:01:00+00')")).isEqualTo(2);
        assertThat(claim(10, "2026-01-01 00:01:00+00")).hasSize(2);
    }

    @Test
    void raisingOrDeletingALimitLetsWaitingJobsGoAtOnce() {
        db.execute("SELECT gantry.set_limit('acct-1', 1)");
        enqueue(6, "acct-1");
        claim(10, "2026-01-01 00:00:00+00");
        assertThat(count("pending", "acct-1")).isEqualTo(5);

        db.execute("SELECT gantry.set_limit('acct-1', 3)");
        assertThat(count("available", "acct-1")).isEqualTo(2);
        assertThat(count("pending", "acct-1")).isEqualTo(3);

        db.execute("SELECT gantry.delete_limit('acct-1')");
        assertThat(count("available", "acct-1")).isEqualTo(5);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs WHERE limited_at IS NOT NULL")).isZero();
    }

    @Test
    void aZeroLimitHoldsEveryJobOfTheKey() {
        db.execute("SELECT gantry.set_limit('paused-tenant', 0)");
        enqueue(3, "paused-tenant");
        enqueue(1, null);

        assertThat(claim(10, "2026-01-01 00:00:00+00")).containsExactly(4L);
        assertThat(count("pending", "paused-tenant")).isEqualTo(3);
    }

    @Test
    void aRescuedJobFreesItsRoom() {
        db.execute("SELECT gantry.set_limit('acct-1', 1)");
        enqueue(2, "acct-1");
        claim(10, "2026-01-01 00:00:00+00");

        db.execute("SELECT * FROM gantry.rescue_expired(NULL, '2026-01-01 01:00:00+00')");

        assertThat(db.state(1).name()).isEqualTo("RETRYABLE");
        assertThat(db.state(2).name()).isEqualTo("AVAILABLE");
    }

    @Test
    void aCancelledWaitingJobIsGoneFromTheLine() {
        db.execute("SELECT gantry.set_limit('acct-1', 1)");
        enqueue(3, "acct-1");
        claim(10, "2026-01-01 00:00:00+00");

        db.execute("SELECT gantry.cancel_job(2)");
        complete(1);

        assertThat(db.queryString("SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM gantry.jobs"))
                .isEqualTo("1:completed,2:cancelled,3:available");
    }

    @Test
    void aKeyWithManyWaitingJobsAheadDoesNotHoldBackTheKeysBehindIt() {
        db.execute("SELECT gantry.set_limit('big', 1)");
        enqueue(3000, "big");
        db.execute("SELECT gantry.set_limit('small', 1)");
        enqueue(1, "small");

        // one claim of 2: one of big, then the rest of big waits and small runs in the same claim
        List<Long> ids = claim(2, "2026-01-01 00:00:00+00");

        assertThat(ids).containsExactly(1L, 3001L);
        assertThat(count("pending", "big")).isEqualTo(2999);
    }
}

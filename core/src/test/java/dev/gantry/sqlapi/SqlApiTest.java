package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
 * The SQL API (R__sql_api.sql) driven the way a non-Java worker drives it: plain JDBC, SQL
 * strings, no Gantry classes. Times are compared inside PostgreSQL, against the same now() the
 * functions used, so no test depends on the clock of this process.
 */
@ExtendWith(PostgresExtension.class)
class SqlApiTest {
    private final TestDatabase db;

    SqlApiTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.reset();
        db.execute("SELECT gantry.declare_kind('email.send')");
    }

    // enqueue

    @Test
    void enqueueWithDefaultsMakesAnAvailableJob() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{\"to\": \"a@b.c\"}')");

        assertThat(row(id, "queue || ' ' || kind || ' ' || args::text || ' ' || state || ' ' || priority"
                + " || ' ' || attempt || ' ' || max_attempts || ' ' || tags::text"))
                .isEqualTo("default email.send {\"to\": \"a@b.c\"} available 0 0 20 {}");
        assertThat(db.count("id = " + id + " AND run_at = created_at AND unique_key IS NULL AND timeout_ms IS NULL"))
                .isEqualTo(1);
    }

    @Test
    void enqueueStoresEveryOption() {
        long id = db.queryLong("""
                SELECT gantry.enqueue('email.send', '{"to": "a@b.c"}', queue => 'mail', priority => 7,
                                      run_at => now() - interval '1 minute', max_attempts => 3,
                                      unique_key => 'welcome:42', tags => ARRAY['welcome', 'user:42'],
                                      timeout_seconds => 90)""");

        assertThat(row(id, "queue || ' ' || state || ' ' || priority || ' ' || max_attempts || ' ' || unique_key"
                + " || ' ' || tags::text || ' ' || timeout_ms"))
                .isEqualTo("mail available 7 3 welcome:42 {welcome,user:42} 90000");
        assertThat(db.count("id = " + id + " AND run_at = created_at - interval '1 minute'")).isEqualTo(1);
    }

    @Test
    void enqueuePositionalArgumentsFollowTheDocumentedOrder() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}', 'mail', 3, NULL, 5, 'k1', ARRAY['t'])");

        assertThat(row(id, "queue || ' ' || priority || ' ' || max_attempts || ' ' || unique_key || ' ' || tags::text"))
                .isEqualTo("mail 3 5 k1 {t}");
    }

    @Test
    void futureRunAtIsScheduledAndNotClaimableUntilStaged() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}', run_at => now() + interval '1 hour')");

        assertThat(db.queryString("SELECT state FROM gantry.jobs WHERE id = ?", id)).isEqualTo("scheduled");
        assertThat(claim("default", "w1", 10)).isEmpty();
        assertThat(db.queryLong("SELECT gantry.stage_due(now => now() + interval '30 minutes')")).isZero();
        assertThat(db.queryLong("SELECT gantry.stage_due(now => now() + interval '2 hours')")).isEqualTo(1);
        assertThat(db.queryString("SELECT state FROM gantry.jobs WHERE id = ?", id)).isEqualTo("available");
        assertThat(claim("default", "w1", 10)).extracting(Claimed::id).containsExactly(id);
    }

    @Test
    void claimStagesScheduledJobsThatBecameDue() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}', run_at => now() + interval '1 hour')");
        assertThat(claim("default", "w1", 1)).isEmpty();

        db.execute("UPDATE gantry.jobs SET run_at = now() - interval '1 second' WHERE id = " + id);

        assertThat(claim("default", "w1", 1)).extracting(Claimed::id).containsExactly(id);
    }

    @Test
    void duplicateUniqueKeyReturnsTheExistingJob() {
        long first = db.queryLong("SELECT gantry.enqueue('email.send', '{\"n\": 1}', unique_key => 'once')");

        long second = db.queryLong("SELECT gantry.enqueue('email.send', '{\"n\": 2}', queue => 'other', unique_key => 'once')");

        assertThat(second).isEqualTo(first);
        assertThat(db.countJobs()).isEqualTo(1);
        assertThat(row(first, "args::text || ' ' || queue")).isEqualTo("{\"n\": 1} default");
    }

    @Test
    void uniqueKeyHeldOnlyByADiscardedJobIsFreeAgain() {
        long first = db.queryLong("SELECT gantry.enqueue('email.send', '{}', unique_key => 'once')");
        claim("default", "w1", 1);
        assertThat(bool("SELECT gantry.fail(?, 'w1', 'boom', retryable => false)", first)).isTrue();

        long second = db.queryLong("SELECT gantry.enqueue('email.send', '{}', unique_key => 'once')");

        assertThat(second).isNotEqualTo(first);
        assertThat(db.countJobs()).isEqualTo(2);
    }

    @Test
    void enqueueAcceptsAnyJsonValueButNullAsArgs() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '[1, 2]')");

        assertThat(row(id, "args::text")).isEqualTo("[1, 2]");
    }

    // claim

    @Test
    void claimMarksTheJobRunningWithAttemptWorkerAndLease() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{\"to\": \"a@b.c\"}')");

        List<Claimed> claimed = claim("default", "w1", 1, 60);

        assertThat(claimed).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(id);
            assertThat(c.state()).isEqualTo("running");
            assertThat(c.attempt()).isEqualTo(1);
            assertThat(c.workerId()).isEqualTo("w1");
            assertThat(c.kind()).isEqualTo("email.send");
            assertThat(c.args()).isEqualTo("{\"to\": \"a@b.c\"}");
        });
        assertThat(db.count("id = " + id + " AND state = 'running' AND attempt = 1 AND worker_id = 'w1'"
                + " AND attempted_at IS NOT NULL AND lease_expires_at = attempted_at + interval '60 seconds'"))
                .isEqualTo(1);
    }

    @Test
    void claimDefaultLeaseIsFiveMinutes() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}')");

        claim("default", "w1", 1);

        assertThat(db.count("id = " + id + " AND lease_expires_at = attempted_at + interval '300 seconds'")).isEqualTo(1);
    }

    @Test
    void claimTakesLowestPriorityFirstThenOldest() {
        long low = db.queryLong("SELECT gantry.enqueue('email.send', '{}', priority => 5)");
        long urgentOld = db.queryLong("SELECT gantry.enqueue('email.send', '{}', priority => 0, run_at => now() - interval '1 minute')");
        long mid = db.queryLong("SELECT gantry.enqueue('email.send', '{}', priority => 3)");
        long urgentNew = db.queryLong("SELECT gantry.enqueue('email.send', '{}', priority => 0)");

        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) order.add(claim("default", "w1", 1).getFirst().id());

        assertThat(order).containsExactly(urgentOld, urgentNew, mid, low);
    }

    @Test
    void claimTakesAtMostMaxJobs() {
        for (int i = 0; i < 5; i++) db.queryLong("SELECT gantry.enqueue('email.send', '{}')");

        assertThat(claim("default", "w1", 3)).hasSize(3);
        assertThat(claim("default", "w1", 3)).hasSize(2);
        assertThat(claim("default", "w1", 3)).isEmpty();
        assertThat(db.count("state = 'running' AND attempt = 1")).isEqualTo(5);
    }

    @Test
    void claimTakesOnlyItsQueue() {
        long mail = db.queryLong("SELECT gantry.enqueue('email.send', '{}', queue => 'mail')");
        db.queryLong("SELECT gantry.enqueue('email.send', '{}')");

        assertThat(claim("mail", "w1", 10)).extracting(Claimed::id).containsExactly(mail);
    }

    // complete

    @Test
    void completeStoresTheResultAndReleasesTheJob() {
        long id = enqueueAndClaim("w1");

        assertThat(bool("SELECT gantry.complete(?, 'w1', '{\"sent\": true}')", id)).isTrue();

        assertThat(row(id, "state || ' ' || result::text")).isEqualTo("completed {\"sent\": true}");
        assertThat(db.count("id = " + id + " AND finished_at IS NOT NULL AND worker_id IS NULL AND lease_expires_at IS NULL"))
                .isEqualTo(1);
    }

    @Test
    void completeWithoutResultStoresNull() {
        long id = enqueueAndClaim("w1");

        assertThat(bool("SELECT gantry.complete(?, 'w1')", id)).isTrue();

        assertThat(db.count("id = " + id + " AND state = 'completed' AND result IS NULL")).isEqualTo(1);
    }

    @Test
    void secondCompleteReturnsFalseAndKeepsTheFirstResult() {
        long id = enqueueAndClaim("w1");
        assertThat(bool("SELECT gantry.complete(?, 'w1', '{\"n\": 1}')", id)).isTrue();
        String before = snapshot(id);

        assertThat(bool("SELECT gantry.complete(?, 'w1', '{\"n\": 2}')", id)).isFalse();

        assertThat(snapshot(id)).isEqualTo(before);
    }

    // fail

    @Test
    void retryableFailureRecordsTheErrorAndBacksOff() {
        long id = enqueueAndClaim("w1");

        assertThat(bool("SELECT gantry.fail(?, 'w1', 'smtp timeout')", id)).isTrue();

        assertThat(row(id, "state || ' ' || attempt || ' ' || jsonb_array_length(errors)")).isEqualTo("retryable 1 1");
        assertThat(row(id, "errors->0->>'attempt' || ' ' || (errors->0->>'error') || ' ' || (errors->0->>'worker_id')"))
                .isEqualTo("1 smtp timeout w1");
        // gantry.backoff(1) is 1 s +/- 10 %, counted from the failure.
        assertThat(db.count("id = " + id + " AND run_at - (errors->0->>'at')::timestamptz"
                + " BETWEEN interval '0.9 seconds' AND interval '1.1 seconds'")).isEqualTo(1);
        assertThat(db.count("id = " + id + " AND worker_id IS NULL AND lease_expires_at IS NULL AND finished_at IS NULL"))
                .isEqualTo(1);
    }

    @Test
    void failureOfAJobWhoseCancelWasRequestedCancelsIt() {
        long id = enqueueAndClaim("w1");
        try (var gantry = db.client()) {
            gantry.client().cancel(id);   // an operator's cancel of a running job only flags it
        }
        assertThat(row(id, "state")).isEqualTo("running");

        assertThat(bool("SELECT gantry.fail(?, 'w1', 'stopped on request')", id)).isTrue();

        assertThat(row(id, "state || ' ' || (finished_at IS NOT NULL) || ' ' || (cancel_requested_at IS NULL)"))
                .isEqualTo("cancelled true true");
        assertThat(claim("default", "w2", 1)).isEmpty();
    }

    @Test
    void completeClearsACancelRequestThatCameTooLate() {
        long id = enqueueAndClaim("w1");
        try (var gantry = db.client()) {
            gantry.client().cancel(id);
        }

        assertThat(bool("SELECT gantry.complete(?, 'w1')", id)).isTrue();

        assertThat(row(id, "state || ' ' || (cancel_requested_at IS NULL)")).isEqualTo("completed true");
    }

    @Test
    void retryInOverridesTheBackoff() {
        long id = enqueueAndClaim("w1");

        assertThat(bool("SELECT gantry.fail(?, 'w1', 'rate limited', retry_in => interval '30 seconds')", id)).isTrue();

        assertThat(db.count("id = " + id + " AND state = 'retryable'"
                + " AND run_at = (errors->0->>'at')::timestamptz + interval '30 seconds'")).isEqualTo(1);
    }

    @Test
    void retriedJobRunsAgainWithTheNextAttempt() {
        long id = enqueueAndClaim("w1");
        bool("SELECT gantry.fail(?, 'w1', 'boom', retry_in => interval '0 seconds')", id);

        List<Claimed> again = claim("default", "w2", 1);

        assertThat(again).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(id);
            assertThat(c.attempt()).isEqualTo(2);
            assertThat(c.workerId()).isEqualTo("w2");
        });
    }

    @Test
    void nonRetryableFailureDiscards() {
        long id = enqueueAndClaim("w1");

        assertThat(bool("SELECT gantry.fail(?, 'w1', 'bad address', retryable => false)", id)).isTrue();

        assertThat(row(id, "state || ' ' || (errors->0->>'error')")).isEqualTo("discarded bad address");
        assertThat(db.count("id = " + id + " AND finished_at IS NOT NULL AND worker_id IS NULL")).isEqualTo(1);
    }

    @Test
    void failureOnTheLastAttemptDiscards() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}', max_attempts => 2)");
        claim("default", "w1", 1);
        assertThat(bool("SELECT gantry.fail(?, 'w1', 'first')", id)).isTrue();
        assertThat(db.queryLong("SELECT gantry.stage_due(now => now() + interval '1 hour')")).isEqualTo(1);
        assertThat(claim("default", "w1", 1)).singleElement().extracting(Claimed::attempt).isEqualTo(2);

        assertThat(bool("SELECT gantry.fail(?, 'w1', 'second')", id)).isTrue();

        assertThat(row(id, "state || ' ' || attempt || ' ' || (errors->0->>'error') || ' ' || (errors->1->>'error')"))
                .isEqualTo("discarded 2 first second");
        assertThat(db.count("id = " + id + " AND finished_at IS NOT NULL")).isEqualTo(1);
    }

    // fencing (invariant 2 on the SQL path): an outcome from a worker that does not hold the job is rejected

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            gantry.complete(?, 'w2', '{"by": "w2"}')
            gantry.fail(?, 'w2', 'not mine', retryable => false)
            gantry.complete(?, 'w1', attempt => 2)
            gantry.fail(?, 'w1', 'old attempt', attempt => 2)
            """)
    void anOutcomeFromAnotherWorkerOrAttemptReturnsFalseAndChangesNothing(String call) {
        long id = enqueueAndClaim("w1");
        String before = snapshot(id);

        assertThat(bool("SELECT " + call, id)).isFalse();

        assertThat(snapshot(id)).isEqualTo(before);
        assertThat(bool("SELECT gantry.complete(?, 'w1', attempt => 1)", id)).as("the holder still can").isTrue();
    }

    @Test
    void outcomeForAJobNotClaimedReturnsFalse() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}')");
        String before = snapshot(id);

        assertThat(bool("SELECT gantry.complete(?, 'w1')", id)).isFalse();
        assertThat(bool("SELECT gantry.fail(?, 'w1', 'x')", id)).isFalse();
        assertThat(bool("SELECT gantry.complete(?, 'w1')", id + 1000)).isFalse();

        assertThat(snapshot(id)).isEqualTo(before);
    }

    @Test
    void zombieLosesTheJobOnceItsLeaseExpiredAndItWasRescued() {
        long id = enqueueAndClaim("w1");

        assertThat(db.queryString("SELECT retried || ' ' || discarded"
                + " FROM gantry.rescue_expired(now => now() + interval '1 hour')")).isEqualTo("1 0");

        assertThat(row(id, "state || ' ' || (errors->0->>'error')"))
                .startsWith("retryable lease expired: worker w1");
        String rescued = snapshot(id);
        assertThat(bool("SELECT gantry.renew_lease(?, 'w1')", id)).isFalse();
        assertThat(bool("SELECT gantry.complete(?, 'w1')", id)).isFalse();
        assertThat(bool("SELECT gantry.fail(?, 'w1', 'late')", id)).isFalse();
        assertThat(snapshot(id)).isEqualTo(rescued);
    }

    @Test
    void renewLeaseExtendsTheLeaseOfTheHolderOnly() {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}')");
        claim("default", "w1", 1, 10);

        assertThat(bool("SELECT gantry.renew_lease(?, 'w2', 600)", id)).isFalse();
        assertThat(db.count("id = " + id + " AND lease_expires_at = attempted_at + interval '10 seconds'")).isEqualTo(1);
        assertThat(bool("SELECT gantry.renew_lease(?, 'w1', 600)", id)).isTrue();
        assertThat(db.count("id = " + id + " AND lease_expires_at >= now() + interval '599 seconds'")).isEqualTo(1);
    }

    // bad input: SQLSTATE 22023, message "field: reason", nothing written

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            gantry.enqueue('no.such.kind', '{}')                       | kind: unknown kind "no.such.kind": register a handler for it or declare it (declareKind in Java, gantry.declare_kind in SQL)
            gantry.enqueue('bad kind!', '{}')                          | kind: must be at most 128 letters, digits or _ . : - (not starting with . : -), got "bad kind!"
            gantry.enqueue('.email', '{}')                             | kind: must be at most 128 letters
            gantry.enqueue('', '{}')                                   | kind: must not be empty
            gantry.enqueue(NULL, '{}')                                 | kind: must not be empty
            gantry.enqueue('email.send', NULL)                         | args: must not be null (use {} for no arguments)
            gantry.enqueue('email.send', 'null')                       | args: must not be null (use {} for no arguments)
            gantry.enqueue('email.send', '{}', queue => '')            | queue: must not be empty
            gantry.enqueue('email.send', '{}', queue => NULL)          | queue: must not be empty
            gantry.enqueue('email.send', '{}', queue => 'my queue')    | queue: must be at most 128 letters
            gantry.enqueue('email.send', '{}', priority => -1)         | priority: must be between 0 and 32767 (lower runs first), got -1
            gantry.enqueue('email.send', '{}', priority => 32768)      | priority: must be between 0 and 32767 (lower runs first), got 32768
            gantry.enqueue('email.send', '{}', priority => NULL)       | priority: must be between 0 and 32767 (lower runs first), got null
            gantry.enqueue('email.send', '{}', max_attempts => 0)      | max_attempts: must be between 1 and 1000, got 0
            gantry.enqueue('email.send', '{}', max_attempts => -3)     | max_attempts: must be between 1 and 1000, got -3
            gantry.enqueue('email.send', '{}', max_attempts => 1001)   | max_attempts: must be between 1 and 1000, got 1001
            gantry.enqueue('email.send', '{}', unique_key => '')       | unique_key: must be 1 to 512 characters
            gantry.enqueue('email.send', '{}', unique_key => repeat('k', 513)) | unique_key: must be 1 to 512 characters
            gantry.enqueue('email.send', '{}', tags => ARRAY['ok', '']) | tags: each tag must be 1 to 128 characters
            gantry.enqueue('email.send', '{}', tags => ARRAY['ok', NULL]) | tags: each tag must be 1 to 128 characters
            gantry.enqueue('email.send', '{}', tags => array_fill('t'::text, ARRAY[51])) | tags: at most 50 tags, got 51
            gantry.enqueue('email.send', '{}', timeout_seconds => 0)   | timeout_seconds: must be between 1 and 2000000, got 0
            gantry.declare_kind('bad kind!')                           | kind: must be at most 128 letters
            """)
    void enqueueRejects(String call, String message) {
        long jobs = db.countJobs();
        long kinds = db.queryLong("SELECT count(*) FROM gantry.kinds");

        SQLException e = error("SELECT " + call);

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains(message);
        assertThat(db.countJobs()).isEqualTo(jobs);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.kinds")).isEqualTo(kinds);
    }

    @Test
    void enqueueRejectsArgsOverTheSizeLimit() {
        long limit = db.queryLong("SELECT gantry.max_args_bytes()");

        // {"s": "xxx…"}: 9 bytes of JSON around the string take it over the limit.
        SQLException e = error("SELECT gantry.enqueue('email.send', jsonb_build_object('s', repeat('x', gantry.max_args_bytes())))");

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains("args: is " + (limit + 9) + " bytes, over the limit of " + limit + " bytes");
        assertThat(db.countJobs()).isZero();
    }

    @Test
    void argsAtTheSizeLimitAreAccepted() {
        db.queryLong("SELECT gantry.enqueue('email.send', jsonb_build_object('s', repeat('x', gantry.max_args_bytes() - 9)))");

        assertThat(db.countJobs()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            gantry.claim('default', 'w1', 0)                       | max_jobs: must be between 1 and 1000, got 0
            gantry.claim('default', 'w1', -1)                      | max_jobs: must be between 1 and 1000, got -1
            gantry.claim('default', 'w1', 1001)                    | max_jobs: must be between 1 and 1000, got 1001
            gantry.claim('default', 'w1', NULL)                    | max_jobs: must be between 1 and 1000, got null
            gantry.claim('default', 'w1', 1, 0)                    | lease_seconds: must be between 1 and 86400, got 0
            gantry.claim('default', 'w1', 1, 86401)                | lease_seconds: must be between 1 and 86400, got 86401
            gantry.claim('default', 'w1', 1, NULL)                 | lease_seconds: must be between 1 and 86400, got null
            gantry.claim('default', NULL)                          | worker_id: must not be empty
            gantry.claim('default', '')                            | worker_id: must not be empty
            gantry.claim('default', repeat('w', 201))              | worker_id: must be at most 200 characters, got 201
            gantry.claim('', 'w1')                                 | queue: must not be empty
            gantry.claim(NULL, 'w1')                               | queue: must not be empty
            """)
    void claimRejectsAndClaimsNothing(String call, String message) {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}')");
        String before = snapshot(id);

        SQLException e = error("SELECT * FROM " + call);

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains(message);
        assertThat(snapshot(id)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            gantry.stage_due(max_jobs => 0)                        | max_jobs: must be at least 1, got 0
            gantry.stage_due(max_jobs => NULL)                     | max_jobs: must be at least 1, got null
            gantry.rescue_expired(now => now() + interval '1 day', max_jobs => -1) | max_jobs: must be at least 1, got -1
            """)
    void maintenanceRejectsAndChangesNothing(String call, String message) {
        long running = enqueueAndClaim("w1");
        // due but not yet staged: what a stager with no limit would move
        long scheduled = db.queryLong("SELECT gantry.enqueue('email.send', '{}', run_at => now() + interval '1 hour')");
        db.execute("UPDATE gantry.jobs SET run_at = now() - interval '1 second' WHERE id = " + scheduled);
        String before = snapshot(scheduled) + snapshot(running);

        SQLException e = error("SELECT * FROM " + call);

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains(message);
        assertThat(snapshot(scheduled) + snapshot(running)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            gantry.complete(NULL, 'w1')                            | job_id: must not be null
            gantry.complete(#, NULL)                               | worker_id: must not be empty
            gantry.complete(#, '')                                 | worker_id: must not be empty
            gantry.fail(NULL, 'w1', 'boom')                        | job_id: must not be null
            gantry.fail(#, NULL, 'boom')                           | worker_id: must not be empty
            gantry.fail(#, 'w1', NULL)                             | error: must not be null
            gantry.fail(#, 'w1', 'boom', retry_in => interval '-1 second') | retry_in: must not be negative
            gantry.renew_lease(#, NULL)                            | worker_id: must not be empty
            gantry.renew_lease(#, 'w1', 0)                         | lease_seconds: must be between 1 and 86400, got 0
            """)
    void outcomeRejectsAndChangesNothing(String call, String message) {
        long id = enqueueAndClaim("w1");
        String before = snapshot(id);

        SQLException e = error("SELECT " + call.replace("#", Long.toString(id)));

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains(message);
        assertThat(snapshot(id)).isEqualTo(before);
    }

    record Claimed(long id, String kind, String args, String state, int attempt, String workerId) {
    }

    private List<Claimed> claim(String queue, String workerId, int maxJobs) {
        return claim(queue, workerId, maxJobs, 300);
    }

    private List<Claimed> claim(String queue, String workerId, int maxJobs, int leaseSeconds) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM gantry.claim(?, ?, ?, ?)")) {
            ps.setString(1, queue);
            ps.setString(2, workerId);
            ps.setInt(3, maxJobs);
            ps.setInt(4, leaseSeconds);
            List<Claimed> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claimed(rs.getLong("id"), rs.getString("kind"), rs.getString("args"),
                            rs.getString("state"), rs.getInt("attempt"), rs.getString("worker_id")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long enqueueAndClaim(String workerId) {
        long id = db.queryLong("SELECT gantry.enqueue('email.send', '{}')");
        assertThat(claim("default", workerId, 1)).extracting(Claimed::id).containsExactly(id);
        return id;
    }

    /** Runs a SELECT of one boolean-returning API call with the job id bound to its ?. */
    private boolean bool(String sql, long id) {
        return "t".equals(db.queryString(sql, id));
    }

    /** One text expression over the job's row. */
    private String row(long id, String expression) {
        return db.queryString("SELECT " + expression + " FROM gantry.jobs WHERE id = ?", id);
    }

    /** The whole row as text, to show that a rejected call changed nothing. */
    private String snapshot(long id) {
        return db.queryString("SELECT row_to_json(j)::text FROM gantry.jobs j WHERE id = ?", id);
    }

    private SQLException error(String sql) {
        return catchThrowableOfType(SQLException.class, () -> {
            try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.execute();
            }
        });
    }
}

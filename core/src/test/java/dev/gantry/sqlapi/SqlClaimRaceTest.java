package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.zaxxer.hikari.HikariDataSource;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Invariants 1 and 2 for SQL-only workers: racing gantry.claim callers, each on its own
 * connection and thread, complete every job exactly once and lose none.
 */
@ExtendWith(PostgresExtension.class)
class SqlClaimRaceTest {
    static final int WORKERS = 4;
    static final int JOBS = 5_000;
    static final int BATCH = 10;

    /**
     * A call's statement time is taken when it arrives, its query's snapshot later. Here the
     * claim call waits on an advisory lock before its query runs, and a job is enqueued and
     * committed while it waits; the claim then takes it. Stamped with the statement's time, the
     * job would look claimed before it was created.
     */
    @Test
    void aJobEnqueuedWhileAClaimCallArrivesIsNotStampedBeforeItsCreation(TestDatabase db) throws Exception {
        db.execute("SELECT gantry.declare_kind('race.job')");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (HikariDataSource pool = db.newPool(2);
             Connection claimer = pool.getConnection(); Connection producer = pool.getConnection();
             Statement produce = producer.createStatement()) {
            produce.execute("SELECT pg_advisory_lock(4711)");
            Future<Integer> claimed = thread.submit(() -> {
                try (PreparedStatement ps = claimer.prepareStatement(
                        "SELECT count(*) FROM (SELECT NULL::timestamptz AS now FROM pg_advisory_xact_lock(4711)) s,"
                                + " LATERAL gantry.claim_available('default', 'w1', 10, interval '1 minute', s.now) c");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4711 AND NOT granted"
                            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 1);
            produce.execute("SELECT gantry.enqueue('race.job', '{}')");
            produce.execute("SELECT pg_advisory_unlock(4711)");

            assertThat(claimed.get(10, TimeUnit.SECONDS)).as("the claim took the job committed while it waited").isEqualTo(1);
        } finally {
            thread.shutdownNow();
        }
        assertThat(db.count("state = 'running'")).isEqualTo(1);
        assertThat(db.count("attempted_at < created_at")).isZero();
    }

    @Test
    void racingSqlWorkersCompleteEveryJobExactlyOnce(TestDatabase db) throws Exception {
        db.execute("SELECT gantry.declare_kind('race.job')");
        db.execute("SELECT gantry.enqueue('race.job', jsonb_build_object('i', i)) FROM generate_series(1, " + JOBS + ") i");
        Map<Long, String> completedBy = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
        List<Future<Integer>> done = new ArrayList<>();

        for (int w = 1; w <= WORKERS; w++) {
            String workerId = "w" + w;
            Connection connection = db.newPool(1).getConnection();
            done.add(threads.submit(() -> work(connection, workerId, start, completedBy, problems)));
        }
        start.countDown();
        List<Integer> perWorker = new ArrayList<>();
        for (Future<Integer> f : done) perWorker.add(f.get(3, TimeUnit.MINUTES));
        threads.shutdown();

        assertThat(problems).as("jobs claimed twice or completes rejected").isEmpty();
        assertThat(completedBy).hasSize(JOBS);
        assertThat(perWorker.stream().mapToInt(Integer::intValue).sum()).isEqualTo(JOBS);
        assertThat(perWorker).as("jobs completed by each worker").allSatisfy(n -> assertThat(n).isPositive());
        assertThat(db.count("state = 'completed'")).isEqualTo(JOBS);
        assertThat(db.count("attempt <> 1")).as("every job claimed exactly once").isZero();
        assertThat(db.count("worker_id IS NOT NULL OR lease_expires_at IS NOT NULL")).isZero();
    }

    /** One SQL worker: claim a batch, complete each job, until a claim comes back empty. */
    private static int work(Connection connection, String workerId, CountDownLatch start,
                            Map<Long, String> completedBy, List<String> problems) throws Exception {
        int completed = 0;
        try (connection;
             PreparedStatement claim = connection.prepareStatement("SELECT id FROM gantry.claim('default', ?, ?)");
             PreparedStatement complete = connection.prepareStatement("SELECT gantry.complete(?, ?)")) {
            claim.setString(1, workerId);
            claim.setInt(2, BATCH);
            complete.setString(2, workerId);
            start.await();
            while (true) {
                List<Long> batch = new ArrayList<>();
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) batch.add(rs.getLong(1));
                }
                if (batch.isEmpty()) return completed;
                for (long id : batch) {
                    String other = completedBy.putIfAbsent(id, workerId);
                    if (other != null) problems.add("job " + id + " claimed by " + workerId + " after " + other);
                    complete.setLong(1, id);
                    if (completeOnce(complete)) completed++;
                    else problems.add("complete of job " + id + " by " + workerId + " returned false");
                }
            }
        }
    }

    private static boolean completeOnce(PreparedStatement complete) throws SQLException {
        try (ResultSet rs = complete.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}

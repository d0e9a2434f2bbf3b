package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
     * A call's statement time is taken when it arrives, its query's snapshot later: here the
     * claim's query runs after a half-second sleep in the same statement, and a job enqueued and
     * committed during the sleep is claimed. Stamped with the statement's time it would look
     * claimed 0.3 s before it was created.
     */
    @Test
    void aJobEnqueuedWhileAClaimCallArrivesIsNotStampedBeforeItsCreation(TestDatabase db) throws Exception {
        db.execute("SELECT gantry.declare_kind('race.job')");
        try (com.zaxxer.hikari.HikariDataSource pool = db.newPool(2);
             Connection claimer = pool.getConnection(); Connection producer = pool.getConnection()) {
            ExecutorService thread = Executors.newSingleThreadExecutor();
            Future<Integer> claimed = thread.submit(() -> {
                try (PreparedStatement ps = claimer.prepareStatement(
                        "SELECT count(*) FROM (SELECT NULL::timestamptz AS now FROM pg_sleep(0.5)) s,"
                                + " LATERAL gantry.claim_available('default', 'w1', 10, interval '1 minute', s.now) c")) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
            Thread.sleep(200);
            try (PreparedStatement ps = producer.prepareStatement("SELECT gantry.enqueue('race.job', '{}')")) {
                ps.execute();
            }
            assertThat(claimed.get(10, TimeUnit.SECONDS)).as("the claim saw the job committed during its sleep").isEqualTo(1);
            thread.shutdown();
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

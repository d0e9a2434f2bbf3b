package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * A worker's completer (gantry.apply_outcomes) and lease renewer (gantry.renew_leases) update the
 * same running jobs on two connections at once; both lock them in id order, so they can wait for
 * each other but never deadlock. In completion order, as the outcome statement used to lock, the
 * sequence below deadlocked: the outcomes held the later job and waited for the earlier one,
 * which the renewal held while it waited for the later one.
 */
@ExtendWith(PostgresExtension.class)
class OutcomeLockOrderTest {

    @Test
    void outcomesAndLeaseRenewalsOfOneWorkerLockJobsInTheSameOrder(TestDatabase db) throws Exception {
        db.reset();
        db.execute("SELECT gantry.declare_kind('lock.order')");
        db.execute("SELECT gantry.enqueue('lock.order', '{}', queue => 'lock-order') FROM generate_series(1, 2)");
        long first = db.queryLong("SELECT min(id) FROM gantry.jobs");
        long second = db.queryLong("SELECT max(id) FROM gantry.jobs");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.claim('lock-order', 'w', 2)")).isEqualTo(2);

        try (Connection renewer = db.dataSource().getConnection(); Connection completer = db.dataSource().getConnection()) {
            renewer.setAutoCommit(false);
            // the renewer holds the first job's row, as a renewal in progress does
            assertThat(count(renewer, "SELECT count(*) FROM gantry.renew_leases('w', ARRAY[" + first + "]::bigint[], 60000)"))
                    .isEqualTo(1);
            int completerPid = pid(completer);
            // outcomes in completion order: the second job finished first
            CompletableFuture<Long> outcomes = CompletableFuture.supplyAsync(() -> {
                try {
                    return count(completer, "SELECT count(*) FROM gantry.apply_outcomes('w', ARRAY[" + second + ", " + first
                            + "]::bigint[], ARRAY[1, 1], ARRAY['completed', 'completed'], ARRAY[0, 0]::bigint[],"
                            + " ARRAY[NULL, NULL]::text[], ARRAY['{}', '{}'], ARRAY[false, false])");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'", completerPid) == 1);
            // the renewer goes on to the second job: free, since the outcomes wait on the first before taking it
            assertThat(count(renewer, "SELECT count(*) FROM gantry.renew_leases('w', ARRAY[" + second + "]::bigint[], 60000)"))
                    .isEqualTo(1);
            renewer.commit();

            assertThat(outcomes.get(20, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = 'completed'")).isEqualTo(2);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int pid(Connection c) throws SQLException {
        return (int) count(c, "SELECT pg_backend_pid()");
    }
}

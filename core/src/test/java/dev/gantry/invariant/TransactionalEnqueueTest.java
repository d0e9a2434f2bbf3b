package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.job.Job;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** Invariant 4: a job enqueued in the caller's transaction exists, and wakes workers, exactly when it commits. */
@ExtendWith(PostgresExtension.class)
class TransactionalEnqueueTest {
    private Gantry gantry;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        gantry = db.client();
        gantry.client().declareKind("tx.job");
    }

    @Test
    void rolledBackEnqueueLeavesNoJobAndWakesNobody(TestDatabase db) throws SQLException {
        try (Connection listener = listen(db); Connection app = db.dataSource().getConnection()) {
            app.setAutoCommit(false);
            gantry.client().enqueue(app, "tx.job", Map.of("order", 1), EnqueueOptions.defaults());
            assertThat(db.countJobs()).as("invisible before commit").isZero();
            app.rollback();

            assertThat(db.countJobs()).isZero();
            assertThat(notifications(listener)).isEmpty();
        }
    }

    @Test
    void committedEnqueueLeavesExactlyOneJobAndOneWakeUp(TestDatabase db) throws SQLException {
        try (Connection listener = listen(db); Connection app = db.dataSource().getConnection()) {
            app.setAutoCommit(false);
            Job job = gantry.client().enqueue(app, "tx.job", Map.of("order", 2), EnqueueOptions.defaults());
            app.commit();

            assertThat(db.countJobs()).isEqualTo(1);
            assertThat(db.state(job.id()).dbName()).isEqualTo("available");
            assertThat(notifications(listener)).containsExactly("{\"queue\" : \"default\"}");
        }
    }

    private static Connection listen(TestDatabase db) throws SQLException {
        Connection c = db.dataSource().getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN \"gantry.job_available\"");
        }
        return c;
    }

    /** What arrived on the channel within half a second (absence needs a bounded wait). */
    private static List<String> notifications(Connection c) throws SQLException {
        List<String> payloads = new ArrayList<>();
        PGNotification[] batch = c.unwrap(PGConnection.class).getNotifications(500);
        if (batch != null) for (PGNotification n : batch) payloads.add(n.getParameter());
        return payloads;
    }
}

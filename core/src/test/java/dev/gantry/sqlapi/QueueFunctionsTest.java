package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** gantry.pause_queue and gantry.resume_queue driven with plain SQL, and gantry.claim honouring them. */
@ExtendWith(PostgresExtension.class)
class QueueFunctionsTest {
    private final TestDatabase db;

    QueueFunctionsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.reset();
        db.execute("TRUNCATE gantry.queues");
        db.execute("SELECT gantry.declare_kind('email.send')");
    }

    @Test
    void pauseRecordsWhenAndByWhomAndAPauseAgainKeepsTheFirst() {
        assertThat(db.queryString("SELECT gantry.pause_queue('mail', by => 'alice')")).isEqualTo("t");
        String first = db.queryString("SELECT paused_at::text || ' ' || paused_by FROM gantry.queues WHERE name = 'mail'");

        assertThat(db.queryString("SELECT gantry.pause_queue('mail', 'bob')")).isEqualTo("f");

        assertThat(db.queryString("SELECT paused_at::text || ' ' || paused_by FROM gantry.queues WHERE name = 'mail'"))
                .isEqualTo(first).endsWith(" alice");
    }

    @Test
    void pauseWithoutByLeavesItNull() {
        db.execute("SELECT gantry.pause_queue('mail')");

        assertThat(db.queryLong("SELECT count(*) FROM gantry.queues WHERE name = 'mail' AND paused_at IS NOT NULL"
                + " AND paused_by IS NULL")).isEqualTo(1);
    }

    @Test
    void resumeClearsThePauseAndKeepsTheRow() {
        db.execute("SELECT gantry.pause_queue('mail', 'alice')");

        assertThat(db.queryString("SELECT gantry.resume_queue('mail')")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.resume_queue('mail')")).isEqualTo("f");

        assertThat(db.queryLong("SELECT count(*) FROM gantry.queues WHERE name = 'mail' AND paused_at IS NULL"
                + " AND paused_by IS NULL AND updated_at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void resumingAQueueNeverPausedWritesNothing() {
        assertThat(db.queryString("SELECT gantry.resume_queue('never')")).isEqualTo("f");

        assertThat(db.queryLong("SELECT count(*) FROM gantry.queues")).isZero();
    }

    @Test
    void claimTakesNothingFromAPausedQueueUntilItIsResumed() {
        long mail = db.queryLong("SELECT gantry.enqueue('email.send', '{}', queue => 'mail')");
        long other = db.queryLong("SELECT gantry.enqueue('email.send', '{}', queue => 'other')");
        db.execute("SELECT gantry.pause_queue('mail', 'sql')");

        assertThat(claimedIds("mail")).isEmpty();
        assertThat(claimedIds("other")).containsExactly(other);

        db.execute("SELECT gantry.resume_queue('mail')");

        assertThat(claimedIds("mail")).containsExactly(mail);
    }

    @Test
    void pauseAndResumeNotifyTheWorkers() throws SQLException {
        try (Connection listener = db.dataSource().getConnection(); Statement st = listener.createStatement()) {
            st.execute("LISTEN \"gantry.queue_changed\"");

            db.execute("SELECT gantry.pause_queue('mail', 'sql')");
            db.execute("SELECT gantry.resume_queue('mail')");

            List<String> payloads = new ArrayList<>();
            PGConnection pg = listener.unwrap(PGConnection.class);
            for (int i = 0; i < 10 && payloads.size() < 2; i++) {
                PGNotification[] got = pg.getNotifications(1_000);
                if (got != null) for (PGNotification n : got) payloads.add(n.getParameter());
            }
            assertThat(payloads).containsExactly("{\"queue\" : \"mail\", \"paused\" : true}",
                    "{\"queue\" : \"mail\", \"paused\" : false}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "SELECT gantry.pause_queue(NULL)                     | queue: must not be empty",
        "SELECT gantry.pause_queue('')                       | queue: must not be empty",
        "SELECT gantry.pause_queue('mail box')               | queue: must be at most 128 letters, digits or _ . : - (not starting with . : -), got \"mail box\"",
        "SELECT gantry.pause_queue('.mail')                  | queue: must be at most 128 letters, digits or _ . : - (not starting with . : -), got \".mail\"",
        "SELECT gantry.pause_queue(repeat('q', 129))         | queue: must be at most 128 letters, digits or _ . : - (not starting with . : -), got \"qqqq",
        "SELECT gantry.pause_queue('mail', '')               | by: must be 1 to 200 characters or null, got 0 characters",
        "SELECT gantry.pause_queue('mail', repeat('x', 201)) | by: must be 1 to 200 characters or null, got 201 characters",
        "SELECT gantry.resume_queue(NULL)                    | queue: must not be empty",
        "SELECT gantry.resume_queue('mail/x')                | queue: must be at most 128 letters, digits or _ . : - (not starting with . : -), got \"mail/x\"",
    })
    void badInputRaisesInvalidParameterValueAndWritesNothing(String sql, String message) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> {
            try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.execute();
            }
        });

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains(message);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.queues")).isZero();
    }

    private List<Long> claimedIds(String queue) {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM gantry.claim(?, 'sql-worker', 10)")) {
            ps.setString(1, queue);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}

package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.gantry.error.InvalidInputException;
import dev.gantry.schedule.ScheduleSpec;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** The schedules' SQL API driven with plain SQL, and its checks held to the scheduler's (cron-utils). */
@ExtendWith(PostgresExtension.class)
class ScheduleFunctionsTest {
    private final TestDatabase db;

    ScheduleFunctionsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.execute("TRUNCATE gantry.schedules");
        db.execute("SELECT gantry.declare_kind('stats.refresh')");
    }

    private SQLException sqlError(String sql) {
        return catchThrowableOfType(SQLException.class, () -> {
            try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.execute();
            }
        });
    }

    @Test
    void upsertCreatesThenReplacesAndPauseResumeDeleteAnswerWhetherTheyChangedAnything() {
        db.execute("SELECT gantry.upsert_schedule('stats', '*/5 * * * *', 'stats.refresh')");
        db.execute("SELECT gantry.upsert_schedule('stats', 'every 1h', 'stats.refresh', '{\"full\": true}', 'stats', 'Europe/Paris')");
        assertThat(db.queryString("SELECT name || ' ' || spec || ' ' || kind || ' ' || args::text || ' ' || queue || ' ' || timezone"
                + " || ' ' || paused || ' ' || coalesce(next_run_at::text, 'null') || ' ' || coalesce(last_run_at::text, 'null')"
                + " FROM gantry.schedules"))
                .isEqualTo("stats every 1h stats.refresh {\"full\": true} stats Europe/Paris false null null");
        assertThat(db.queryString("SELECT gantry.pause_schedule('stats')")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.pause_schedule('stats')")).isEqualTo("f");
        // a replace keeps the pause unless it says otherwise
        db.execute("SELECT gantry.upsert_schedule('stats', 'every 1h', 'stats.refresh')");
        assertThat(db.queryString("SELECT paused FROM gantry.schedules")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.resume_schedule('stats')")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.resume_schedule('stats')")).isEqualTo("f");
        assertThat(db.queryString("SELECT gantry.set_schedule('other', 'every 5m', 'stats.refresh')")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.set_schedule('other', 'every 5m', 'stats.refresh')")).isEqualTo("f");
        assertThat(db.queryString("SELECT gantry.delete_schedule('stats')")).isEqualTo("t");
        assertThat(db.queryString("SELECT gantry.delete_schedule('stats')")).isEqualTo("f");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SELECT gantry.upsert_schedule('s', 'every 5', 'stats.refresh')                       | spec: \"every 5\" is not an interval",
            "SELECT gantry.upsert_schedule('s', '61 * * * *', 'stats.refresh')                     | spec: minute 61 is out of range 0-59",
            "SELECT gantry.upsert_schedule('s', '0 0 30 2 *', 'stats.refresh')                     | never runs",
            "SELECT gantry.upsert_schedule('s', '* * * *', 'stats.refresh')                        | has 4 fields",
            "SELECT gantry.upsert_schedule('s', '0 * * * *', 'stats.refresh', timezone => 'Nowhere/City') | timezone: unknown time zone",
            "SELECT gantry.upsert_schedule('s', '0 * * * *', 'stats.refresh', timezone => 'EST')   | timezone: must be an IANA time zone",
            "SELECT gantry.upsert_schedule('s', '0 * * * *', 'no.kind')                           | kind: unknown kind",
            "SELECT gantry.upsert_schedule('s', '0 * * * *', 'stats.refresh', 'null')             | args: must not be null",
            "SELECT gantry.upsert_schedule('', '0 * * * *', 'stats.refresh')                      | name: must not be empty",
            "SELECT gantry.set_schedule('s', '0 * * * *', 'stats.refresh', catch_up => 1001)       | catch_up: must be from 0",
            "SELECT gantry.pause_schedule('nope')                                                 | name: no schedule named",
            "SELECT gantry.resume_schedule('nope')                                                | name: no schedule named"})
    void badInputRaisesAClearErrorAndWritesNothing(String sql, String message) {
        SQLException e = sqlError(sql);
        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains(message);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.schedules")).isZero();
    }

    /** Every spec of a corpus is accepted by both checks or refused by both. */
    @Test
    void theSqlChecksAcceptExactlyTheSpecsTheSchedulerCanRun() {
        String[] corpus = {"* * * * *", "0 2 * * 0", "*/15 9-17 * * MON-FRI", "0 0 1,15 * *", "30 4 1 JAN,jul *",
                "0 0 * * 7", "0 0 * * 0-7", "5/10 * * * *", "0-30/5 * * * *", "0 */2 * * *", "0 0 29 2 *", "0 0 31 4,6 *",
                "*/10 * * * * *", "0 0 0 * * SUN", "59 59 23 31 12 *", "every 1s", "every 30s", "every 5m", "every 1h",
                "every 1d", "every 366d", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *", "* * * 13 *", "* * * * 8",
                "*/0 * * * *", "5-1 * * * *", "0 0 L * *", "0 0 ? * *", "0 0 15W * *", "0 0 * * 1#2", "@daily", "",
                "* * * *", "* * * * * * *", "0 0 30 2 *", "0 0 31 2,4 *", "every 0s", "every 367d", "every 5", "every 1w",
                "every  5m", "0,,5 * * * *", "0- * * * *", "a * * * *", "*/60 * * * *", "0 0 * FOO *", "1-2-3 * * * *",
                "*/5/2 * * * *", "0 0 * * MON-SUN"};
        List<String> disagreements = new ArrayList<>();
        for (String spec : corpus) {
            boolean java = true;
            try {
                ScheduleSpec.parse(spec, "UTC");
            } catch (InvalidInputException e) {
                java = false;
            }
            boolean sql = sqlError("SELECT gantry.check_schedule_spec('" + spec + "')") == null;
            if (java != sql) disagreements.add("\"" + spec + "\": cron-utils " + java + ", SQL " + sql);
        }
        assertThat(disagreements).isEmpty();
    }

    /** A zone the SQL check accepts is one the scheduler (java.time) reads. */
    @Test
    void everyZoneTheSqlCheckAcceptsIsOneJavaKnows() {
        List<String> names = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT name FROM pg_timezone_names")) {
            while (rs.next()) names.add(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        List<String> unreadable = new ArrayList<>();
        int accepted = 0;
        for (String name : names) {
            if (sqlError("SELECT gantry.check_time_zone('timezone', '" + name.replace("'", "''") + "')") != null) continue;
            accepted++;
            try {
                ZoneId.of(name);
                ScheduleSpec.zone(name);
            } catch (RuntimeException e) {
                unreadable.add(name);
            }
        }
        assertThat(unreadable).isEmpty();
        assertThat(accepted).isGreaterThan(400);
    }
}

package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.client.EnqueueOptions;
import dev.gantry.store.Db;
import dev.gantry.client.LogRecord;
import dev.gantry.store.LogStore;
import dev.gantry.config.SchemaName;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/**
 * Text from the database reaches a terminal only without control characters: a job's error and
 * worker id, and a log line, each carrying an ESC sequence that would clear the screen, print
 * with the ESC byte (and every other control but newline and tab) replaced. --json keeps the
 * exact text, escaped.
 */
@ExtendWith(PostgresExtension.class)
class TerminalOutputTest {
    private static final String CLEAR = "\u001b[2J";
    /** C0 but newline and tab, DEL, C1. */
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F]");
    private Cli cli;
    private long id;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.worker_logs RESTART IDENTITY");
        db.client().client().declareKind("report.build");
        id = db.client().client().enqueue("report.build", Map.of("month", "2026-01"), EnqueueOptions.defaults()).id();
        db.execute("UPDATE gantry.jobs SET state = 'discarded', attempt = 1, finished_at = now(), errors = jsonb_build_array("
                + "jsonb_build_object('attempt', 1, 'at', '2026-01-01T00:00:00Z', 'error', 'disk full' || chr(27) || '[2J'"
                + " || chr(13) || 'all good' || chr(155) || '8m', 'class', 'java.io.IOException', 'trace',"
                + " 'java.io.IOException: disk full' || chr(10) || chr(9) || 'at app.Report.build(Report.java:12)',"
                + " 'worker_id', 'w1' || chr(7))) WHERE id = " + id);
        new LogStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE).insertMany("w1" + CLEAR, List.of(
                new LogRecord(id, "ERROR", "app.Report", "failed" + CLEAR + "\u001b]0;pwned\u0007", "{\"host\":\"mx\\u001b[2J\"}",
                        "java.io.IOException: x" + CLEAR + "\n\tat app.Report.build(Report.java:12)", Instant.now())));
        cli = new Cli(db);
    }

    @Test
    void jobsShowPrintsTheErrorWithoutItsControlCharacters() {
        assertThat(cli.run("jobs", "show", String.valueOf(id))).isZero();

        assertThat(cli.out()).doesNotContain("\u001b").doesNotContainPattern(CONTROL)
                .contains("disk full\uFFFD[2J\uFFFDall good\uFFFD8m", " on w1\uFFFD: ")
                .contains("      \tat app.Report.build(Report.java:12)\n");
    }

    @Test
    void jobsListAndLogsPrintWithoutControlCharacters() {
        assertThat(cli.run("jobs", "list")).isZero();
        assertThat(cli.out()).contains("report.build").doesNotContainPattern(CONTROL);

        assertThat(cli.run("logs")).isZero();
        assertThat(cli.out()).contains("failed\uFFFD[2J\uFFFD]0;pwned\uFFFD", "host=mx\uFFFD[2J", "x\uFFFD[2J")
                .doesNotContainPattern(CONTROL);
    }

    @Test
    void jsonKeepsTheExactTextEscaped() {
        assertThat(cli.run("jobs", "show", String.valueOf(id), "--json")).isZero();

        assertThat(cli.out()).doesNotContainPattern(CONTROL).contains("\\u001B[2J");
        assertThat(cli.json().get("errors").get(0).get("error").asText()).isEqualTo("disk full" + CLEAR + "\rall good\u009b8m");
    }
}

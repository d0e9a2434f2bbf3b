package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.config.SchemaName;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogQuery;
import dev.gantry.client.LogRecord;
import dev.gantry.error.InvalidInputException;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** LogStore.query: filters, the two orders and their exclusive bounds, bad input, and the indexes it uses. */
@ExtendWith(PostgresExtension.class)
class LogStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private LogStore logs;
    private long firstId;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.execute("TRUNCATE gantry.worker_logs RESTART IDENTITY");
        logs = new LogStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        logs.insertMany("w1", List.of(
                new LogRecord(null, "DEBUG", "app.A", "starting up", null, null, T0),
                new LogRecord(7L, "INFO", "app.B", "Sent email to a@b.c", "{\"to\":\"a@b.c\"}", null, T0.plusSeconds(1)),
                new LogRecord(7L, "ERROR", "app.B", "SMTP refused", null, "java.io.IOException: refused\n\tat x", T0.plusSeconds(2))));
        logs.insertMany("w2", List.of(
                new LogRecord(null, "WARN", "app.C", "queue mail is slow", null, null, T0.plusSeconds(3)),
                new LogRecord(8L, "INFO", "app.C", "sent EMAIL digest", null, null, T0.plusSeconds(4))));
        firstId = db.queryLong("SELECT min(id) FROM gantry.worker_logs");
    }

    private static List<String> messages(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::message).toList();
    }

    @Test
    void latestLinesComeNewestFirstUpToTheLimit() {
        List<LogEntry> page = logs.query(LogQuery.latest().withLimit(3));

        assertThat(messages(page)).containsExactly("sent EMAIL digest", "queue mail is slow", "SMTP refused");
    }

    @Test
    void readsBackEveryColumn() {
        LogEntry sent = logs.query(LogQuery.latest().withJob(7L)).getLast();
        LogEntry boot = logs.query(LogQuery.latest().withWorker("w1")).getLast();

        assertThat(sent).isEqualTo(new LogEntry(firstId + 1, "w1", 7L, "INFO", "app.B", "Sent email to a@b.c",
                "{\"to\": \"a@b.c\"}", null, T0.plusSeconds(1)));
        assertThat(boot.jobId()).isNull();
        assertThat(boot.fieldsJson()).isEqualTo("{}");
        assertThat(logs.query(LogQuery.latest().withMinLevel("error")).getFirst().exception())
                .startsWith("java.io.IOException: refused");
    }

    @Test
    void afterIdReturnsLaterLinesOldestFirstExcludingTheId() {
        List<LogEntry> tail = logs.query(LogQuery.latest().after(firstId + 1));

        assertThat(messages(tail)).containsExactly("SMTP refused", "queue mail is slow", "sent EMAIL digest");
        assertThat(logs.query(LogQuery.latest().after(firstId + 4))).isEmpty();
    }

    @Test
    void afterIdWithALimitReturnsTheOldestOfTheLaterLines() {
        List<LogEntry> tail = logs.query(LogQuery.latest().after(0L).withLimit(2));

        assertThat(messages(tail)).containsExactly("starting up", "Sent email to a@b.c");
    }

    @Test
    void beforeIdPagesBackNewestFirstExcludingTheId() {
        List<LogEntry> page = logs.query(LogQuery.latest().before(firstId + 3).withLimit(2));

        assertThat(messages(page)).containsExactly("SMTP refused", "Sent email to a@b.c");
    }

    @Test
    void filtersByWorkerJobLevelAndTextTogether() {
        assertThat(messages(logs.query(LogQuery.latest().withWorker("w2"))))
                .containsExactly("sent EMAIL digest", "queue mail is slow");
        assertThat(messages(logs.query(LogQuery.latest().withJob(7L))))
                .containsExactly("SMTP refused", "Sent email to a@b.c");
        assertThat(messages(logs.query(LogQuery.latest().withMinLevel("warn"))))
                .containsExactly("queue mail is slow", "SMTP refused");
        assertThat(messages(logs.query(LogQuery.latest().withText("email"))))
                .as("the text matches in any case").containsExactly("sent EMAIL digest", "Sent email to a@b.c");
        assertThat(messages(logs.query(LogQuery.latest().withWorker("w1").withMinLevel("INFO").withText("EMAIL")
                .after(firstId)))).containsExactly("Sent email to a@b.c");
        assertThat(logs.query(LogQuery.latest().withWorker("nobody"))).isEmpty();
    }

    @Test
    void textWithLikeWildcardsIsMatchedLiterally() {
        assertThat(logs.query(LogQuery.latest().withText("%"))).isEmpty();
        assertThat(logs.query(LogQuery.latest().withText("_"))).isEmpty();
    }

    @Nested
    class BadInput {
        @Test
        void unknownLevel() {
            assertThatThrownBy(() -> LogQuery.latest().withMinLevel("LOUD"))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("level: must be one of TRACE");
        }

        @Test
        void afterAndBeforeTogether() {
            assertThatThrownBy(() -> new LogQuery(null, null, null, null, 1L, 5L, 10))
                    .isInstanceOf(InvalidInputException.class).hasMessage("before_id: cannot be combined with after_id");
        }

        @Test
        void limitOutOfRange() {
            assertThatThrownBy(() -> LogQuery.latest().withLimit(0))
                    .isInstanceOf(InvalidInputException.class).hasMessage("limit: must be between 1 and 5000, got 0");
            assertThatThrownBy(() -> LogQuery.latest().withLimit(LogQuery.MAX_LIMIT + 1))
                    .isInstanceOf(InvalidInputException.class);
        }

        @Test
        void blankWorkerAndNegativeIds() {
            assertThatThrownBy(() -> LogQuery.latest().withWorker(" ")).hasMessage("worker_id: must not be blank");
            assertThatThrownBy(() -> LogQuery.latest().after(-1L)).hasMessage("after_id: must be >= 0, got -1");
            assertThatThrownBy(() -> LogQuery.latest().before(0L)).hasMessage("before_id: must be >= 1, got 0");
        }
    }

    /**
     * With a realistic table and fresh statistics, no filter reads the whole table, and a
     * selective filter reads its own index. (For a worker that wrote a large share of the lines,
     * walking the primary key is as good, and the planner may take either.)
     */
    @Nested
    class Plans {
        @BeforeEach
        void fill(TestDatabase db) {
            db.execute("""
                    INSERT INTO gantry.worker_logs (worker_id, job_id, level, logger, message, created_at)
                    SELECT CASE WHEN i % 20000 = 0 THEN 'rare' ELSE 'w' || (i % 50) END,
                           CASE WHEN i % 3 = 0 THEN i END, 'INFO', 'app', 'line ' || i,
                           now() - (200000 - i) * interval '1 millisecond'
                      FROM generate_series(1, 200000) i""");
            db.execute("VACUUM ANALYZE gantry.worker_logs");
        }

        private String plan(TestDatabase db, LogQuery q) {
            LogListQuery sql = LogListQuery.of(q, "gantry");
            return new Db(db.dataSource()).withConnection("explain", c -> {
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql.sql().jdbcSql())) {
                    int i = 1;
                    for (String name : sql.sql().names()) {
                        Object v = sql.values().get(name);
                        if (v instanceof NamedSql.SqlArray a) ps.setArray(i++, c.createArrayOf(a.type(), a.values()));
                        else ps.setObject(i++, v);
                    }
                    StringBuilder sb = new StringBuilder();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) sb.append(rs.getString(1)).append('\n');
                    }
                    return sb.toString();
                }
            });
        }

        @Test
        void byWorkerUsesTheWorkerIdIndex(TestDatabase db) {
            assertThat(plan(db, LogQuery.latest().withWorker("rare").withMinLevel("INFO")))
                    .contains("worker_logs_worker_id_id_idx").doesNotContain("Seq Scan");
            assertThat(plan(db, LogQuery.latest().withWorker("rare").after(1000L)))
                    .contains("worker_logs_worker_id_id_idx").doesNotContain("Seq Scan");
            assertThat(plan(db, LogQuery.latest().withWorker("w7"))).doesNotContain("Seq Scan");
            assertThat(plan(db, LogQuery.latest().withWorker("w7").after(1000L))).doesNotContain("Seq Scan");
        }

        @Test
        void byJobUsesTheJobIdIndex(TestDatabase db) {
            assertThat(plan(db, LogQuery.latest().withJob(300L))).contains("worker_logs_job_id_idx")
                    .doesNotContain("Seq Scan");
        }

        @Test
        void latestAndFollowingUseThePrimaryKey(TestDatabase db) {
            assertThat(plan(db, LogQuery.latest())).contains("worker_logs_pkey").doesNotContain("Seq Scan");
            assertThat(plan(db, LogQuery.latest().after(199990L))).contains("worker_logs_pkey").doesNotContain("Seq Scan");
        }
    }
}

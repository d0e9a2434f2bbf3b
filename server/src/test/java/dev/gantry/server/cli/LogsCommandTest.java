package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.store.Db;
import dev.gantry.client.LogRecord;
import dev.gantry.store.LogStore;
import dev.gantry.config.SchemaName;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

@ExtendWith(PostgresExtension.class)
class LogsCommandTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private Cli cli;
    private LogStore logs;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.execute("TRUNCATE gantry.worker_logs RESTART IDENTITY");
        logs = new LogStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        logs.insertMany("w1", List.of(
                new LogRecord(null, "INFO", "dev.gantry.control.Heartbeater", "worker started", null, null, T0),
                new LogRecord(42L, "WARN", "app.Mailer", "smtp slow", "{\"job_id\":\"42\",\"host\":\"mx1\"}", null,
                        T0.plusSeconds(1)),
                new LogRecord(42L, "ERROR", "app.Mailer", "smtp refused", null,
                        "java.io.IOException: refused\n\tat app.Mailer.send(Mailer.java:9)", T0.plusSeconds(2))));
        logs.insertMany("w2", List.of(new LogRecord(null, "DEBUG", "app.Other", "tick", null, null, T0.plusSeconds(3))));
        cli = new Cli(db);
    }

    @Test
    void printsTheLatestLinesOldestFirst() {
        int code = cli.run("logs", "--limit", "3");

        assertThat(code).isZero();
        assertThat(cli.out()).isEqualTo("""
                2026-01-01T10:00:01Z WARN  w1 job=42 app.Mailer: smtp slow host=mx1
                2026-01-01T10:00:02Z ERROR w1 job=42 app.Mailer: smtp refused
                    java.io.IOException: refused
                    \tat app.Mailer.send(Mailer.java:9)
                2026-01-01T10:00:03Z DEBUG w2 app.Other: tick
                """);
    }

    @Test
    void filtersByWorkerLevelJobAndText() {
        cli.run("logs", "--worker", "w1", "--level", "warn");
        assertThat(cli.out().lines().filter(l -> !l.startsWith(" "))).hasSize(2);

        cli.run("logs", "--job", "42", "--grep", "REFUSED");
        assertThat(cli.out()).startsWith("2026-01-01T10:00:02Z ERROR w1 job=42 app.Mailer: smtp refused");

        cli.run("logs", "--worker", "w3");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void jsonIsOneObjectPerLine() {
        int code = cli.run("logs", "--json");

        assertThat(code).isZero();
        List<JsonNode> lines = cli.jsonLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1).get("worker_id").asText()).isEqualTo("w1");
        assertThat(lines.get(1).get("job_id").asLong()).isEqualTo(42);
        assertThat(lines.get(1).get("fields").get("host").asText()).isEqualTo("mx1");
        assertThat(lines.get(1).get("created_at").asText()).isEqualTo("2026-01-01T10:00:01Z");
        assertThat(lines.get(0).get("job_id").isNull()).isTrue();
    }

    @Test
    void badLevelIsBadInput() {
        assertThat(cli.run("logs", "--level", "loud")).isEqualTo(5);

        assertThat(cli.err()).isEqualTo("gantry logs: level: must be one of TRACE, DEBUG, INFO, WARN, ERROR, got \"LOUD\"\n");
    }

    @Test
    void limitOutOfRangeIsBadInput() {
        assertThat(cli.run("logs", "--limit", "0")).isEqualTo(5);
    }

    @Test
    void followPrintsLinesShippedAfterItStartedUntilInterrupted() throws InterruptedException {
        AtomicInteger code = new AtomicInteger(-1);
        Thread follower = Thread.ofPlatform().name("logs-follow").start(
                () -> code.set(cli.run("logs", "--follow", "--worker", "w1", "--limit", "1")));
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.out().contains("smtp refused"));

        logs.insertMany("w2", List.of(new LogRecord(null, "INFO", "app", "not this worker", null, null, Instant.now())));
        logs.insertMany("w1", List.of(new LogRecord(7L, "INFO", "app.Report", "report built", null, null, Instant.now())));
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.out().contains("report built"));
        follower.interrupt();
        follower.join(Duration.ofSeconds(10));

        assertThat(follower.isAlive()).isFalse();
        assertThat(code.get()).isZero();
        assertThat(cli.out()).doesNotContain("not this worker", "smtp slow");
        assertThat(cli.out().lines().filter(l -> !l.startsWith(" ")).toList()).hasSize(2);
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void followWithJsonStreamsJsonLines(TestDatabase db) throws InterruptedException {
        AtomicInteger code = new AtomicInteger(-1);
        Thread follower = Thread.ofPlatform().name("logs-follow-json").start(
                () -> code.set(cli.run("logs", "-f", "--json", "--grep", "nothing matches this yet")));
        // Nothing is printed yet; the tail's LISTEN shows it has started following.
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'") > 0);

        logs.insertMany("w1", List.of(new LogRecord(null, "INFO", "app", "nothing matches this yet, now it does", null, null,
                Instant.now())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cli.out().isEmpty());
        follower.interrupt();
        follower.join(Duration.ofSeconds(10));

        assertThat(code.get()).isZero();
        assertThat(cli.jsonLines()).singleElement().satisfies(l ->
                assertThat(l.get("message").asText()).isEqualTo("nothing matches this yet, now it does"));
    }
}

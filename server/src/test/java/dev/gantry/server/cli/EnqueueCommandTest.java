package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class EnqueueCommandTest {
    private Cli cli;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        db.execute("SELECT gantry.declare_kind('email.send')");
        cli = new Cli(db);
    }

    @Test
    void enqueuesOneJobAndPrintsItsIdAndState(TestDatabase db) {
        int code = cli.run("enqueue", "email.send", "{\"to\":\"a@b.c\"}");

        assertThat(code).isZero();
        long id = db.queryLong("SELECT id FROM gantry.jobs");
        assertThat(cli.out()).isEqualTo("job " + id + " available (email.send in queue default)\n");
        assertThat(db.queryString("SELECT args::text FROM gantry.jobs")).isEqualTo("{\"to\": \"a@b.c\"}");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void argsDefaultToAnEmptyObject(TestDatabase db) {
        assertThat(cli.run("enqueue", "email.send")).isZero();

        assertThat(db.queryString("SELECT args::text FROM gantry.jobs")).isEqualTo("{}");
    }

    @Test
    void appliesEveryOptionAndPrintsJson(TestDatabase db) {
        int code = cli.run("enqueue", "email.send", "{}", "--queue", "mail", "--priority", "3", "--in", "10m",
                "--max-attempts", "4", "--timeout", "30s", "--unique-key", "welcome:1", "--tag", "a", "--tag", "b", "--json");

        assertThat(code).isZero();
        JsonNode job = cli.json();
        assertThat(job.get("id").asLong()).isEqualTo(db.queryLong("SELECT id FROM gantry.jobs"));
        assertThat(job.get("queue").asText()).isEqualTo("mail");
        assertThat(job.get("state").asText()).isEqualTo("scheduled");
        assertThat(job.get("priority").asInt()).isEqualTo(3);
        assertThat(job.get("max_attempts").asInt()).isEqualTo(4);
        assertThat(job.get("timeout_ms").asLong()).isEqualTo(30_000);
        assertThat(job.get("unique_key").asText()).isEqualTo("welcome:1");
        assertThat(job.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(job.get("args").isObject()).as("args are embedded JSON, not a string").isTrue();
        assertThat(Instant.parse(job.get("run_at").asText()))
                .isCloseTo(Instant.now().plus(Duration.ofMinutes(10)), within(1, ChronoUnit.MINUTES));
    }

    @Test
    void runAtTakesAnIsoTime(TestDatabase db) {
        assertThat(cli.run("enqueue", "email.send", "--run-at", "2099-01-01T10:00:00+01:00")).isZero();

        assertThat(db.queryString("SELECT to_char(run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM gantry.jobs"))
                .isEqualTo("2099-01-01 09:00");
    }

    @Test
    void sameUniqueKeyReturnsTheSameJob(TestDatabase db) {
        cli.run("enqueue", "email.send", "--unique-key", "k");
        String first = cli.out();

        cli.run("enqueue", "email.send", "--unique-key", "k");

        assertThat(cli.out()).isEqualTo(first);
        assertThat(db.countJobs()).isEqualTo(1);
    }

    @Nested
    class BadInput {
        @Test
        void unknownKindExitsFiveAndWritesNothing(TestDatabase db) {
            int code = cli.run("enqueue", "emial.send");

            assertThat(code).isEqualTo(5);
            assertThat(cli.err().lines()).singleElement().asString()
                    .startsWith("gantry enqueue: kind: unknown kind \"emial.send\"").endsWith("(from the CLI: --declare)");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void declareAllowsANewKind(TestDatabase db) {
            assertThat(cli.run("enqueue", "report.build", "--declare")).isZero();

            assertThat(db.count("kind = 'report.build'")).isEqualTo(1);
        }

        @Test
        void argsThatAreNotJsonExitFive(TestDatabase db) {
            assertThat(cli.run("enqueue", "email.send", "{to: a}")).isEqualTo(5);

            assertThat(cli.err()).startsWith("gantry enqueue: args: is not valid JSON");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void priorityOutOfRangeExitsFive(TestDatabase db) {
            assertThat(cli.run("enqueue", "email.send", "--priority", "40000")).isEqualTo(5);

            assertThat(cli.err()).startsWith("gantry enqueue: priority:");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void runAtAndInTogetherIsAUsageError(TestDatabase db) {
            assertThat(cli.run("enqueue", "email.send", "--in", "1m", "--run-at", "2099-01-01T00:00:00Z")).isEqualTo(2);

            assertThat(cli.err()).startsWith("gantry enqueue: --run-at and --in cannot be combined");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void badDurationIsAUsageError() {
            assertThat(cli.run("enqueue", "email.send", "--in", "soon")).isEqualTo(2);

            assertThat(cli.err()).contains("'soon' is not a duration");
        }

        @Test
        void missingKindIsAUsageError() {
            assertThat(cli.run("enqueue")).isEqualTo(2);

            assertThat(cli.err()).startsWith("gantry enqueue: missing KIND (or --file)");
        }
    }

    @Nested
    class FromAFile {
        @Test
        void enqueuesEveryLineInOneBatchWithTheOptionsAsDefaults(TestDatabase db, @TempDir java.nio.file.Path dir)
                throws Exception {
            java.nio.file.Path file = dir.resolve("jobs.jsonl");
            java.nio.file.Files.writeString(file, """
                    {"kind": "email.send", "args": {"to": "a@b.c"}}

                    {"kind": "email.send", "args": {"to": "d@e.f"}, "queue": "urgent", "priority": 1, "tags": ["x"]}
                    {"kind": "email.send", "delay": "1h", "max_attempts": 2, "unique_key": "u1", "timeout": 5000}
                    """);

            int code = cli.run("enqueue", "--file", file.toString(), "--queue", "mail");

            assertThat(code).isZero();
            assertThat(cli.out()).startsWith("ID  KIND        QUEUE   STATE      RUN AT").endsWith("3 jobs enqueued\n");
            assertThat(db.queryString("SELECT string_agg(queue || ':' || state || ':' || priority || ':' || max_attempts"
                    + " || ':' || array_to_string(tags, ','), ' ' ORDER BY id) FROM gantry.jobs"))
                    .isEqualTo("mail:available:0:20: urgent:available:1:20:x mail:scheduled:0:2:");
        }

        @Test
        void readsStdinAndPrintsJson(TestDatabase db) {
            cli.stdin("{\"kind\":\"email.send\"}\n{\"kind\":\"email.send\",\"args\":{\"n\":2}}\n");

            int code = cli.run("enqueue", "--file", "-", "--json");

            assertThat(code).isZero();
            assertThat(cli.json()).hasSize(2);
            assertThat(cli.json().get(1).get("args").get("n").asInt()).isEqualTo(2);
            assertThat(db.countJobs()).isEqualTo(2);
        }

        @Test
        void aLineThatIsNotJsonFailsTheWholeFile(TestDatabase db) {
            cli.stdin("{\"kind\":\"email.send\"}\n\n{\"kind\":\n");

            assertThat(cli.run("enqueue", "--file", "-")).isEqualTo(5);

            assertThat(cli.err()).startsWith("gantry enqueue: line 3: not valid JSON");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void anUnknownKeyNamesTheLine(TestDatabase db) {
            cli.stdin("{\"kind\":\"email.send\",\"queu\":\"mail\"}\n");

            assertThat(cli.run("enqueue", "--file", "-")).isEqualTo(5);

            assertThat(cli.err()).startsWith("gantry enqueue: line 1: unknown key \"queu\"");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void aJobRejectedByTheClientNamesItsLine(TestDatabase db) {
            cli.stdin("{\"kind\":\"email.send\"}\n\n{\"kind\":\"email.send\",\"priority\":-1}\n");

            assertThat(cli.run("enqueue", "--file", "-")).isEqualTo(5);

            assertThat(cli.err()).startsWith("gantry enqueue: line 3: priority:");
            assertThat(db.countJobs()).as("the batch is atomic").isZero();
        }

        @Test
        void anEmptyFileIsBadInput(TestDatabase db) {
            cli.stdin("\n\n");

            assertThat(cli.run("enqueue", "--file", "-")).isEqualTo(5);

            assertThat(cli.err()).isEqualTo("gantry enqueue: stdin has no jobs\n");
        }

        @Test
        void aMissingFileIsBadInput() {
            assertThat(cli.run("enqueue", "--file", "/nonexistent/jobs.jsonl")).isEqualTo(5);

            assertThat(cli.err()).isEqualTo("gantry enqueue: --file: /nonexistent/jobs.jsonl does not exist\n");
        }

        @Test
        void kindAndFileTogetherIsAUsageError() {
            assertThat(cli.run("enqueue", "email.send", "--file", "-")).isEqualTo(2);
        }
    }
}

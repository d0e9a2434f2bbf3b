package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class JobsCommandTest {
    private Cli cli;
    private Gantry gantry;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        gantry = db.client();
        gantry.client().declareKind("email.send", "report.build");
        cli = new Cli(db);
    }

    private Job enqueue(String kind, Object args, EnqueueOptions options) {
        return gantry.client().enqueue(kind, args, options);
    }

    /** A job that failed for good, with a stack trace in its error history. */
    private long discarded(TestDatabase db) {
        long id = enqueue("report.build", Map.of("month", "2026-01"), EnqueueOptions.defaults()).id();
        db.execute("UPDATE gantry.jobs SET state = 'discarded', attempt = 1, finished_at = now(), errors = '"
                + "[{\"attempt\": 1, \"at\": \"2026-01-01T00:00:00Z\", \"error\": \"disk full\", "
                + "\"class\": \"java.io.IOException\", \"trace\": \"java.io.IOException: disk full\\n\\tat app.Report.build(Report.java:12)\", "
                + "\"worker_id\": \"w1\"}]'::jsonb WHERE id = " + id);
        return id;
    }

    private long running(TestDatabase db) {
        long id = enqueue("email.send", Map.of(), EnqueueOptions.defaults()).id();
        db.execute("UPDATE gantry.jobs SET state = 'running', attempt = 1, worker_id = 'w1', attempted_at = now(), "
                + "lease_expires_at = now() + interval '1 minute' WHERE id = " + id);
        return id;
    }

    @Nested
    class ListJobs {
        @Test
        void printsATableNewestFirst(TestDatabase db) {
            long a = enqueue("email.send", Map.of("to", "a@b.c"), EnqueueOptions.defaults()).id();
            long b = enqueue("report.build", Map.of(), EnqueueOptions.defaults().withQueue("reports")).id();

            int code = cli.run("jobs", "list");

            assertThat(code).isZero();
            List<String> lines = cli.out().lines().toList();
            assertThat(lines.getFirst()).startsWith("ID").contains("STATE", "KIND", "QUEUE", "ATTEMPT", "CREATED", "ARGS");
            assertThat(lines.get(1)).startsWith(b + " ").contains("available", "report.build", "reports", "0/20");
            assertThat(lines.get(2)).startsWith(a + " ").contains("email.send", "{\"to\": \"a@b.c\"}");
            assertThat(lines).hasSize(3);
        }

        @Test
        void cutsLongArgs() {
            enqueue("email.send", Map.of("body", "x".repeat(500)), EnqueueOptions.defaults());

            cli.run("jobs", "list");

            String row = cli.out().lines().toList().get(1);
            assertThat(row).endsWith("…");
            assertThat(row.substring(row.indexOf("{"))).hasSize(JobsListCommand.ARGS_WIDTH);
        }

        @Test
        void filtersByStateQueueKindTagAndText(TestDatabase db) {
            long mail = enqueue("email.send", Map.of("to", "x@y.z"), EnqueueOptions.defaults().withQueue("mail").withTags("vip")).id();
            enqueue("email.send", Map.of("to", "q@r.s"), EnqueueOptions.defaults());
            long failed = discarded(db);

            assertThat(ids("jobs", "list", "--state", "discarded")).containsExactly(failed);
            assertThat(ids("jobs", "list", "--state", "AVAILABLE,discarded", "--queue", "mail")).containsExactly(mail);
            assertThat(ids("jobs", "list", "--kind", "report.build")).containsExactly(failed);
            assertThat(ids("jobs", "list", "--tag", "vip")).containsExactly(mail);
            assertThat(ids("jobs", "list", "--q", "x@y.z")).containsExactly(mail);
            assertThat(ids("jobs", "list", "--q", "disk full")).containsExactly(failed);
            assertThat(ids("jobs", "list", "--since", "1h", "--until", "2999-01-01T00:00:00Z")).hasSize(3);
            assertThat(ids("jobs", "list", "--until", "1h")).isEmpty();
        }

        private List<Long> ids(String... args) {
            assertThat(cli.run(args)).isZero();
            return cli.out().lines().skip(1).filter(l -> !l.isBlank() && Character.isDigit(l.charAt(0)))
                    .map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
        }

        @Test
        void pagesWithTheCursorItPrints() {
            for (int i = 0; i < 5; i++) enqueue("email.send", Map.of("n", i), EnqueueOptions.defaults());

            cli.run("jobs", "list", "--limit", "2");
            String hint = cli.out().lines().toList().getLast();
            String cursor = hint.replaceAll(".*--cursor (\\d+).*", "$1");
            cli.run("jobs", "list", "--limit", "2", "--cursor", cursor, "--json");

            assertThat(hint).startsWith("more: add --cursor ");
            JsonNode page = cli.json();
            assertThat(page.get("jobs")).hasSize(2);
            assertThat(page.get("jobs").get(0).get("id").asLong()).isEqualTo(Long.parseLong(cursor) - 1);
            assertThat(page.get("next_cursor").asLong()).isEqualTo(Long.parseLong(cursor) - 2);
        }

        @Test
        void jsonHasEveryFieldInSnakeCase(TestDatabase db) {
            long id = discarded(db);

            cli.run("jobs", "list", "--json");

            JsonNode job = cli.json().get("jobs").get(0);
            assertThat(job.get("id").asLong()).isEqualTo(id);
            assertThat(job.get("state").asText()).isEqualTo("discarded");
            assertThat(job.get("args").get("month").asText()).isEqualTo("2026-01");
            assertThat(job.get("max_attempts").asInt()).isEqualTo(20);
            assertThat(job.get("errors").get(0).get("error_class").asText()).isEqualTo("java.io.IOException");
            assertThat(job.get("cancel_requested").asBoolean()).isFalse();
            assertThat(cli.json().get("next_cursor").isNull()).isTrue();
        }

        @Test
        void saysSoWhenThereAreNoJobs() {
            assertThat(cli.run("jobs", "list")).isZero();

            assertThat(cli.out()).isEqualTo("no jobs\n");
        }

        @Test
        void unknownStateIsAUsageErrorListingTheStates() {
            assertThat(cli.run("jobs", "list", "--state", "failed")).isEqualTo(2);

            assertThat(cli.err()).contains("unknown state 'failed' (one of pending, scheduled, available");
        }

        @Test
        void limitOutOfRangeIsBadInput() {
            assertThat(cli.run("jobs", "list", "--limit", "0")).isEqualTo(5);

            assertThat(cli.err()).isEqualTo("gantry jobs list: limit: must be between 1 and 1000, got 0\n");
        }
    }

    @Nested
    class Show {
        @Test
        void printsArgsAndErrorsWithTraces(TestDatabase db) {
            long id = discarded(db);

            int code = cli.run("jobs", "show", String.valueOf(id));

            assertThat(code).isZero();
            assertThat(cli.out()).startsWith("job " + id + " (report.build, queue default)\n")
                    .contains("state:       discarded\n", "attempt:     1 of 20\n", "\"month\" : \"2026-01\"",
                            "  attempt 1 at 2026-01-01T00:00:00Z on w1: java.io.IOException: disk full\n",
                            "      \tat app.Report.build(Report.java:12)\n", "logs: gantry logs --job " + id);
        }

        @Test
        void printsJson(TestDatabase db) {
            long id = discarded(db);

            cli.run("jobs", "show", String.valueOf(id), "--json");

            assertThat(cli.json().get("errors").get(0).get("trace").asText()).contains("Report.java:12");
        }

        @Test
        void missingJobExitsThree() {
            assertThat(cli.run("jobs", "show", "999999")).isEqualTo(3);

            assertThat(cli.err()).isEqualTo("gantry jobs show: job 999999 not found\n");
            assertThat(cli.out()).isEmpty();
        }

        @Test
        void idThatIsNotANumberIsAUsageError() {
            assertThat(cli.run("jobs", "show", "abc")).isEqualTo(2);
        }
    }

    @Nested
    class Actions {
        @Test
        void retryMakesADiscardedJobAvailable(TestDatabase db) {
            long id = discarded(db);

            int code = cli.run("jobs", "retry", String.valueOf(id));

            assertThat(code).isZero();
            assertThat(cli.out()).isEqualTo("job " + id + " available (attempt 1 of 20)\n");
            assertThat(db.state(id)).isEqualTo(JobState.AVAILABLE);
        }

        @Test
        void retryOfARunningJobExitsFourAndChangesNothing(TestDatabase db) {
            long id = running(db);

            assertThat(cli.run("jobs", "retry", String.valueOf(id))).isEqualTo(4);

            assertThat(cli.err()).startsWith("gantry jobs retry: job " + id + " is running");
            assertThat(db.state(id)).isEqualTo(JobState.RUNNING);
        }

        @Test
        void retryOfAMissingJobExitsThree() {
            assertThat(cli.run("jobs", "retry", "424242")).isEqualTo(3);
        }

        @Test
        void cancelOfAnAvailableJobCancelsIt(TestDatabase db) {
            long id = enqueue("email.send", Map.of(), EnqueueOptions.defaults()).id();

            assertThat(cli.run("jobs", "cancel", String.valueOf(id), "--json")).isZero();

            assertThat(cli.json().get("state").asText()).isEqualTo("cancelled");
            assertThat(db.state(id)).isEqualTo(JobState.CANCELLED);
        }

        @Test
        void cancelOfARunningJobSaysItsWorkerWillStopIt(TestDatabase db) {
            long id = running(db);

            assertThat(cli.run("jobs", "cancel", String.valueOf(id))).isZero();

            assertThat(cli.out()).isEqualTo("job " + id + " running: cancel requested, worker w1 will stop it\n");
        }

        @Test
        void cancelOfACompletedJobExitsFour(TestDatabase db) {
            long id = enqueue("email.send", Map.of(), EnqueueOptions.defaults()).id();
            db.execute("UPDATE gantry.jobs SET state = 'completed', finished_at = now() WHERE id = " + id);

            assertThat(cli.run("jobs", "cancel", String.valueOf(id))).isEqualTo(4);
        }

        @Test
        void deleteWithYesDeletes(TestDatabase db) {
            long id = enqueue("email.send", Map.of(), EnqueueOptions.defaults()).id();

            assertThat(cli.run("jobs", "delete", String.valueOf(id), "--yes")).isZero();

            assertThat(cli.out()).isEqualTo("job " + id + " deleted\n");
            assertThat(db.countJobs()).isZero();
        }

        @Test
        void deleteWithoutYesOffATerminalRefusesAtOnce(TestDatabase db) {
            long id = enqueue("email.send", Map.of(), EnqueueOptions.defaults()).id();

            assertThat(cli.run("jobs", "delete", String.valueOf(id))).isEqualTo(2);

            assertThat(cli.err()).startsWith("gantry jobs delete: not on a terminal: pass --yes");
            assertThat(db.countJobs()).isEqualTo(1);
        }

        @Test
        void deleteOfARunningJobExitsFour(TestDatabase db) {
            long id = running(db);

            assertThat(cli.run("jobs", "delete", String.valueOf(id), "-y")).isEqualTo(4);

            assertThat(db.countJobs()).isEqualTo(1);
        }

        @Test
        void deleteOfAMissingJobExitsThree() {
            assertThat(cli.run("jobs", "delete", "777", "--yes", "--json")).isEqualTo(3);
        }
    }

    @Test
    void jobsWithoutASubcommandIsAUsageError() {
        assertThat(cli.runRaw("jobs")).isEqualTo(2);

        assertThat(cli.err()).startsWith("gantry jobs: missing subcommand");
    }
}

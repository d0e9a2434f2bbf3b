package dev.gantry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.Gantry;
import dev.gantry.error.InvalidInputException;
import dev.gantry.error.UnknownKindException;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Every bad input to the client is rejected with an {@link InvalidInputException} that names the
 * field, and nothing is written: not the job, not the rest of its batch, and the caller's
 * transaction stays usable.
 */
@ExtendWith(PostgresExtension.class)
class BadInputTest {
    private static TestDatabase db;
    private static GantryClient client;
    private static final EnqueueOptions DEFAULTS = EnqueueOptions.defaults();

    @BeforeAll
    static void setUpClient(TestDatabase database) {
        db = database;
        client = db.client().client();
        client.declareKind("email.send");
    }

    @BeforeEach
    void reset() {
        db.reset();
        client.enqueue("email.send", Map.of("already", "there"));
    }

    /** Asserts the call is rejected for {@code field}, with a message naming it, and writes nothing. */
    private static InvalidInputException assertRejected(String field, ThrowingCallable call) {
        long before = db.countJobs();

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, call);

        assertThat(e).as("rejected with InvalidInputException").isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field + ": ").isEqualTo(field + ": " + e.reason());
        assertThat(db.countJobs()).as("nothing written").isEqualTo(before);
        return e;
    }

    private static InvalidInputException assertRejected(String field, EnqueueOptions options) {
        return assertRejected(field, () -> client.enqueue("email.send", Map.of(), options));
    }

    @Nested
    class Kind {
        @Test
        void anUnknownKindIsRejectedNamingIt() {
            InvalidInputException e = assertRejected("kind", () -> client.enqueue("emial.send", Map.of()));

            assertThat(e).isInstanceOf(UnknownKindException.class)
                    .hasMessage("kind: unknown kind \"emial.send\": register a handler for it or declare it (declareKind in Java, gantry.declare_kind in SQL)");
        }

        @Test
        void aDeclaredKindIsAcceptedAfterwards() {
            assertRejected("kind", () -> client.enqueue("late.kind", Map.of()));

            client.declareKind("late.kind");

            assertThat(client.enqueue("late.kind", Map.of()).kind()).isEqualTo("late.kind");
        }

        @ParameterizedTest
        @NullAndEmptySource
        void aMissingKindIsRejected(String kind) {
            assertThat(assertRejected("kind", () -> client.enqueue(kind, Map.of())).reason()).isEqualTo("must not be empty");
        }

        @ParameterizedTest
        @ValueSource(strings = {"email send", ".email", "email/send", "caf\u00e9", " email.send"})
        void aMalformedKindIsRejectedQuotingIt(String kind) {
            assertThat(assertRejected("kind", () -> client.enqueue(kind, Map.of())))
                    .hasMessageContaining("letters, digits or _ . : -").hasMessageEndingWith("got \"" + kind + "\"");
        }

        @Test
        void aKindOfMoreThan128CharactersIsRejectedAndQuotedShort() {
            String kind = "k".repeat(1000);

            InvalidInputException e = assertRejected("kind", () -> client.enqueue(kind, Map.of()));

            assertThat(e.getMessage()).hasSizeLessThan(400);
        }

        @Test
        void declaringAMalformedKindIsRejected() {
            assertRejected("kind", () -> client.declareKind("ok.kind", "not ok"));
            assertRejected("kind", () -> client.declareKind());

            assertThat(db.queryLong("SELECT count(*) FROM gantry.kinds WHERE name = 'ok.kind'")).isZero();
        }
    }

    @Nested
    class Args {
        static final class NoProperties {
        }

        static final class Exploding {
            public String getValue() {
                throw new IllegalStateException("getter failed");
            }
        }

        @Test
        void nullArgsAreRejected() {
            assertThat(assertRejected("args", () -> client.enqueue("email.send", null)).reason())
                    .isEqualTo("must not be null (use {} for no arguments)");
            assertRejected("args", () -> client.enqueue("email.send", new RawJson("null")));
        }

        @Test
        void anObjectJacksonCannotSerializeIsRejected() {
            assertThat(assertRejected("args", () -> client.enqueue("email.send", new NoProperties())))
                    .hasMessageStartingWith("args: cannot be serialized to JSON: ")
                    .hasMessageContaining("NoProperties");
            assertThat(assertRejected("args", () -> client.enqueue("email.send", new Exploding())))
                    .hasMessageContaining("getter failed");
            assertRejected("args", () -> client.enqueue("email.send", Map.of("when", Optional.of("soon"))));
        }

        @Test
        void aSelfReferencingStructureIsRejected() {
            Map<String, Object> loop = new HashMap<>();
            loop.put("self", loop);

            assertRejected("args", () -> client.enqueue("email.send", loop));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{not json", "", "{\"a\": 1} trailing", "[1, 2"})
        void rawJsonThatIsNotJsonIsRejected(String text) {
            assertThat(assertRejected("args", () -> client.enqueue("email.send", new RawJson(text))).reason())
                    .startsWith("is not valid JSON");
        }

        @Test
        void theNulCharacterIsRejectedBecauseJsonbCannotStoreIt() {
            assertThat(assertRejected("args", () -> client.enqueue("email.send", Map.of("s", "a\u0000b"))).reason())
                    .startsWith("must not contain the NUL character");
        }

        @Test
        void aBackslashFollowedByU0000IsNotANulCharacter() {
            Job job = client.enqueue("email.send", Map.of("path", "C:\\u0000dir"));

            assertThat(db.queryString("SELECT args->>'path' FROM gantry.jobs WHERE id = ?", job.id())).isEqualTo("C:\\u0000dir");
        }

        @Test
        void argsOverTheSizeLimitAreRejectedCountingBytes() {
            // {"s":"…"} is 8 bytes around the string; é is 2 bytes in UTF-8.
            GantryClient small = Gantry.builder().dataSource(db.newPool(2)).maxArgsBytes(100).build().client();

            assertThat(small.enqueue("email.send", Map.of("s", "x".repeat(92))).id()).as("exactly at the limit").isPositive();
            assertThat(small.enqueue("email.send", Map.of("s", "\u00e9".repeat(46))).id()).isPositive();
            assertThat(assertRejected("args", () -> small.enqueue("email.send", Map.of("s", "x".repeat(93)))).reason())
                    .isEqualTo("is 101 bytes, over the limit of 100 bytes");
            assertThat(assertRejected("args", () -> small.enqueue("email.send", Map.of("s", "\u00e9".repeat(47)))).reason())
                    .isEqualTo("is 102 bytes, over the limit of 100 bytes");
            assertRejected("args", () -> small.enqueue("email.send", new RawJson("{\"s\": \"" + "x".repeat(200) + "\"}")));
        }

        @Test
        void theDefaultLimitIsOneMebibyte() {
            String big = "x".repeat(GantryClient.DEFAULT_MAX_ARGS_BYTES);

            assertThat(assertRejected("args", () -> client.enqueue("email.send", Map.of("s", big))))
                    .hasMessageEndingWith("over the limit of 1048576 bytes");
        }
    }

    @Nested
    class Options {
        @ParameterizedTest
        @ValueSource(ints = {-1, -32768, Integer.MIN_VALUE, 32768, Integer.MAX_VALUE})
        void priorityOutOfRange(int priority) {
            assertThat(assertRejected("priority", DEFAULTS.withPriority(priority)).reason())
                    .isEqualTo("must be between 0 and 32767 (lower runs first), got " + priority);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE, 1001})
        void maxAttemptsOutOfRange(int maxAttempts) {
            assertThat(assertRejected("max_attempts", DEFAULTS.withMaxAttempts(maxAttempts)).reason())
                    .isEqualTo("must be between 1 and 1000, got " + maxAttempts);
        }

        @ParameterizedTest
        @NullAndEmptySource
        void aMissingQueueIsRejected(String queue) {
            assertThat(assertRejected("queue", DEFAULTS.withQueue(queue)).reason()).isEqualTo("must not be empty");
        }

        @ParameterizedTest
        @ValueSource(strings = {" ", "\t", " mail", "mail ", "mail queue", ".mail", "-mail", ":mail", "mail\n", "ma*l"})
        void aBlankOrMalformedQueueIsRejected(String queue) {
            assertThat(assertRejected("queue", DEFAULTS.withQueue(queue)))
                    .hasMessageContaining("letters, digits or _ . : -");
        }

        @Test
        void aQueueNameOfMoreThan128CharactersIsRejected() {
            assertThat(client.enqueue("email.send", Map.of(), DEFAULTS.withQueue("q".repeat(128))).queue()).hasSize(128);
            assertRejected("queue", DEFAULTS.withQueue("q".repeat(129)));
        }

        @ParameterizedTest
        @ValueSource(longs = {-1_000, 0, 999})
        void aTimeoutUnderOneSecondIsRejected(long millis) {
            assertThat(assertRejected("timeout", DEFAULTS.withTimeout(Duration.ofMillis(millis))).reason())
                    .startsWith("must be between 1 s and 2000000 s, got ");
        }

        @Test
        void aTimeoutOverTheMaximumIsRejected() {
            assertRejected("timeout", DEFAULTS.withTimeout(Duration.ofSeconds(2_000_001)));
            assertRejected("timeout", DEFAULTS.withTimeout(Duration.ofDays(365_000)));
        }

        @Test
        void aNegativeDelayIsRejected() {
            assertThat(assertRejected("delay", DEFAULTS.withDelay(Duration.ofSeconds(-1))).reason())
                    .isEqualTo("must not be negative, got PT-1S");
        }

        @Test
        void runAtAndDelayTogetherAreRejected() {
            assertThat(assertRejected("run_at", DEFAULTS.withRunAt(java.time.Instant.now()).withDelay(Duration.ofSeconds(1)))
                    .reason()).isEqualTo("set either run_at or delay, not both");
        }

        @Test
        void aUniqueKeyMustBe1To512Characters() {
            assertRejected("unique_key", DEFAULTS.withUniqueKey(""));
            assertThat(assertRejected("unique_key", DEFAULTS.withUniqueKey("k".repeat(513))).reason())
                    .isEqualTo("must be 1 to 512 characters");
            assertThat(client.enqueue("email.send", Map.of(), DEFAULTS.withUniqueKey("k".repeat(512))).uniqueKey()).hasSize(512);
        }

        @Test
        void eachTagMustBe1To128Characters() {
            assertRejected("tags", DEFAULTS.withTags("ok", null));
            assertRejected("tags", DEFAULTS.withTags(""));
            assertThat(assertRejected("tags", DEFAULTS.withTags("t".repeat(129))).reason())
                    .isEqualTo("each tag must be 1 to 128 characters");
        }

        @Test
        void atMost50Tags() {
            String[] tags = IntStream.range(0, 51).mapToObj(i -> "t" + i).toArray(String[]::new);

            assertThat(assertRejected("tags", DEFAULTS.withTags(tags)).reason()).isEqualTo("at most 50 tags, got 51");
            assertThat(client.enqueue("email.send", Map.of(), DEFAULTS.withTags(Arrays.copyOf(tags, 50))).tags()).hasSize(50);
        }
    }

    @Nested
    class Batches {
        @Test
        void oneBadRequestRejectsTheWholeBatchNamingItsIndex() {
            List<JobRequest> batch = List.of(
                    JobRequest.of("email.send", Map.of("i", 0)),
                    new JobRequest("email.send", Map.of("i", 1), DEFAULTS.withPriority(-5)),
                    JobRequest.of("email.send", Map.of("i", 2)));

            assertThat(assertRejected("jobs[1].priority", () -> client.enqueueMany(batch)).reason())
                    .isEqualTo("must be between 0 and 32767 (lower runs first), got -5");
        }

        @Test
        void eachKindOfBadValueIsNamedWithItsIndex() {
            JobRequest good = JobRequest.of("email.send", Map.of());

            assertRejected("jobs[1].max_attempts", () -> client.enqueueMany(List.of(good,
                    new JobRequest("email.send", Map.of(), DEFAULTS.withMaxAttempts(0)))));
            assertRejected("jobs[0].queue", () -> client.enqueueMany(List.of(
                    new JobRequest("email.send", Map.of(), DEFAULTS.withQueue("")), good)));
            assertRejected("jobs[1].args", () -> client.enqueueMany(List.of(good, JobRequest.of("email.send", new Args.NoProperties()))));
            assertRejected("jobs[2].kind", () -> client.enqueueMany(List.of(good, good, JobRequest.of(null, Map.of()))));
        }

        @Test
        void anUnknownKindAnywhereRejectsTheBatch() {
            List<JobRequest> batch = List.of(JobRequest.of("email.send", Map.of()), JobRequest.of("no.such.kind", Map.of()));

            assertThat(assertRejected("kind", () -> client.enqueueMany(batch)))
                    .isInstanceOf(UnknownKindException.class).hasMessageContaining("\"no.such.kind\"");
        }

        @Test
        void aNullRequestIsRejected() {
            List<JobRequest> batch = new ArrayList<>(List.of(JobRequest.of("email.send", Map.of()), JobRequest.of("email.send", Map.of())));
            batch.add(null);

            assertThat(assertRejected("jobs[2]", () -> client.enqueueMany(batch)).reason()).isEqualTo("must not be null");
        }

        @Test
        void anEmptyOrMissingBatchIsRejected() {
            assertRejected("jobs", () -> client.enqueueMany(List.of()));
            assertRejected("jobs", () -> client.enqueueMany((List<JobRequest>) null));
        }

        @Test
        void aBatchOverTheMaximumIsRejected() {
            List<JobRequest> batch = Collections.nCopies(GantryClient.MAX_BATCH + 1, JobRequest.of("email.send", Map.of()));

            assertThat(assertRejected("jobs", () -> client.enqueueMany(batch)).reason())
                    .isEqualTo("at most 10000 per batch, got 10001");
        }

        @Test
        void aBatchOfOneReportsTheFieldWithoutAnIndex() {
            assertRejected("priority", () -> client.enqueueMany(List.of(new JobRequest("email.send", Map.of(), DEFAULTS.withPriority(-1)))));
        }
    }

    @Nested
    class InTheCallersTransaction {
        @Test
        void badInputLeavesTheTransactionUsable() throws SQLException {
            try (Connection app = db.dataSource().getConnection()) {
                app.setAutoCommit(false);
                Job good = client.enqueue(app, "email.send", Map.of("n", 1), DEFAULTS);

                assertRejected("priority", () -> client.enqueue(app, "email.send", Map.of(), DEFAULTS.withPriority(-1)));
                assertRejected("kind", () -> client.enqueue(app, "no.such.kind", Map.of(), DEFAULTS));
                assertRejected("jobs[1].args", () -> client.enqueueMany(app,
                        List.of(JobRequest.of("email.send", Map.of()), JobRequest.of("email.send", null))));
                app.commit();

                assertThat(db.state(good.id())).as("the good job committed").isNotNull();
                assertThat(db.countJobs()).isEqualTo(2);
            }
        }
    }

    @Nested
    class Listing {
        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001})
        void aLimitOutOfRangeIsRejected(int limit) {
            assertThat(assertRejected("limit", () -> client.list(JobFilter.all().withLimit(limit))).reason())
                    .isEqualTo("must be between 1 and 1000, got " + limit);
        }
    }
}

package dev.gantry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.Gantry;
import dev.gantry.error.InvalidStateException;
import dev.gantry.error.JobNotFoundException;
import dev.gantry.event.GantryListener;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.OutcomeRow;
import dev.gantry.config.SchemaName;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Every client operation against a real database: enqueue with each option (one, many, in the
 * caller's transaction), get, list, cancel, retry and delete, checking the stored rows. Jobs
 * are moved through running and its outcomes with the worker's own store calls (claim, fenced
 * outcome), on the same manual clock as the client.
 */
@ExtendWith(PostgresExtension.class)
class GantryClientTest {
    private static final String WORKER = "test-worker";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ManualTimeSource time = ManualTimeSource.at("2025-01-01T00:00:00Z");
    private static final AtomicInteger queues = new AtomicInteger();
    private static GantryClient client;
    private static Gantry gantry;
    private static JobStore store;

    @BeforeAll
    static void setUpClient(TestDatabase db) {
        gantry = db.gantry(null, time, GantryListener.NONE);
        client = gantry.client();
        client.declareKind("email.send", "report.build");
        store = new JobStore(new Db(gantry.dataSource()), SchemaName.DEFAULT, time);
    }

    @BeforeEach
    void reset(TestDatabase db) {
        db.reset();
    }

    record EmailArgs(String to, int copies) {
    }

    record ReportArgs(String name, Instant asOf) {
    }

    @Nested
    class Enqueue {
        @Test
        void withDefaultsStoresAnAvailableJobRunnableNow(TestDatabase db) throws Exception {
            Job job = client.enqueue("email.send", new EmailArgs("a@b.c", 2));

            assertThat(job.id()).isPositive();
            assertThat(job.kind()).isEqualTo("email.send");
            assertThat(job.queue()).isEqualTo(EnqueueOptions.DEFAULT_QUEUE);
            assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(job.priority()).isZero();
            assertThat(job.attempt()).isZero();
            assertThat(job.maxAttempts()).isEqualTo(EnqueueOptions.DEFAULT_MAX_ATTEMPTS);
            assertThat(job.runAt()).isEqualTo(time.now());
            assertThat(job.createdAt()).isEqualTo(time.now());
            assertThat(job.timeout()).isNull();
            assertThat(job.tags()).isEmpty();
            assertThat(job.uniqueKey()).isNull();
            assertThat(job.errors()).isEmpty();
            assertThat(job.attemptedAt()).isNull();
            assertThat(job.finishedAt()).isNull();
            assertThat(job.workerId()).isNull();
            assertThat(job.cancelRequested()).isFalse();
            assertThat(JSON.readTree(job.args())).isEqualTo(JSON.readTree("{\"to\":\"a@b.c\",\"copies\":2}"));
            assertThat(db.queryString("SELECT state || ' ' || queue || ' ' || (args->>'to') FROM gantry.jobs WHERE id = ?",
                    job.id())).isEqualTo("available default a@b.c");
            assertThat(client.get(job.id())).contains(job);
        }

        @Test
        void returnsTheJobAsStoredWithEveryOption() {
            // Enqueue reads back only what the database decides (id, state, times, args as jsonb
            // prints them) and takes the rest from the request: both must agree with the row.
            EnqueueOptions all = EnqueueOptions.defaults().withQueue("every.option").withPriority(7).withMaxAttempts(3)
                    .withTimeout(Duration.ofSeconds(90)).withTags("a", "b \"quoted\"").withUniqueKey("every-option");
            Job now = client.enqueue("email.send", new RawJson("{\"b\": 1, \"a\": [1, 2], \"a\": 3}"), all);
            Job later = client.enqueue("report.build", Map.of("n", 1), all.withUniqueKey(null).withDelay(Duration.ofHours(1)));
            Job same = client.enqueue("email.send", Map.of(), all);

            assertThat(client.get(now.id())).contains(now);
            assertThat(client.get(later.id())).contains(later);
            assertThat(later.state()).isEqualTo(JobState.SCHEDULED);
            assertThat(same).as("the holder of the unique key").isEqualTo(now);
            List<Job> many = client.enqueueMany(List.of(new JobRequest("email.send", Map.of(), all),
                    new JobRequest("report.build", Map.of("x", "y"), all.withUniqueKey("other"))));
            assertThat(many.get(0)).isEqualTo(now);
            assertThat(client.get(many.get(1).id())).contains(many.get(1));
        }

        @Test
        void serializesArgsWithIsoTimesAndStoresRawJsonAsGiven() throws Exception {
            Job report = client.enqueue("report.build", new ReportArgs("daily", Instant.parse("2024-12-31T23:00:00Z")));
            Job raw = client.enqueue("report.build", new RawJson("{\"ids\": [1, 2, 3], \"nested\": {\"ok\": true}}"));
            Job map = client.enqueue("report.build", Map.of("unicode", "\u00e9\u6f22\ud83d\ude00"));

            assertThat(JSON.readTree(report.args()).get("asOf").asText()).isEqualTo("2024-12-31T23:00:00Z");
            assertThat(JSON.readTree(raw.args())).isEqualTo(JSON.readTree("{\"ids\":[1,2,3],\"nested\":{\"ok\":true}}"));
            assertThat(JSON.readTree(map.args()).get("unicode").asText()).isEqualTo("\u00e9\u6f22\ud83d\ude00");
        }

        @Test
        void queueOption(TestDatabase db) {
            Job job = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue("mail"));

            assertThat(job.queue()).isEqualTo("mail");
            assertThat(db.queryString("SELECT queue FROM gantry.jobs WHERE id = ?", job.id())).isEqualTo("mail");
        }

        @Test
        void priorityOptionIsStoredAndLowerIsClaimedFirst(TestDatabase db) {
            EnqueueOptions mail = EnqueueOptions.defaults().withQueue("prio");
            Job later = client.enqueue("email.send", Map.of(), mail.withPriority(5));
            Job urgent = client.enqueue("email.send", Map.of(), mail.withPriority(1));
            Job max = client.enqueue("email.send", Map.of(), mail.withPriority(32767));

            assertThat(db.queryLong("SELECT priority FROM gantry.jobs WHERE id = ?", later.id())).isEqualTo(5);
            assertThat(max.priority()).isEqualTo(32767);
            assertThat(store.claim("prio", WORKER, 1, Duration.ofMinutes(1))).extracting(Job::id).containsExactly(urgent.id());
        }

        @Test
        void runAtInTheFutureIsScheduledAndStagedWhenDue(TestDatabase db) {
            Instant at = time.now().plus(Duration.ofHours(2));

            Job job = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withRunAt(at));

            assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
            assertThat(job.runAt()).isEqualTo(at);
            assertThat(gantry.stageDueJobs()).as("not due yet").isZero();
            time.advance(Duration.ofHours(2));
            assertThat(gantry.stageDueJobs()).isEqualTo(1);
            assertThat(db.state(job.id())).isEqualTo(JobState.AVAILABLE);
        }

        @Test
        void runAtInThePastIsAvailableAndKeepsItsRunAt() {
            Instant at = time.now().minus(Duration.ofDays(1));

            Job job = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withRunAt(at));

            assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(job.runAt()).isEqualTo(at);
        }

        @Test
        void delayIsRelativeToNow() {
            Job delayed = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ofMinutes(5)));
            Job zero = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ZERO));

            assertThat(delayed.state()).isEqualTo(JobState.SCHEDULED);
            assertThat(delayed.runAt()).isEqualTo(time.now().plus(Duration.ofMinutes(5)));
            assertThat(zero.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(zero.runAt()).isEqualTo(time.now());
        }

        @Test
        void maxAttemptsOption(TestDatabase db) {
            Job one = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withMaxAttempts(1));
            Job many = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withMaxAttempts(1000));

            assertThat(db.queryLong("SELECT max_attempts FROM gantry.jobs WHERE id = ?", one.id())).isEqualTo(1);
            assertThat(many.maxAttempts()).isEqualTo(1000);
        }

        @Test
        void timeoutOptionIsStoredInMilliseconds(TestDatabase db) {
            Job job = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withTimeout(Duration.ofSeconds(30)));

            assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(db.queryLong("SELECT timeout_ms FROM gantry.jobs WHERE id = ?", job.id())).isEqualTo(30_000);
        }

        @Test
        void tagsOptionKeepsOrderAndQuotes(TestDatabase db) {
            Job job = client.enqueue("email.send", Map.of(),
                    EnqueueOptions.defaults().withTags("tenant:42", "with space", "quote\"and\\slash"));

            assertThat(job.tags()).containsExactly("tenant:42", "with space", "quote\"and\\slash");
            assertThat(db.queryLong("SELECT cardinality(tags) FROM gantry.jobs WHERE id = ?", job.id())).isEqualTo(3);
            assertThat(db.queryString("SELECT tags[3] FROM gantry.jobs WHERE id = ?", job.id())).isEqualTo("quote\"and\\slash");
        }

        @Test
        void allOptionsTogether() {
            EnqueueOptions all = EnqueueOptions.defaults().withQueue("mail").withPriority(3).withDelay(Duration.ofSeconds(90))
                    .withMaxAttempts(4).withTimeout(Duration.ofMinutes(2)).withTags("a", "b").withUniqueKey("welcome:7");

            Job job = client.enqueue("email.send", Map.of("user", 7), all);

            assertThat(client.get(job.id())).get().satisfies(j -> {
                assertThat(j.queue()).isEqualTo("mail");
                assertThat(j.priority()).isEqualTo(3);
                assertThat(j.state()).isEqualTo(JobState.SCHEDULED);
                assertThat(j.runAt()).isEqualTo(time.now().plusSeconds(90));
                assertThat(j.maxAttempts()).isEqualTo(4);
                assertThat(j.timeout()).isEqualTo(Duration.ofMinutes(2));
                assertThat(j.tags()).containsExactly("a", "b");
                assertThat(j.uniqueKey()).isEqualTo("welcome:7");
            });
        }

        @Test
        void sameUniqueKeyReturnsTheExistingJobAndWritesNothing(TestDatabase db) {
            Job first = client.enqueue("email.send", Map.of("n", 1), EnqueueOptions.defaults().withUniqueKey("welcome:1"));

            Job again = client.enqueue("email.send", Map.of("n", 2),
                    EnqueueOptions.defaults().withUniqueKey("welcome:1").withQueue("other").withPriority(9));

            assertThat(again).as("the first job, unchanged").isEqualTo(first);
            assertThat(db.countJobs()).isEqualTo(1);
        }

        @Test
        void aKeyIsHeldUntilItsJobIsCancelledOrDiscardedNotWhenItCompletes() {
            EnqueueOptions keyed = EnqueueOptions.defaults().withUniqueKey("k").withQueue(nextQueue());
            Job first = client.enqueue("email.send", Map.of(), keyed);
            finish(first, JobState.COMPLETED);
            assertThat(client.enqueue("email.send", Map.of(), keyed).id()).as("a completed job holds its key").isEqualTo(first.id());

            client.delete(first.id());
            Job second = client.enqueue("email.send", Map.of(), keyed);
            client.cancel(second.id());
            Job third = client.enqueue("email.send", Map.of(), keyed);
            finish(third, JobState.DISCARDED);
            Job fourth = client.enqueue("email.send", Map.of(), keyed);

            assertThat(List.of(first.id(), second.id(), third.id(), fourth.id())).doesNotHaveDuplicates();
            assertThat(client.enqueue("email.send", Map.of(), keyed).id()).isEqualTo(fourth.id());
        }
    }

    @Nested
    class EnqueueMany {
        @Test
        void insertsAThousandJobsInOneStatementInRequestOrder(TestDatabase db) throws Exception {
            List<JobRequest> requests = IntStream.range(0, 1000)
                    .mapToObj(i -> JobRequest.of("report.build", Map.of("n", i))).toList();

            List<Job> jobs = client.enqueueMany(requests);

            assertThat(jobs).hasSize(1000);
            assertThat(db.countJobs()).isEqualTo(1000);
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(JSON.readTree(jobs.get(i).args()).get("n").asInt()).as("job %d", i).isEqualTo(i);
            }
            assertThat(jobs).extracting(Job::id).isSorted().doesNotHaveDuplicates();
            assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs WHERE (args->>'n')::int + 1 = id"))
                    .as("ids follow request order").isEqualTo(1000);
            assertThat(db.queryLong("SELECT count(DISTINCT xmin::text) FROM gantry.jobs")).as("one transaction").isEqualTo(1);
            assertThat(db.queryLong("SELECT count(DISTINCT cmin::text) FROM gantry.jobs")).as("one statement").isEqualTo(1);
        }

        @Test
        void eachRequestKeepsItsOwnOptions() {
            List<Job> jobs = client.enqueueMany(List.of(
                    new JobRequest("email.send", Map.of(), EnqueueOptions.defaults().withQueue("mail").withPriority(2)),
                    new JobRequest("report.build", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ofMinutes(1))
                            .withMaxAttempts(3).withTimeout(Duration.ofSeconds(5)).withTags("t1")),
                    new JobRequest("report.build", Map.of(), EnqueueOptions.defaults().withRunAt(time.now().minusSeconds(10))),
                    new JobRequest("email.send", Map.of(), null)));

            assertThat(jobs).extracting(Job::kind).containsExactly("email.send", "report.build", "report.build", "email.send");
            assertThat(jobs).extracting(Job::queue).containsExactly("mail", "default", "default", "default");
            assertThat(jobs).extracting(Job::priority).containsExactly(2, 0, 0, 0);
            assertThat(jobs).extracting(Job::state)
                    .containsExactly(JobState.AVAILABLE, JobState.SCHEDULED, JobState.AVAILABLE, JobState.AVAILABLE);
            assertThat(jobs).extracting(Job::runAt)
                    .containsExactly(time.now(), time.now().plusSeconds(60), time.now().minusSeconds(10), time.now());
            assertThat(jobs).extracting(Job::maxAttempts).containsExactly(20, 3, 20, 20);
            assertThat(jobs).extracting(Job::timeout).containsExactly(null, Duration.ofSeconds(5), null, null);
            assertThat(jobs).extracting(Job::tags).containsExactly(List.of(), List.of("t1"), List.of(), List.of());
            for (Job j : jobs) assertThat(client.get(j.id())).contains(j);
        }

        @Test
        void uniqueKeysReturnTheHolderWhetherItExistedOrCameEarlierInTheBatch(TestDatabase db) {
            Job existing = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("old"));

            List<Job> jobs = client.enqueueMany(List.of(
                    new JobRequest("email.send", Map.of("i", 0), EnqueueOptions.defaults().withUniqueKey("new")),
                    new JobRequest("email.send", Map.of("i", 1), EnqueueOptions.defaults().withUniqueKey("old")),
                    JobRequest.of("email.send", Map.of("i", 2)),
                    new JobRequest("email.send", Map.of("i", 3), EnqueueOptions.defaults().withUniqueKey("new")),
                    JobRequest.of("email.send", Map.of("i", 4))));

            assertThat(jobs).hasSize(5);
            assertThat(jobs.get(1)).isEqualTo(existing);
            assertThat(jobs.get(3)).as("the batch's first job with the key").isEqualTo(jobs.get(0));
            assertThat(jobs.get(0).args()).contains("0");
            assertThat(List.of(jobs.get(0).id(), jobs.get(2).id(), jobs.get(4).id())).isSorted().doesNotHaveDuplicates();
            assertThat(jobs.get(2).args()).contains("2");
            assertThat(jobs.get(4).args()).contains("4");
            assertThat(db.countJobs()).isEqualTo(4);
            assertThat(db.count("unique_key = 'new'")).isEqualTo(1);
        }

        @Test
        void aBatchOfOnlyHeldKeysInsertsNothing(TestDatabase db) {
            Job a = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("a"));
            Job b = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("b"));

            List<Job> jobs = client.enqueueMany(List.of(
                    new JobRequest("email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("b")),
                    new JobRequest("email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("a"))));

            assertThat(jobs).containsExactly(b, a);
            assertThat(db.countJobs()).isEqualTo(2);
        }
    }

    @Nested
    class InTheCallersTransaction {
        @Test
        void aJobExistsOnlyOnceTheCallerCommits(TestDatabase db) throws SQLException {
            try (Connection app = db.dataSource().getConnection()) {
                app.setAutoCommit(false);

                Job job = client.enqueue(app, "email.send", Map.of(), EnqueueOptions.defaults());

                assertThat(app.getAutoCommit()).as("the client leaves the transaction open").isFalse();
                assertThat(db.countJobs()).as("invisible to others before commit").isZero();
                app.commit();
                assertThat(client.get(job.id())).contains(job);
            }
        }

        @Test
        void aRollbackTakesTheJobsWithIt(TestDatabase db) throws SQLException {
            try (Connection app = db.dataSource().getConnection()) {
                app.setAutoCommit(false);

                client.enqueue(app, "email.send", Map.of(), EnqueueOptions.defaults());
                client.enqueueMany(app, List.of(JobRequest.of("email.send", Map.of()), JobRequest.of("report.build", Map.of())));
                app.rollback();

                assertThat(db.countJobs()).isZero();
            }
        }

        @Test
        void manyCommitWithTheCallersOtherWork(TestDatabase db) throws SQLException {
            db.execute("CREATE TABLE IF NOT EXISTS public.orders (id int)");
            try (Connection app = db.dataSource().getConnection()) {
                app.setAutoCommit(false);
                try (Statement st = app.createStatement()) {
                    st.execute("INSERT INTO public.orders VALUES (1)");
                }

                List<Job> jobs = client.enqueueMany(app, List.of(
                        JobRequest.of("email.send", Map.of("order", 1)), JobRequest.of("report.build", Map.of("order", 1))));
                assertThat(db.countJobs()).isZero();
                app.commit();

                assertThat(db.countJobs()).isEqualTo(2);
                assertThat(db.queryLong("SELECT count(*) FROM public.orders")).isEqualTo(1);
                assertThat(jobs).allSatisfy(j -> assertThat(client.get(j.id())).contains(j));
            } finally {
                db.execute("DROP TABLE public.orders");
            }
        }

        @Test
        void aHeldUniqueKeyReturnsTheCommittedJob(TestDatabase db) throws SQLException {
            Job held = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("tx-key"));
            try (Connection app = db.dataSource().getConnection()) {
                app.setAutoCommit(false);

                Job again = client.enqueue(app, "email.send", Map.of(), EnqueueOptions.defaults().withUniqueKey("tx-key"));
                app.commit();

                assertThat(again).isEqualTo(held);
                assertThat(db.countJobs()).isEqualTo(1);
            }
        }

        @Test
        void autocommitConnectionsWorkToo(TestDatabase db) throws SQLException {
            try (Connection app = db.dataSource().getConnection()) {
                Job job = client.enqueue(app, "email.send", Map.of(), EnqueueOptions.defaults());

                assertThat(db.state(job.id())).isEqualTo(JobState.AVAILABLE);
            }
        }
    }

    @Nested
    class Get {
        @Test
        void returnsTheStoredJob() {
            Job job = client.enqueue("email.send", Map.of("x", 1), EnqueueOptions.defaults().withTags("t"));

            assertThat(client.get(job.id())).contains(job);
        }

        @Test
        void absentIsEmpty() {
            Job job = client.enqueue("email.send", Map.of());
            client.delete(job.id());

            assertThat(client.get(job.id())).isEmpty();
            assertThat(client.get(987_654_321L)).isEmpty();
            assertThat(client.get(-1)).isEmpty();
        }
    }

    @Nested
    class ListJobs {
        @Test
        void newestFirstWithEveryFilter() {
            Job mail = client.enqueue("email.send", Map.of("body", "needle"), EnqueueOptions.defaults().withQueue("mail").withTags("vip"));
            time.advance(Duration.ofMinutes(1));
            Job report = client.enqueue("report.build", Map.of(), EnqueueOptions.defaults().withTags("vip", "eu"));
            Job scheduled = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ofHours(1)));
            Job cancelled = client.enqueue("report.build", Map.of(), EnqueueOptions.defaults().withQueue("mail"));
            client.cancel(cancelled.id());

            assertThat(ids(JobFilter.all())).containsExactly(cancelled.id(), scheduled.id(), report.id(), mail.id());
            assertThat(ids(JobFilter.all().withStates(JobState.AVAILABLE))).containsExactly(report.id(), mail.id());
            assertThat(ids(JobFilter.all().withStates(JobState.SCHEDULED, JobState.CANCELLED)))
                    .containsExactly(cancelled.id(), scheduled.id());
            assertThat(ids(JobFilter.all().withQueue("mail"))).containsExactly(cancelled.id(), mail.id());
            assertThat(ids(JobFilter.all().withKind("email.send"))).containsExactly(scheduled.id(), mail.id());
            assertThat(ids(JobFilter.all().withTag("vip"))).containsExactly(report.id(), mail.id());
            assertThat(ids(JobFilter.all().withTag("eu"))).containsExactly(report.id());
            assertThat(ids(JobFilter.all().withText("needle"))).containsExactly(mail.id());
            assertThat(ids(JobFilter.all().withCreatedBetween(time.now(), null))).containsExactly(cancelled.id(), scheduled.id(), report.id());
            assertThat(ids(JobFilter.all().withCreatedBetween(null, time.now()))).containsExactly(mail.id());
            assertThat(ids(JobFilter.all().withQueue("mail").withKind("report.build").withStates(JobState.CANCELLED)))
                    .containsExactly(cancelled.id());
            assertThat(ids(JobFilter.all().withQueue("nowhere"))).isEmpty();
        }

        @Test
        void keysetPagesCoverEveryJobOnceWithoutAnEmptyLastPage() {
            List<Long> enqueued = client.enqueueMany(IntStream.range(0, 30)
                    .mapToObj(i -> JobRequest.of(i % 3 == 0 ? "report.build" : "email.send", Map.of("i", i))).toList())
                    .stream().map(Job::id).toList();

            List<JobPage> pages = pages(JobFilter.all().withLimit(7));
            List<JobPage> exact = pages(JobFilter.all().withLimit(10));

            assertThat(pages).extracting(p -> p.jobs().size()).containsExactly(7, 7, 7, 7, 2);
            assertThat(pages.getLast().nextCursor()).isNull();
            assertThat(pages.stream().flatMap(p -> p.jobs().stream()).map(Job::id).toList())
                    .containsExactlyElementsOf(enqueued.reversed());
            assertThat(exact).extracting(p -> p.jobs().size()).containsExactly(10, 10, 10);
            assertThat(exact.getLast().nextCursor()).isNull();
        }

        @Test
        void pagingWithAFilterAndJobsArrivingBetweenPages() {
            for (int i = 0; i < 12; i++) client.enqueue(i % 2 == 0 ? "email.send" : "report.build", Map.of("i", i));
            JobFilter emails = JobFilter.all().withKind("email.send").withLimit(4);

            JobPage first = client.list(emails);
            client.enqueue("email.send", Map.of("late", true));
            JobPage second = client.list(emails.withCursor(first.nextCursor()));

            Set<Long> seen = new HashSet<>();
            first.jobs().forEach(j -> assertThat(seen.add(j.id())).isTrue());
            second.jobs().forEach(j -> assertThat(seen.add(j.id())).isTrue());
            assertThat(second.jobs()).hasSize(2).allSatisfy(j -> assertThat(j.kind()).isEqualTo("email.send"));
            assertThat(second.nextCursor()).isNull();
            assertThat(seen).hasSize(6);
        }

        private List<Long> ids(JobFilter filter) {
            return client.list(filter).jobs().stream().map(Job::id).toList();
        }

        private List<JobPage> pages(JobFilter filter) {
            List<JobPage> pages = new ArrayList<>();
            JobPage page = client.list(filter);
            pages.add(page);
            while (page.nextCursor() != null) {
                assertThat(pages).as("pagination ends").hasSizeLessThan(100);
                page = client.list(filter.withCursor(page.nextCursor()));
                pages.add(page);
            }
            return pages;
        }
    }

    @Nested
    class Cancel {
        @Test
        void anAvailableJobIsCancelledAtOnce() {
            Job job = client.enqueue("email.send", Map.of());
            time.advance(Duration.ofSeconds(3));

            Job cancelled = client.cancel(job.id());

            assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
            assertThat(cancelled.finishedAt()).isEqualTo(time.now());
            assertThat(client.get(job.id())).contains(cancelled);
        }

        @Test
        void scheduledAndRetryableJobsAreCancelledToo() {
            Job scheduled = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ofHours(1)));
            Job retryable = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.RETRYABLE);

            assertThat(client.cancel(scheduled.id()).state()).isEqualTo(JobState.CANCELLED);
            assertThat(client.cancel(retryable.id()).state()).isEqualTo(JobState.CANCELLED);
            assertThat(client.get(retryable.id()).orElseThrow().errors()).as("history kept").hasSize(1);
        }

        @Test
        void aRunningJobIsOnlyFlaggedForItsWorker() {
            Job running = claim(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())));

            Job flagged = client.cancel(running.id());
            Job again = client.cancel(running.id());

            assertThat(flagged.state()).isEqualTo(JobState.RUNNING);
            assertThat(flagged.cancelRequested()).isTrue();
            assertThat(flagged.workerId()).isEqualTo(WORKER);
            assertThat(flagged.finishedAt()).isNull();
            assertThat(again.state()).isEqualTo(JobState.RUNNING);
            assertThat(store.renewLeases(WORKER, Set.of(running.id()), Duration.ofMinutes(1)).cancelRequested())
                    .as("the worker learns of it when renewing its lease").containsExactly(running.id());
        }

        @Test
        void cancellingACancelledJobReturnsItUnchanged() {
            Job cancelled = client.cancel(client.enqueue("email.send", Map.of()).id());
            time.advance(Duration.ofMinutes(1));

            assertThat(client.cancel(cancelled.id())).isEqualTo(cancelled);
        }

        @Test
        void aCompletedOrDiscardedJobCannotBeCancelled() {
            Job completed = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.COMPLETED);
            Job discarded = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.DISCARDED);

            assertThatThrownBy(() -> client.cancel(completed.id()))
                    .isInstanceOf(InvalidStateException.class)
                    .hasMessage("job " + completed.id() + " is completed and cannot be cancelled");
            assertThatThrownBy(() -> client.cancel(discarded.id()))
                    .isInstanceOf(InvalidStateException.class)
                    .hasMessage("job " + discarded.id() + " is discarded and cannot be cancelled");
            assertThat(client.get(completed.id())).contains(completed);
            assertThat(client.get(discarded.id())).contains(discarded);
        }

        @Test
        void anAbsentJobIsNotFound() {
            assertThatThrownBy(() -> client.cancel(424242))
                    .isInstanceOf(JobNotFoundException.class)
                    .hasMessage("job 424242 not found");
        }
    }

    @Nested
    class Retry {
        @Test
        void aDiscardedJobOutOfAttemptsGetsOneMoreAndRunsNow(TestDatabase db) {
            Job discarded = finish(client.enqueue("email.send", Map.of(),
                    EnqueueOptions.defaults().withQueue(nextQueue()).withMaxAttempts(1)), JobState.DISCARDED);
            time.advance(Duration.ofMinutes(10));

            Job retried = client.retry(discarded.id());

            assertThat(retried.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(retried.runAt()).isEqualTo(time.now());
            assertThat(retried.finishedAt()).isNull();
            assertThat(retried.attempt()).as("attempts are history, not reset").isEqualTo(1);
            assertThat(retried.maxAttempts()).isEqualTo(2);
            assertThat(retried.errors()).hasSize(1);
            assertThat(claim(retried).attempt()).isEqualTo(2);
        }

        @Test
        void aJobWithAttemptsLeftKeepsItsBudget() {
            Job discarded = finish(client.enqueue("email.send", Map.of(),
                    EnqueueOptions.defaults().withQueue(nextQueue()).withMaxAttempts(5)), JobState.DISCARDED);

            assertThat(client.retry(discarded.id()).maxAttempts()).isEqualTo(5);
        }

        @Test
        void aCancelledJobIsAvailableAgainWithoutTheCancelFlag() {
            Job cancelled = client.cancel(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withMaxAttempts(3)).id());

            Job retried = client.retry(cancelled.id());

            assertThat(retried.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(retried.cancelRequested()).isFalse();
            assertThat(retried.finishedAt()).isNull();
            assertThat(retried.attempt()).isZero();
            assertThat(retried.maxAttempts()).isEqualTo(3);
        }

        @Test
        void retryableAndScheduledJobsRunNowInsteadOfWaiting() {
            Job retryable = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.RETRYABLE);
            Job scheduled = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ofDays(1)));
            assertThat(retryable.runAt()).isAfter(time.now());

            assertThat(client.retry(retryable.id())).satisfies(j -> {
                assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
                assertThat(j.runAt()).isEqualTo(time.now());
            });
            assertThat(client.retry(scheduled.id()).state()).isEqualTo(JobState.AVAILABLE);
        }

        @Test
        void wakesTheQueuesWorkers(TestDatabase db) throws SQLException {
            Job cancelled = client.cancel(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue("wake")).id());
            try (Connection listener = db.dataSource().getConnection()) {
                try (Statement st = listener.createStatement()) {
                    st.execute("LISTEN \"gantry.job_available\"");
                }

                client.retry(cancelled.id());

                PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(10_000);
                assertThat(got).isNotNull().extracting(PGNotification::getParameter).containsExactly("{\"queue\" : \"wake\"}");
            }
        }

        @Test
        void aRunningJobIsRejected() {
            Job running = claim(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())));

            assertThatThrownBy(() -> client.retry(running.id()))
                    .isInstanceOf(InvalidStateException.class)
                    .hasMessage("job " + running.id() + " is running; only discarded, cancelled, retryable or scheduled"
                            + " jobs can be retried");
            assertThat(client.get(running.id())).contains(running);
        }

        @Test
        void completedAndAvailableJobsAreRejected() {
            Job completed = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.COMPLETED);
            Job available = client.enqueue("email.send", Map.of());

            assertThatThrownBy(() -> client.retry(completed.id()))
                    .isInstanceOf(InvalidStateException.class).hasMessageStartingWith("job " + completed.id() + " is completed;");
            assertThatThrownBy(() -> client.retry(available.id()))
                    .isInstanceOf(InvalidStateException.class).hasMessageStartingWith("job " + available.id() + " is available;");
            assertThat(client.get(completed.id())).contains(completed);
            assertThat(client.get(available.id())).contains(available);
        }

        @Test
        void aJobWhoseUniqueKeyWasTakenMeanwhileIsRejected() {
            EnqueueOptions keyed = EnqueueOptions.defaults().withUniqueKey("invoice:9");
            Job cancelled = client.cancel(client.enqueue("email.send", Map.of(), keyed).id());
            Job successor = client.enqueue("email.send", Map.of(), keyed);

            assertThatThrownBy(() -> client.retry(cancelled.id()))
                    .isInstanceOf(InvalidStateException.class)
                    .hasMessage("job " + cancelled.id() + " cannot be retried: another active job holds its unique key");
            assertThat(client.get(cancelled.id())).contains(cancelled);
            assertThat(client.get(successor.id()).orElseThrow().state()).isEqualTo(JobState.AVAILABLE);
        }

        @Test
        void anAbsentJobIsNotFound() {
            assertThatThrownBy(() -> client.retry(31337)).isInstanceOf(JobNotFoundException.class);
        }
    }

    @Nested
    class Delete {
        @Test
        void removesAJobInAnyStateButRunning(TestDatabase db) {
            Job available = client.enqueue("email.send", Map.of());
            Job scheduled = client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withDelay(Duration.ofHours(1)));
            Job completed = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.COMPLETED);
            Job discarded = finish(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())),
                    JobState.DISCARDED);
            Job cancelled = client.cancel(client.enqueue("email.send", Map.of()).id());

            for (Job j : List.of(available, scheduled, completed, discarded, cancelled)) client.delete(j.id());

            assertThat(db.countJobs()).isZero();
        }

        @Test
        void aRunningJobMustBeCancelledFirst(TestDatabase db) {
            Job running = claim(client.enqueue("email.send", Map.of(), EnqueueOptions.defaults().withQueue(nextQueue())));

            assertThatThrownBy(() -> client.delete(running.id()))
                    .isInstanceOf(InvalidStateException.class)
                    .hasMessage("job " + running.id() + " is running; cancel it before deleting it");
            assertThat(client.get(running.id())).contains(running);
            assertThat(db.countJobs()).isEqualTo(1);
        }

        @Test
        void anAbsentJobIsNotFound() {
            Job job = client.enqueue("email.send", Map.of());
            client.delete(job.id());

            assertThatThrownBy(() -> client.delete(job.id()))
                    .isInstanceOf(JobNotFoundException.class)
                    .hasMessage("job " + job.id() + " not found");
        }

        @Test
        void releasesTheUniqueKey() {
            EnqueueOptions keyed = EnqueueOptions.defaults().withUniqueKey("once");
            Job first = client.enqueue("email.send", Map.of(), keyed);

            client.delete(first.id());

            assertThat(client.enqueue("email.send", Map.of(), keyed).id()).isNotEqualTo(first.id());
        }
    }

    private static String nextQueue() {
        return "q" + queues.incrementAndGet();
    }

    /** Claims the job as the worker would; the job must be the only available one in its queue. */
    private static Job claim(Job job) {
        List<Job> claimed = store.claim(job.queue(), WORKER, 1, Duration.ofMinutes(5));
        assertThat(claimed).extracting(Job::id).containsExactly(job.id());
        return claimed.getFirst();
    }

    /** Runs one attempt of the job to the given outcome through the worker's fenced write. */
    private static Job finish(Job job, JobState outcome) {
        Job running = claim(job);
        String error = outcome == JobState.COMPLETED ? null
                : "{\"attempt\":" + running.attempt() + ",\"at\":\"" + time.now() + "\",\"error\":\"boom\"}";
        long delayMs = outcome == JobState.RETRYABLE ? 60_000 : 0;
        Set<Long> applied = store.applyOutcomes(WORKER, List.of(
                new OutcomeRow(running.id(), running.attempt(), outcome.dbName(), delayMs, error, null, false)));
        assertThat(applied).containsExactly(job.id());
        Job finished = client.get(job.id()).orElseThrow();
        assertThat(finished.state()).isEqualTo(outcome);
        return finished;
    }
}

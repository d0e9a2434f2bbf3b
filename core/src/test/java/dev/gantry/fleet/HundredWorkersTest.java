package dev.gantry.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import dev.gantry.Gantry;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;
import dev.gantry.testing.DedicatedPostgres;
import dev.gantry.testing.FleetProcess;
import dev.gantry.testing.PgBouncer;

/**
 * A hundred workers against one PostgreSQL with max_connections 200 (issue 12): four JVMs host 25
 * workers each (a hundred JVMs would not fit two cores), then drain a backlog with no failed job
 * and no error or warning logged. Directly, the workers of a JVM share one pool of 40 (LISTEN
 * included: 25 of them hold one each); through PgBouncer in transaction mode, with LISTEN off,
 * each keeps its own pool of 4, as separate worker processes do: 400 client connections that
 * PgBouncer serves with 20. Runs alone ({@link Isolated}): it loads both cores. Prints the drain
 * rate and the peak of server connections; docs/benchmarks.md quotes them.
 */
@Isolated
class HundredWorkersTest {
    private static final int JVMS = 4;
    private static final int WORKERS_PER_JVM = 25;
    private static final int CONCURRENCY = 8;
    private static final int JOBS = 20_000;
    private static final int MAX_CONNECTIONS = 200;
    private static DedicatedPostgres pg;

    @BeforeAll
    static void startServer() throws Exception {
        pg = DedicatedPostgres.start("max_connections=" + MAX_CONNECTIONS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) pg.close();
    }

    @Test
    void aHundredWorkersDrainABacklogWithinMaxConnections200() throws Exception {
        String url = pg.url(createDatabase("fleet_direct"));
        drain("direct", url, url, 40, true);
    }

    @Test
    void aHundredWorkersDrainABacklogThroughPgBouncerInTransactionModeWithoutListen() throws Exception {
        Optional<Path> binary = PgBouncer.binary();
        if (!"true".equals(System.getenv("GANTRY_REQUIRE_PGBOUNCER"))) {
            assumeTrue(binary.isPresent(), "pgbouncer is not installed (apt-get install pgbouncer)");
        }
        assertThat(binary).as("pgbouncer (GANTRY_REQUIRE_PGBOUNCER=true)").isPresent();
        String database = createDatabase("fleet_bouncer");
        try (PgBouncer bouncer = PgBouncer.start(binary.get(), pg.port(), 20)) {
            String viaBouncer = "postgres://postgres@127.0.0.1:" + bouncer.port() + "/" + database + "?prepareThreshold=0";
            try {
                drain("pgbouncer", pg.url(database), viaBouncer, 0, false);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + "\npgbouncer's log:\n" + bouncer.log(), e);
            }
        }
    }

    /**
     * Enqueues the backlog directly, starts the fleet at {@code workerUrl} and waits for the
     * drain, sampling the server's connections meanwhile.
     */
    private void drain(String mode, String directUrl, String workerUrl, int sharedPool, boolean listen) throws Exception {
        try (Gantry producer = Gantry.builder().databaseUrl(directUrl).poolSize(2).build()) {
            producer.migrate();
            GantryClient client = producer.client();
            client.declareKind("test.noop");
            for (int from = 0; from < JOBS; from += 1_000) {
                List<JobRequest> batch = new ArrayList<>();
                for (int i = from; i < from + 1_000; i++) batch.add(JobRequest.of("test.noop", Map.of("n", i)));
                client.enqueueMany(batch);
            }
        }
        List<Process> fleet = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + directUrl.substring(directUrl.lastIndexOf('/') + 1),
                "postgres", null)) {
            // The queue stays paused until every worker runs, so that all hundred take part in
            // the drain: otherwise the first JVMs drain it before the last have registered.
            execute(db, "SELECT gantry.pause_queue('default')");
            long t0 = System.nanoTime();
            for (int j = 1; j <= JVMS; j++) {
                Path out = Files.createTempFile("gantry-fleet-" + mode + "-" + j + "-", ".log");
                outputs.add(out);
                fleet.add(FleetProcess.start(workerUrl, "fleet-" + j + "-", WORKERS_PER_JVM, CONCURRENCY, sharedPool,
                        listen, out));
            }
            int peakConnections = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            long registered = 0;
            while (registered < JVMS * WORKERS_PER_JVM) {
                peakConnections = Math.max(peakConnections, clientBackends(db));
                assertAlive(fleet, outputs, deadline);
                Thread.sleep(100);
                // 'paused' once a worker has heard of the pause: its only queue is paused
                registered = count(db, "SELECT count(*) FROM gantry.workers WHERE status IN ('running', 'paused')");
            }
            double startup = (System.nanoTime() - t0) / 1e9;
            assertThat(count(db, "SELECT count(*) FROM gantry.jobs WHERE state = 'available'"))
                    .as("nothing ran while the queue was paused").isEqualTo(JOBS);
            execute(db, "SELECT gantry.resume_queue('default')");
            long t1 = System.nanoTime();
            while (count(db, "SELECT count(*) FROM gantry.jobs WHERE state <> 'completed'") > 0) {
                peakConnections = Math.max(peakConnections, clientBackends(db));
                assertAlive(fleet, outputs, deadline);
                Thread.sleep(100);
            }
            double drain = (System.nanoTime() - t1) / 1e9;
            // From the first claim to the last outcome, as the database saw them: without LISTEN the
            // resume reaches the workers on their next heartbeat, which is not drain time.
            double busy = count(db, "SELECT (extract(epoch FROM max(finished_at) - min(attempted_at)) * 1000)::bigint"
                    + " FROM gantry.jobs") / 1e3;
            int workingWorkers = (int) count(db, "SELECT count(DISTINCT result->>'worker') FROM gantry.jobs");
            System.out.printf("fleet %s: %d workers in %d JVMs registered in %.1f s; %d of them ran %,d jobs in %.1f s"
                    + " from resume, %.1f s first claim to last outcome (%,.0f jobs/s); peak %d server connections"
                    + " (max_connections %d)%n", mode, registered, JVMS, startup, workingWorkers, JOBS, drain, busy,
                    JOBS / busy, peakConnections, MAX_CONNECTIONS);

            assertThat(count(db, "SELECT count(*) FROM gantry.workers WHERE status IN ('running', 'paused')"))
                    .as("workers still up after the drain").isEqualTo(JVMS * WORKERS_PER_JVM);
            assertThat(count(db, "SELECT count(*) FROM gantry.jobs WHERE state = 'completed' AND attempt = 1"
                    + " AND errors = '[]'::jsonb")).isEqualTo(JOBS);
            assertThat(peakConnections).isLessThan(MAX_CONNECTIONS);
            for (int j = 1; j <= JVMS; j++) {
                assertThat(count(db, "SELECT count(*) FROM gantry.workers WHERE id LIKE 'fleet-" + j + "-%'"))
                        .as("workers of JVM %d", j).isEqualTo(WORKERS_PER_JVM);
            }
        } finally {
            for (Process p : fleet) p.destroy();
            for (Process p : fleet) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
        }
        for (Path out : outputs) {
            List<String> problems = Files.readAllLines(out).stream()
                    .filter(l -> l.contains(" ERROR ") || l.contains(" WARN ") || l.contains("Exception")).toList();
            assertThat(problems).as("errors and warnings in %s", out).isEmpty();
            Files.delete(out);
        }
    }

    private static String createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "postgres", null);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    private static int clientBackends(Connection db) throws SQLException {
        return (int) count(db, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
    }

    private static void assertAlive(List<Process> fleet, List<Path> outputs, long deadline) {
        for (int j = 0; j < fleet.size(); j++) {
            assertThat(fleet.get(j).isAlive()).as("fleet JVM %d; its output: %s", j + 1, tail(outputs.get(j))).isTrue();
        }
        assertThat(System.nanoTime()).as("the fleet took over 4 minutes; outputs in %s", outputs).isLessThan(deadline);
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

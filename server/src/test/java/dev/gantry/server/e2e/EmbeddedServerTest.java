package dev.gantry.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gantry.server.testing.GantryJvm;
import dev.gantry.server.testing.Http;

/**
 * The README's first command as a fresh machine runs it: {@code gantry server} with DATABASE_URL
 * unset (here as root, as on these machines), in a new data directory. A job enqueued over REST
 * completes; after a restart on the same directory the job and the admin token are still there.
 */
class EmbeddedServerTest {
    private static final Duration START = Duration.ofSeconds(120);

    @Test
    void zeroConfigServerRunsJobsAndKeepsItsDataAcrossRestarts(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        int port = GantryJvm.freePort();
        Map<String, String> env = Map.of("GANTRY_DATA_DIR", data.toString(), "GANTRY_HTTP_PORT", Integer.toString(port),
                "LOG_FORMAT", "json", "GANTRY_SHUTDOWN_TIMEOUT_MS", "2000");
        Http http = new Http("http://127.0.0.1:" + port);
        String token;
        long jobId;
        try (GantryJvm server = GantryJvm.start(env, "server")) {
            token = server.awaitOutput(START, "Admin token \\(shown once, save it now\\): (gty_\\S+)");
            assertThat(server.output()).contains("starting the embedded PostgreSQL").contains("initializing data directory");
            jobId = http.post("/api/jobs", token, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":20}}").json().path("id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    http.get("/api/jobs/" + jobId, token).json().path("state").asText().equals("completed"));
            assertThat(server.stop(Duration.ofSeconds(30))).isIn(0, 143);
            // The token is printed in the banner, never logged.
            assertThat(server.output().lines().filter(l -> l.startsWith("{")).toList()).isNotEmpty()
                    .noneMatch(l -> l.contains(token));
        }
        assertThat(Files.exists(data.resolve("pgdata"))).isTrue();

        try (GantryJvm again = GantryJvm.start(env, "server")) {
            again.awaitOutput(START, "(Admin tokens exist)");
            assertThat(again.output()).doesNotContain("initializing data directory").contains("Admin tokens exist");
            Http.Response job = http.get("/api/jobs/" + jobId, token);
            assertThat(job.status()).isEqualTo(200);
            assertThat(job.json().path("state").asText()).isEqualTo("completed");
            assertThat(job.json().path("result").path("slept_ms").asInt()).isEqualTo(20);
            again.stop(Duration.ofSeconds(30));
        }
    }

    /** A server killed outright (Docker's SIGKILL after its grace period, the OOM killer) takes its PostgreSQL along. */
    @Test
    void aKilledServersPostgresStopsOnItsOwn(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> env = Map.of("GANTRY_DATA_DIR", data.toString(), "GANTRY_HTTP_PORT",
                Integer.toString(GantryJvm.freePort()), "LOG_FORMAT", "json");
        try (GantryJvm server = GantryJvm.start(env, "server")) {
            server.awaitOutput(START, "(Admin token)");
            ProcessHandle postmaster = postmaster(data);

            server.process.destroyForcibly();

            await().atMost(Duration.ofSeconds(15)).until(() -> !postmaster.isAlive());
        }
    }

    /** Killed while its shutdown waits for a running job: PostgreSQL must not stay behind either. */
    @Test
    void aServerKilledDuringItsShutdownTakesItsPostgresAlong(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        int port = GantryJvm.freePort();
        Map<String, String> env = Map.of("GANTRY_DATA_DIR", data.toString(), "GANTRY_HTTP_PORT", Integer.toString(port),
                "LOG_FORMAT", "json", "GANTRY_SHUTDOWN_TIMEOUT_MS", "120000");
        Http http = new Http("http://127.0.0.1:" + port);
        try (GantryJvm server = GantryJvm.start(env, "server")) {
            String token = server.awaitOutput(START, "Admin token \\(shown once, save it now\\): (gty_\\S+)");
            ProcessHandle postmaster = postmaster(data);
            long id = http.post("/api/jobs", token, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":600000}}").json().path("id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    http.get("/api/jobs/" + id, token).json().path("state").asText().equals("running"));

            server.process.destroy();   // SIGTERM: the shutdown closes HTTP first, then waits for the job
            await().atMost(Duration.ofSeconds(30)).until(() -> refused(port));
            assertThat(server.process.isAlive()).as("still waiting for the job").isTrue();
            assertThat(postmaster.isAlive()).isTrue();
            server.process.destroyForcibly();

            await().atMost(Duration.ofSeconds(15)).until(() -> !postmaster.isAlive());
        }
    }

    private static ProcessHandle postmaster(Path data) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("pgdata/postmaster.pid")).getFirst().strip());
        return ProcessHandle.of(pid).orElseThrow();
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}

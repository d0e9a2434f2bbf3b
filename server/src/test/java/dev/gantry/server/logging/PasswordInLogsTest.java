package dev.gantry.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.server.testing.GantryJvm;
import dev.gantry.server.testing.Http;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * A real {@code gantry server} whose DATABASE_URL carries the password in its query string, as
 * pgjdbc accepts it (url-encoded). Neither the password as written nor as the driver decodes it
 * reaches its output or gantry.worker_logs: not in the startup lines, and not when a job logs it.
 */
@ExtendWith(PostgresExtension.class)
class PasswordInLogsTest {
    /** The local test server trusts 127.0.0.1, so a made-up password connects too. */
    private static final String WRITTEN = "Pa55-%40in-the-query";
    private static final String DECODED = "Pa55-@in-the-query";
    private static final String TOKEN = "gty_password-in-logs-test-token-0123";

    @ParameterizedTest
    @ValueSource(strings = {"json", "pretty"})
    void theDatabasePasswordNeverReachesTheLogs(String format, TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.worker_logs");
        String hostAndDb = db.url().substring(db.url().indexOf('@') + 1);
        String url = "jdbc:postgresql://" + hostAndDb + "?user=" + user(db) + "&password=" + WRITTEN + "&ApplicationName=gantry";
        int port = GantryJvm.freePort();
        Http http = new Http("http://127.0.0.1:" + port);
        try (GantryJvm server = GantryJvm.start(Map.of("DATABASE_URL", url, "GANTRY_HTTP_PORT", Integer.toString(port),
                "LOG_FORMAT", format, "LOG_LEVEL", "debug", "GANTRY_ADMIN_TOKEN", TOKEN), "server")) {
            server.awaitOutput(Duration.ofSeconds(60), "(server started)");
            long id = http.post("/api/jobs", TOKEN, "{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"the pool uses " + DECODED
                    + "\",\"dsn " + url + "\"]}}").json().path("id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    http.get("/api/jobs/" + id, TOKEN).json().path("state").asText().equals("completed"));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    db.queryLong("SELECT count(*) FROM gantry.worker_logs WHERE job_id = " + id
                            + " AND (message LIKE 'the pool uses%' OR message LIKE 'dsn %')") == 2);
            server.stop(Duration.ofSeconds(30));

            assertThat(server.output()).contains("server started", "the pool uses ****", "password=****")
                    .doesNotContain(WRITTEN).doesNotContain(DECODED);
            assertThat(db.queryLong("SELECT count(*) FROM gantry.worker_logs WHERE message LIKE '%Pa55%'")).isZero();
        }
    }

    private static String user(TestDatabase db) {
        String userInfo = db.url().substring("postgres://".length(), db.url().indexOf('@'));
        return userInfo.split(":")[0];
    }
}

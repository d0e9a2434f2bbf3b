package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class QueuesAndTokensCommandTest {

    @Test
    void pausesAndResumesAQueueForEveryWorker(TestDatabase db) {
        db.execute("DELETE FROM gantry.queues");
        Cli cli = new Cli(db);

        assertThat(cli.run("queues", "pause", "mail")).isZero();
        assertThat(cli.out()).contains("mail").contains("yes").contains("cli");
        assertThat(db.queryString("SELECT paused_by FROM gantry.queues WHERE name = 'mail' AND paused_at IS NOT NULL"))
                .isEqualTo("cli");

        assertThat(cli.run("queues", "list", "--json")).isZero();
        JsonNode listed = JsonOutput.tree(cli.out());
        assertThat(listed.findValuesAsText("name")).contains("mail");

        assertThat(cli.run("queues", "resume", "mail")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.queues WHERE name = 'mail' AND paused_at IS NOT NULL")).isZero();

        assertThat(cli.run("queues", "pause", "bad name!")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).startsWith("gantry queues pause: queue:");
    }

    @Test
    void createsListsAndRevokesTokensStoringOnlyTheirDigest(TestDatabase db) {
        db.execute("UPDATE gantry.api_tokens SET revoked_at = now() WHERE revoked_at IS NULL");
        Cli cli = new Cli(db);

        assertThat(cli.run("tokens", "create", "grafana", "--role", "viewer")).isZero();
        String token = cli.out().strip();
        assertThat(token).startsWith("gty_").hasSizeGreaterThan(40);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens WHERE name = 'grafana' AND revoked_at IS NULL"
                + " AND token_sha256 = sha256(convert_to(?, 'UTF8'))", token))
                .isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens WHERE prefix = ?", token)).isZero();

        assertThat(cli.run("tokens", "list")).isZero();
        assertThat(cli.out()).contains("grafana").contains("viewer").contains("live").doesNotContain(token);

        assertThat(cli.run("tokens", "create", "grafana", "--role", "viewer")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.run("tokens", "create", "x", "--role", "root")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);

        assertThat(cli.run("tokens", "revoke", "grafana")).isZero();
        assertThat(cli.run("tokens", "revoke", "grafana")).isEqualTo(GantryCommand.EXIT_NOT_FOUND);
        assertThat(cli.run("tokens", "list", "--all", "--json")).isZero();
        assertThat(JsonOutput.tree(cli.out()).findValuesAsText("name")).contains("grafana");
    }

    @Test
    void printsAUrlThatConnects(TestDatabase db) throws Exception {
        Cli cli = new Cli(db);
        assertThat(cli.run("database-url")).isZero();
        String url = cli.out().strip();
        assertThat(url).startsWith("postgres://").endsWith("/" + db.name());
        dev.gantry.config.DatabaseUrl parsed = dev.gantry.config.DatabaseUrl.parse("url", url);
        try (var c = java.sql.DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password())) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    @Test
    void statsCountJobsPerQueueAndState(TestDatabase db) {
        db.reset();
        db.execute("SELECT gantry.declare_kind('stats.kind')");
        db.execute("SELECT gantry.enqueue('stats.kind', '{}'::jsonb, queue => 'alpha')");
        db.execute("SELECT gantry.enqueue('stats.kind', '{}'::jsonb, queue => 'alpha')");
        db.execute("SELECT gantry.enqueue('stats.kind', '{}'::jsonb, queue => 'beta', run_at => now() + interval '1 hour')");
        Cli cli = new Cli(db);

        assertThat(cli.run("stats")).isZero();
        assertThat(cli.out()).contains("alpha").contains("beta").contains("(all)").contains("1m").contains("24h");

        assertThat(cli.run("stats", "--json")).isZero();
        JsonNode stats = JsonOutput.tree(cli.out());
        assertThat(stats.path("totals").path("available").asLong()).isEqualTo(2);
        assertThat(stats.path("totals").path("scheduled").asLong()).isEqualTo(1);
        assertThat(stats.path("windows")).hasSize(4);
    }
}

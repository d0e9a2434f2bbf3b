package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class LimitsCommandTest {

    @Test
    void setsListsAndDeletesALimitAndEnqueuesUnderIt(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.limits CASCADE");
        db.execute("SELECT gantry.declare_kind('ads.sync')");
        Cli cli = new Cli(db);

        assertThat(cli.run("limits", "set", "acct-1", "--max-running", "4")).isZero();
        assertThat(cli.out()).startsWith("created acct-1").contains("acct-1");
        assertThat(cli.run("limits", "set", "acct-1", "--max-running", "2", "--max-per-period", "100", "--period", "1h")).isZero();
        assertThat(cli.out()).startsWith("replaced acct-1").contains("1h");
        assertThat(db.queryString("SELECT max_running || ' ' || max_per_period || ' ' || period FROM gantry.limits"))
                .isEqualTo("2 100 01:00:00");
        assertThat(cli.run("enqueue", "ads.sync", "--limit-key", "acct-1")).isZero();
        assertThat(db.queryString("SELECT limit_key FROM gantry.jobs")).isEqualTo("acct-1");

        assertThat(cli.run("limits", "list", "--json")).isZero();
        JsonNode listed = JsonOutput.tree(cli.out());
        assertThat(listed.findValuesAsText("key")).containsExactly("acct-1");
        assertThat(cli.run("limits", "list")).isZero();
        assertThat(cli.out()).contains("MAX RUNNING").contains("acct-1");

        assertThat(cli.run("limits", "delete", "acct-1")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.limits")).isZero();
    }

    @Test
    void badInputExitsWithTheFieldAndWritesNothing(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.limits CASCADE");
        db.execute("SELECT gantry.declare_kind('ads.sync')");
        Cli cli = new Cli(db);

        assertThat(cli.run("limits", "set", "k")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).startsWith("gantry limits set: limit:");
        assertThat(cli.run("limits", "set", "k", "--max-per-period", "5", "--period", "5 minutes")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).contains("period");
        assertThat(cli.run("limits", "set", "k", "--max-running", "-3")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).contains("max_running");
        assertThat(cli.run("limits", "set", "a b", "--max-running", "3")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.run("limits", "delete", "nope")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.run("enqueue", "ads.sync", "--limit-key", "a/b")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).contains("limit_key");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.limits")).isZero();
        assertThat(db.countJobs()).isZero();
    }
}

package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class SchedulesCommandTest {

    @Test
    void setsListsPausesResumesAndDeletesASchedule(TestDatabase db) {
        db.execute("TRUNCATE gantry.schedules");
        db.execute("SELECT gantry.declare_kind('stats.refresh')");
        Cli cli = new Cli(db);

        assertThat(cli.run("schedules", "set", "stats", "*/5 * * * *", "stats.refresh", "--args", "{\"full\":true}",
                "--queue", "stats", "--tz", "Europe/Paris", "--tags", "a,b", "--catch-up", "2")).isZero();
        assertThat(cli.out()).startsWith("created stats").contains("*/5 * * * *").contains("Europe/Paris");
        assertThat(db.queryString("SELECT args::text || ' ' || queue || ' ' || array_to_string(tags, ',') || ' ' || catch_up"
                + " FROM gantry.schedules WHERE name = 'stats'")).isEqualTo("{\"full\": true} stats a,b 2");
        assertThat(cli.run("schedules", "set", "stats", "every 1h", "stats.refresh")).isZero();
        assertThat(cli.out()).startsWith("replaced stats");

        assertThat(cli.run("schedules", "list", "--json")).isZero();
        JsonNode listed = JsonOutput.tree(cli.out());
        assertThat(listed.findValuesAsText("name")).containsExactly("stats");
        assertThat(listed.get(0).path("spec").asText()).isEqualTo("every 1h");

        assertThat(cli.run("schedules", "pause", "stats")).isZero();
        assertThat(db.queryString("SELECT paused FROM gantry.schedules")).isEqualTo("t");
        assertThat(cli.run("schedules", "resume", "stats")).isZero();
        assertThat(db.queryString("SELECT paused FROM gantry.schedules")).isEqualTo("f");
        assertThat(cli.run("schedules", "delete", "stats")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.schedules")).isZero();
    }

    @Test
    void badInputExitsWithTheFieldAndWritesNothing(TestDatabase db) {
        db.execute("TRUNCATE gantry.schedules");
        db.execute("SELECT gantry.declare_kind('stats.refresh')");
        Cli cli = new Cli(db);

        assertThat(cli.run("schedules", "set", "s", "every 5", "stats.refresh")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).startsWith("gantry schedules set: spec:");
        assertThat(cli.run("schedules", "set", "s", "0 * * * *", "stats.refresh", "--tz", "Nowhere")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.err()).contains("timezone");
        assertThat(cli.run("schedules", "set", "s", "0 * * * *", "stats.refresh", "--args", "[1")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.run("schedules", "pause", "nope")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(cli.run("schedules", "delete", "nope")).isEqualTo(GantryCommand.EXIT_BAD_INPUT);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.schedules")).isZero();
    }
}

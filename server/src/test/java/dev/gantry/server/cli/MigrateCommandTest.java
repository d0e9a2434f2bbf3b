package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import picocli.CommandLine;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class MigrateCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = GantryCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void migratesAnEmptySchemaAndPrintsWhatItApplied(TestDatabase db) {
        int code = run("migrate", "--database-url", db.url(), "--schema", "fresh");

        assertThat(code).isZero();
        long applied = out.toString().lines().filter(l -> l.startsWith("applied ")).count();
        assertThat(out.toString()).contains("applied 001 create schema").contains("applied 002 control plane")
                .contains("applied 005 queues").contains("applied R sql api").contains("applied R control api")
                .contains("schema fresh migrated (" + applied + " applied)");
        assertThat(db.queryLong("SELECT count(*) FROM fresh.jobs")).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void secondRunAppliesNothing(TestDatabase db) {
        int code = run("migrate", "--database-url", db.url());

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("schema gantry is up to date\n");
    }

    @Test
    void badUrlExitsOneWithOneLineNamingTheSetting() {
        int code = run("migrate", "--database-url", "mysql://root@localhost/db");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("gantry migrate: --database-url: must start with postgres://");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unreachableDatabaseExitsOneWithOneLineAndNoPassword() {
        int code = run("migrate", "--database-url", "postgres://app:s3cret@127.0.0.1:1/app");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("gantry migrate: cannot migrate jdbc:postgresql://127.0.0.1:1/app")
                .doesNotContain("s3cret");
    }

    @Test
    void badSchemaNameIsRejectedBeforeConnecting(TestDatabase db) {
        int code = run("migrate", "--database-url", db.url(), "--schema", "Robert'); DROP TABLE x;--");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().contains("schema: must be a lowercase identifier");
    }
}

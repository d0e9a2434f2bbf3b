package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Renders the migrated schema from pg_catalog and compares it with the committed
 * {@code schema.snapshot}, so every schema change shows up in review as a diff. After an
 * intended change: {@code ./mvnw -pl core test -Dtest=SchemaSnapshotTest -Dgantry.updateSnapshot=true}.
 */
@ExtendWith(PostgresExtension.class)
class SchemaSnapshotTest {
    private static final Path SNAPSHOT = Path.of("src/test/resources/schema.snapshot");

    private static final String[][] SECTIONS = {
        {"columns", """
            SELECT table_name || '.' || column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
                   || coalesce(' default ' || column_default, '')
              FROM information_schema.columns
             WHERE table_schema = 'gantry' AND table_name <> 'flyway_schema_history'
             ORDER BY table_name, ordinal_position"""},
        {"table options", """
            SELECT c.relname || ' ' || array_to_string(c.reloptions, ', ')
              FROM pg_class c WHERE c.relnamespace = 'gantry'::regnamespace AND c.reloptions IS NOT NULL
             ORDER BY 1"""},
        {"constraints", """
            SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'gantry'::regnamespace AND conrelid::regclass::text NOT LIKE '%flyway%'
             ORDER BY 1"""},
        {"indexes", """
            SELECT indexdef FROM pg_indexes WHERE schemaname = 'gantry' AND tablename <> 'flyway_schema_history'
             ORDER BY indexname"""},
        {"functions", """
            SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ') returns ' || pg_get_function_result(p.oid)
              FROM pg_proc p WHERE p.pronamespace = 'gantry'::regnamespace ORDER BY 1"""},
        {"triggers", """
            SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = 'gantry'::regnamespace AND NOT t.tgisinternal ORDER BY 1"""},
    };

    @Test
    void migratedSchemaMatchesTheSnapshot(TestDatabase db) throws SQLException, IOException {
        String actual = render(db);

        if (Boolean.getBoolean("gantry.updateSnapshot")) Files.writeString(SNAPSHOT, actual);

        assertThat(actual).as("schema changed: review the diff, then update the snapshot (see class comment)")
                .isEqualTo(Files.readString(SNAPSHOT));
    }

    private static String render(TestDatabase db) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String[] section : SECTIONS) {
                out.append("## ").append(section[0]).append('\n');
                try (ResultSet rs = st.executeQuery(section[1])) {
                    while (rs.next()) out.append(rs.getString(1)).append('\n');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }
}

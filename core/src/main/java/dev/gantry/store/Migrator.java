package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

import dev.gantry.config.SchemaName;
import dev.gantry.error.GantryException;

/**
 * Creates or upgrades Gantry's schema with Flyway. The history table lives inside Gantry's own
 * schema, so an application's Flyway history is untouched.
 */
public final class Migrator {
    /** The schema_compat level this code works with; see V001. */
    public static final int SUPPORTED_COMPAT = 1;
    static final String HISTORY_TABLE = "flyway_schema_history";
    /** The installed schema's compat level. */
    static final String SCHEMA_COMPAT = "SELECT gantry.schema_compat()";

    private final Db db;
    private final SchemaName schema;

    public Migrator(Db db, SchemaName schema) {
        this.db = db;
        this.schema = schema;
    }

    /** One applied migration. */
    public record Applied(String version, String description) {
    }

    /** Applies pending migrations; returns those applied now (empty when up to date). */
    public List<Applied> migrate() {
        FluentConfiguration config = Flyway.configure(Migrator.class.getClassLoader());
        ModuleMigrations inModule = ModuleMigrations.ofGantryModule();
        if (inModule != null) config = config.resourceProvider(inModule);
        Flyway flyway = config
                .dataSource(db.dataSource())
                .schemas(schema.value())
                .defaultSchema(schema.value())
                .createSchemas(true)
                .table(HISTORY_TABLE)
                .locations("classpath:db/migration")
                .placeholders(Map.of("schema", schema.value()))
                .loggers("slf4j")
                .load();
        MigrateResult result = flyway.migrate();
        return result.migrations.stream()
                .map(m -> new Applied(m.version == null || m.version.isEmpty() ? "R" : m.version, m.description))
                .toList();
    }

    /** Fails with one clear line when the schema is missing or newer than this code understands. */
    public void checkCompatible() {
        int compat = db.withConnection("read schema compat level", conn -> {
            try (PreparedStatement ps = NamedSql.parse(SCHEMA_COMPAT, schema.value()).prepare(conn, Map.of());
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                if ("42883".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                    throw new GantryException("schema \"" + schema + "\" is not installed: run `gantry migrate` first");
                }
                throw e;
            }
        });
        if (compat != SUPPORTED_COMPAT) {
            throw new GantryException("schema \"" + schema + "\" has compat level " + compat
                    + " but this Gantry needs level " + SUPPORTED_COMPAT + ": upgrade Gantry or migrate");
        }
    }
}

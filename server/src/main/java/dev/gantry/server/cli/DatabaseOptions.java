package dev.gantry.server.cli;

import picocli.CommandLine.Option;

import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.embedded.EmbeddedDatabase;
import dev.gantry.config.SchemaName;

/** The database flags shared by commands that talk to PostgreSQL directly. */
final class DatabaseOptions {
    @Option(names = "--database-url", paramLabel = "URL",
            description = "postgres://user:pass@host:port/db or jdbc:postgresql://...; default: $DATABASE_URL")
    String databaseUrl;

    @Option(names = "--schema", paramLabel = "NAME", defaultValue = "${env:GANTRY_SCHEMA:-gantry}",
            description = "PostgreSQL schema Gantry lives in (default: $GANTRY_SCHEMA or gantry)")
    String schema;

    /**
     * The URL from the flag, else DATABASE_URL, else the embedded database a {@code gantry server}
     * keeps in GANTRY_DATA_DIR (so the CLI works beside a zero-config server); validated, and a
     * ConfigException naming the setting otherwise.
     */
    DatabaseUrl url() {
        String value = databaseUrl != null ? databaseUrl : System.getenv("DATABASE_URL");
        if (value != null && !value.isBlank()) return DatabaseUrl.parse(setting(), value);
        java.nio.file.Path dir = EmbeddedDatabase.defaultDataDir();
        return EmbeddedDatabase.urlOf(dir).orElseThrow(() -> new ConfigException(setting(),
                "is not set, and " + dir + " holds no embedded database of `gantry server`"));
    }

    /** The name an operator set the URL under, for error lines. */
    String setting() {
        return databaseUrl != null ? "--database-url" : "DATABASE_URL";
    }

    /** The schema, validated; a bad name is a configuration error naming the flag. */
    SchemaName schemaName() {
        try {
            return new SchemaName(schema);
        } catch (InvalidInputException e) {
            throw new ConfigException("--schema", e.reason());
        }
    }

    /** Opens the database for one command: a small pool that fails at once when PostgreSQL is unreachable. */
    Database open() {
        return Database.open(this);
    }
}

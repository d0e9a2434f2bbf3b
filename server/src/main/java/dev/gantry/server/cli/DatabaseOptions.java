package dev.gantry.server.cli;

import picocli.CommandLine.Option;

import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;

/** The database flags shared by commands that talk to PostgreSQL directly. */
final class DatabaseOptions {
    @Option(names = "--database-url", paramLabel = "URL",
            description = "postgres://user:pass@host:port/db or jdbc:postgresql://...; default: $DATABASE_URL")
    String databaseUrl;

    @Option(names = "--schema", paramLabel = "NAME", defaultValue = "${env:GANTRY_SCHEMA:-gantry}",
            description = "PostgreSQL schema Gantry lives in (default: $GANTRY_SCHEMA or gantry)")
    String schema;

    /** The URL from the flag or DATABASE_URL, validated; throws ConfigException naming the setting. */
    String url() {
        String setting = databaseUrl != null ? "--database-url" : "DATABASE_URL";
        String value = databaseUrl != null ? databaseUrl : System.getenv("DATABASE_URL");
        if (value == null || value.isBlank()) throw new ConfigException(setting, "is not set");
        DatabaseUrl.parse(setting, value);
        return value;
    }
}

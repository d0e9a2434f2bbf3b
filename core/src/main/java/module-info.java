/**
 * Gantry core: durable background jobs on PostgreSQL. Exports only the public API (see
 * docs/library.md): the {@link dev.gantry.Gantry} facade and the packages of clients, jobs,
 * configuration, events, errors, time, statistics and health. Everything else (store, worker,
 * control, notify, maintenance, lifecycle, backend) is internal and not reachable from outside.
 */
module dev.gantry.core {
    exports dev.gantry;
    exports dev.gantry.client;
    exports dev.gantry.config;
    exports dev.gantry.error;
    exports dev.gantry.event;
    exports dev.gantry.health;
    exports dev.gantry.job;
    exports dev.gantry.stats;
    exports dev.gantry.time;

    // In the public API's signatures: Connection/DataSource, ObjectMapper, Logger.
    requires transitive java.sql;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.slf4j;

    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires flyway.database.postgresql;
    requires com.cronutils;
}

package dev.gantry.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.gantry.config.DatabaseUrl;

/**
 * The PostgreSQL server tests use: {@code GANTRY_TEST_DATABASE_URL}, else 127.0.0.1:5432, else
 * an embedded one started once per JVM ({@code GANTRY_TEST_EMBEDDED=true} goes straight there). Hands out fresh databases cloned from a template that
 * was migrated once (CREATE DATABASE ... TEMPLATE), so test classes can run in parallel.
 */
public final class PostgresServer {
    private static final Object LOCK = new Object();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static PostgresServer instance;

    private final String baseUrl;
    private final String user;
    private final String password;
    private final String template;

    private PostgresServer(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
        this.template = "gantry_template_" + ProcessHandle.current().pid();
    }

    public static PostgresServer get() {
        synchronized (LOCK) {
            if (instance == null) {
                instance = locate();
                instance.createTemplate();
                Runtime.getRuntime().addShutdownHook(new Thread(instance::dropTemplate));
            }
            return instance;
        }
    }

    private static PostgresServer locate() {
        String env = System.getenv("GANTRY_TEST_DATABASE_URL");
        if (env != null && !env.isBlank()) {
            DatabaseUrl u = DatabaseUrl.parse("GANTRY_TEST_DATABASE_URL", env);
            return new PostgresServer(serverUrl(u.jdbcUrl()), u.user(), u.password());
        }
        if ("true".equals(System.getenv("GANTRY_TEST_EMBEDDED"))) return embedded();
        String local = "jdbc:postgresql://127.0.0.1:5432/";
        try (Connection c = DriverManager.getConnection(local + "postgres", "postgres", null)) {
            return new PostgresServer(local, "postgres", null);
        } catch (SQLException e) {
            return embedded();
        }
    }

    private static PostgresServer embedded() {
        if (RootEmbeddedPostgres.runningAsRoot()) {
            try {
                return new PostgresServer("jdbc:postgresql://127.0.0.1:" + RootEmbeddedPostgres.start() + "/", "postgres", null);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("no PostgreSQL at GANTRY_TEST_DATABASE_URL or 127.0.0.1:5432, "
                        + "and the embedded one did not start as user nobody: " + e.getMessage(), e);
            }
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new PostgresServer("jdbc:postgresql://localhost:" + pg.getPort() + "/", "postgres", null);
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL at GANTRY_TEST_DATABASE_URL or 127.0.0.1:5432, "
                    + "and the embedded one did not start: " + e.getMessage(), e);
        }
    }

    private static String serverUrl(String jdbcUrl) {
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        return jdbcUrl.substring(0, slash + 1);
    }

    public String jdbcUrl(String database) {
        return baseUrl + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    Connection admin() throws SQLException {
        return DriverManager.getConnection(jdbcUrl("postgres"), user, password);
    }

    private void createTemplate() {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + template);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create template database: " + e.getMessage(), e);
        }
        TestDatabase.migrate(this, template);
    }

    private void dropTemplate() {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // best effort at JVM exit
        }
    }

    /** A new database with the migrated schema. */
    public String createDatabase(String hint) {
        String full = "gantry_t_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet() + "_"
                + hint.toLowerCase().replaceAll("[^a-z0-9]", "");
        String name = full.substring(0, Math.min(63, full.length()));
        synchronized (LOCK) {
            try (Connection c = admin(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
            }
        }
        return name;
    }

    public void dropDatabase(String name) {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }
}

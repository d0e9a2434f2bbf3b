package dev.gantry.testing;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of a test's own, with settings the shared one lacks (a test that needs
 * {@code max_connections} 200 cannot take them from the server other classes share). zonky's
 * binaries, run as nobody when the tests run as root (see {@link RootEmbeddedPostgres}).
 */
public final class DedicatedPostgres implements AutoCloseable {
    private final int port;
    private final AutoCloseable server;

    private DedicatedPostgres(int port, AutoCloseable server) {
        this.port = port;
        this.server = server;
    }

    /** @param settings server settings, each "name=value" */
    public static DedicatedPostgres start(String... settings) throws IOException, InterruptedException {
        if (RootEmbeddedPostgres.runningAsRoot()) {
            RootEmbeddedPostgres.Server s = RootEmbeddedPostgres.startServer(settings);
            return new DedicatedPostgres(s.port(), s);
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            builder.setServerConfig(setting.substring(0, eq), setting.substring(eq + 1));
        }
        EmbeddedPostgres pg = builder.start();
        return new DedicatedPostgres(pg.getPort(), pg);
    }

    public int port() {
        return port;
    }

    /** A postgres:// URL for one of its databases, as user postgres (trust authentication). */
    public String url(String database) {
        return "postgres://postgres@127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}

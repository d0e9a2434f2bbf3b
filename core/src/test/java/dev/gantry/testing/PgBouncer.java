package dev.gantry.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PgBouncer (Debian's {@code pgbouncer} package) in transaction mode in front of one server,
 * started by a test: trust authentication, as nobody when the tests run as root (PgBouncer
 * refuses root). Its configuration and log live in a temporary directory, deleted on close.
 */
public final class PgBouncer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private PgBouncer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** The pgbouncer executable, if installed (PATH, then /usr/sbin). */
    public static Optional<Path> binary() {
        List<Path> places = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (!d.isEmpty()) places.add(Path.of(d));
        places.add(Path.of("/usr/sbin"));
        return places.stream().map(d -> d.resolve("pgbouncer")).filter(Files::isExecutable).findFirst();
    }

    /**
     * @param serverPort the PostgreSQL server's port on 127.0.0.1
     * @param serverConnections default_pool_size: server connections per database and user
     */
    public static PgBouncer start(Path binary, int serverPort, int serverConnections) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gantry-pgbouncer");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path users = Files.writeString(dir.resolve("userlist.txt"), "\"postgres\" \"\"\n");
        Path ini = Files.writeString(dir.resolve("pgbouncer.ini"), """
                [databases]
                * = host=127.0.0.1 port=%d
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                auth_file = %s
                pool_mode = transaction
                default_pool_size = %d
                max_client_conn = 2000
                ignore_startup_parameters = extra_float_digits
                logfile = %s
                """.formatted(serverPort, port, users, serverConnections, dir.resolve("pgbouncer.log")));
        List<String> command = RootEmbeddedPostgres.runningAsRoot()
                ? RootEmbeddedPostgres.asNobodyCommand(binary.toString(), ini.toString())
                : List.of(binary.toString(), ini.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        PgBouncer bouncer = new PgBouncer(p, dir, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return bouncer;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String log = bouncer.log();
                    bouncer.close();
                    throw new IOException("pgbouncer did not start: " + log);
                }
                Thread.sleep(50);
            }
        }
    }

    public int port() {
        return port;
    }

    /** What PgBouncer logged, for a failure message. */
    public String log() {
        StringBuilder out = new StringBuilder();
        for (String f : List.of("stdout.log", "pgbouncer.log")) {
            try {
                out.append(Files.readString(dir.resolve(f)));
            } catch (IOException ignored) {
                // not written yet
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory may stay behind
        }
    }
}

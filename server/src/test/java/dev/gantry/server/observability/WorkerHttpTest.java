package dev.gantry.server.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.http.SecurityHeaders;
import dev.gantry.server.settings.SettingsLoader;
import dev.gantry.server.settings.WorkerSettings;
import dev.gantry.server.testing.GantryJvm;
import dev.gantry.server.testing.Http;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * A worker's /health and /metrics listen on GANTRY_HTTP_HOST: with 127.0.0.1 they answer on this
 * machine only, refused on its other addresses; by default on every interface, as probes from
 * outside a container need. Their answers carry the server's security headers.
 */
@ExtendWith(PostgresExtension.class)
class WorkerHttpTest {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void onLoopbackAWorkersHealthAnswersThisMachineOnlyWithTheSecurityHeaders(TestDatabase db) throws IOException {
        int port = GantryJvm.freePort();
        try (GantryJvm worker = GantryJvm.start(env(db, port, "127.0.0.1"), "worker")) {
            worker.awaitOutput(START, "(health and metrics listening)");

            Http http = new Http("http://127.0.0.1:" + port);
            assertThat(http.get("/health", null).status()).isEqualTo(200);
            for (String path : new String[] {"/health", "/metrics"}) {
                Http.Response r = http.get(path, null);
                SecurityHeaders.ALL.forEach((name, value) -> assertThat(r.header(name)).as(path + " " + name).isEqualTo(value));
            }
            InetAddress other = otherAddress().orElse(null);
            assumeTrue(other != null, "this machine has an address besides loopback");
            assertThatThrownBy(() -> connect(other, port)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void byDefaultItAnswersOnEveryInterface(TestDatabase db) throws IOException {
        InetAddress other = otherAddress().orElse(null);
        assumeTrue(other != null, "this machine has an address besides loopback");
        int port = GantryJvm.freePort();
        try (GantryJvm worker = GantryJvm.start(env(db, port, null), "worker")) {
            worker.awaitOutput(START, "(health and metrics listening)");

            connect(other, port);
        }
    }

    @Test
    void aHostThatIsNoAddressIsAConfigurationError() {
        SettingsLoader loader = new SettingsLoader(Map.of("DATABASE_URL", "postgres://u@h/db", "GANTRY_HTTP_HOST", "not a host!"),
                Map.of()).load(WorkerSettings.ALL);

        assertThat(loader.errors()).containsExactly("GANTRY_HTTP_HOST: must be a host name or IP address, got \"not a host!\"");
        assertThat(new SettingsLoader(Map.of("DATABASE_URL", "postgres://u@h/db"), Map.of()).load(WorkerSettings.ALL)
                .get(WorkerSettings.HTTP_HOST)).isEqualTo("0.0.0.0");
    }

    private static Map<String, String> env(TestDatabase db, int port, String host) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", db.url(), "GANTRY_HTTP_PORT", Integer.toString(port),
                "LOG_FORMAT", "json", "GANTRY_SHUTDOWN_TIMEOUT_MS", "1000"));
        if (host != null) env.put("GANTRY_HTTP_HOST", host);
        return env;
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5_000);
        }
    }

    /** An IPv4 address of this machine that is not loopback. */
    private static Optional<InetAddress> otherAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    }
}

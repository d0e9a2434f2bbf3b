package dev.gantry.notify;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on one dedicated connection (thread {@code gantry-listener}) and fans notifications
 * out to subscribers. Once listening it tells every subscriber to look again (payload null):
 * notifications sent before the LISTEN, while the worker was starting, were not received. On
 * connection loss it reconnects with capped backoff, re-LISTENs and does the same.
 */
public final class PostgresNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(PostgresNotifier.class);
    private static final int RECEIVE_TIMEOUT_MS = 500;

    private final DataSource dataSource;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;

    public PostgresNotifier(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void subscribe(String channel, Consumer<String> onPayload) {
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(onPayload);
    }

    @Override
    public synchronized void start() {
        if (thread != null) return;
        running = true;
        thread = Thread.ofPlatform().daemon().name("gantry-listener").start(this::run);
    }

    private void run() {
        long backoffMs = 100;
        boolean reconnecting = false;
        while (running) {
            try (Connection conn = dataSource.getConnection()) {
                connection = conn;
                conn.setAutoCommit(true);
                try (Statement st = conn.createStatement()) {
                    for (String channel : subscribers.keySet()) st.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                }
                if (reconnecting) log.atInfo().setMessage("listener reconnected").log();
                broadcastLookAgain();
                backoffMs = 100;
                PGConnection pg = conn.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(RECEIVE_TIMEOUT_MS);
                    if (batch == null) continue;
                    for (PGNotification n : batch) dispatch(n.getName(), n.getParameter());
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) break;
                reconnecting = true;
                log.atWarn().setMessage("listener connection lost, reconnecting")
                        .addKeyValue("retry_in_ms", backoffMs).addKeyValue("error", e.getMessage()).log();
                broadcastLookAgain();
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoffMs = Math.min(backoffMs * 2, 5_000);
            } finally {
                connection = null;
            }
        }
    }

    private void dispatch(String channel, String payload) {
        for (Consumer<String> s : subscribers.getOrDefault(channel, List.of())) {
            try {
                s.accept(payload);
            } catch (RuntimeException e) {
                log.atWarn().setMessage("notification subscriber failed").addKeyValue("channel", channel).setCause(e).log();
            }
        }
    }

    private void broadcastLookAgain() {
        subscribers.keySet().forEach(channel -> dispatch(channel, null));
    }

    @Override
    public void stop(Duration timeout) {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t == null) return;
        try {
            if (!t.join(timeout.plusMillis(RECEIVE_TIMEOUT_MS * 2L))) {
                Connection c = connection;
                if (c != null) c.close();
                t.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            log.atDebug().setMessage("closing listener connection failed").setCause(e).log();
        }
    }
}

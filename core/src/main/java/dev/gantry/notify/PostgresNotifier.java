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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.lifecycle.Component;
import dev.gantry.lifecycle.RestartingLoop;

/**
 * LISTENs on one dedicated connection (its own named thread) and fans notifications out to
 * subscribers. Once listening it tells every subscriber to look again (payload null):
 * notifications sent before the LISTEN, while the process was starting, were not received. A
 * lost connection is reported through its {@link Component}; it reconnects after a backoff of
 * at most {@link #MAX_BACKOFF_MS}, LISTENs again and tells subscribers to look again.
 */
public final class PostgresNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(PostgresNotifier.class);
    private static final int RECEIVE_TIMEOUT_MS = 500;
    /** Longest pause between reconnects: wake-ups should resume soon after the database is back. */
    static final long MAX_BACKOFF_MS = 5_000;

    private final DataSource dataSource;
    private final String threadName;
    private final Component component;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;

    public PostgresNotifier(DataSource dataSource, String threadName, Component component) {
        this.dataSource = dataSource;
        this.threadName = threadName;
        this.component = component;
    }

    @Override
    public void subscribe(String channel, Consumer<String> onPayload) {
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(onPayload);
    }

    @Override
    public synchronized void start() {
        if (thread != null) return;
        running = true;
        component.up();
        thread = Thread.ofPlatform().daemon().name(threadName)
                .start(() -> RestartingLoop.run(component, () -> !running, this::listen, MAX_BACKOFF_MS));
    }

    /** One connection's life: LISTEN, then deliver until it fails (throws) or the notifier stops (returns). */
    private void listen() throws SQLException {
        try (Connection conn = dataSource.getConnection()) {
            connection = conn;
            conn.setAutoCommit(true);
            try (Statement st = conn.createStatement()) {
                for (String channel : subscribers.keySet()) st.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
            }
            component.up();
            broadcastLookAgain();
            var pg = conn.unwrap(org.postgresql.PGConnection.class);
            while (running) {
                var batch = pg.getNotifications(RECEIVE_TIMEOUT_MS);
                if (batch == null) continue;
                for (var n : batch) dispatch(n.getName(), n.getParameter());
            }
        } catch (SQLException | RuntimeException e) {
            // Whatever arrived after the last notification received is lost: subscribers look again.
            if (running) broadcastLookAgain();
            throw e;
        } finally {
            connection = null;
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
        component.stopped();
    }
}

package dev.gantry.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.client.Subscription;
import dev.gantry.lifecycle.Component;
import dev.gantry.notify.PostgresNotifier;

/**
 * The notifications the client side reads (job events, shipped log batches), from one LISTEN
 * connection per Gantry, opened by the first subscriber and closed with the Gantry. A subscriber
 * gets each payload, and null after each (re)connect: notifications may have been missed.
 */
public final class NotificationHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationHub.class);

    private final PostgresNotifier notifier;
    private final Map<String, List<Consumer<String>>> subscribers;
    private boolean started;
    private boolean closed;

    /** @param channels every channel any subscriber may ask for: LISTEN happens once, at connect */
    public NotificationHub(DataSource dataSource, List<String> channels, Component component) {
        this.notifier = new PostgresNotifier(dataSource, "gantry-api-listener", component);
        Map<String, List<Consumer<String>>> map = new java.util.HashMap<>();
        for (String c : channels) {
            List<Consumer<String>> list = new CopyOnWriteArrayList<>();
            map.put(c, list);
            notifier.subscribe(c, payload -> deliver(c, list, payload));
        }
        this.subscribers = Map.copyOf(map);
    }

    private static void deliver(String channel, List<Consumer<String>> list, String payload) {
        for (Consumer<String> s : list) {
            try {
                s.accept(payload);
            } catch (RuntimeException e) {
                log.atWarn().setMessage("notification subscriber failed").addKeyValue("channel", channel).setCause(e).log();
            }
        }
    }

    public Subscription subscribe(String channel, Consumer<String> onPayload) {
        List<Consumer<String>> list = subscribers.get(channel);
        if (list == null) throw new IllegalArgumentException("not a channel of this hub: " + channel);
        synchronized (this) {
            if (closed) throw new IllegalStateException("this Gantry is closed");
            list.add(onPayload);
            if (!started) {
                notifier.start();
                started = true;
            }
        }
        return () -> list.remove(onPayload);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (!started) return;
        }
        notifier.stop(Duration.ofSeconds(2));
    }
}

package dev.gantry.notify;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Delivers nothing: for poolers such as PgBouncer in transaction mode, where LISTEN does not
 * work. Workers then rely on their poll interval alone.
 */
public final class PollingNotifier implements Notifier {
    @Override
    public void subscribe(String channel, Consumer<String> onPayload) {
    }

    @Override
    public void start() {
    }

    @Override
    public void stop(Duration timeout) {
    }
}

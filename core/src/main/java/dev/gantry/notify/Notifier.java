package dev.gantry.notify;

import java.util.function.Consumer;

import dev.gantry.lifecycle.Service;

/**
 * Delivers database notifications to subscribers. Subscribers are called on the notifier's
 * thread and must return quickly (typically they just wake a fetcher).
 */
public interface Notifier extends Service {
    /**
     * Subscribes to a channel. {@code onPayload} gets each payload; it also gets {@code null}
     * once listening and after each reconnect, meaning "notifications may have been missed, look again".
     */
    void subscribe(String channel, Consumer<String> onPayload);
}

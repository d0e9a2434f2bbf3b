package dev.gantry.server.sse;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.javalin.http.sse.SseClient;

/**
 * One connected stream client. Events are queued (bounded) and sent by the session's own
 * virtual thread, so a slow client never holds up the hub or other clients. A client that
 * falls {@link #CAPACITY} events behind gets a {@code reset} event and is disconnected: it
 * reconnects, refetches what it shows, and follows again.
 */
public final class SseSession implements EventSink {
    static final int CAPACITY = 2_000;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final SseClient client;
    private final Function<SseEvent, SseEvent> filter;
    private final BlockingQueue<SseEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
    private volatile boolean overflowed;
    private volatile Runnable onEnd = () -> { };

    /** {@code filter} returns the event as this client should see it, or null to skip it. */
    public SseSession(SseClient client, Function<SseEvent, SseEvent> filter) {
        this.client = client;
        this.filter = filter;
    }

    /** Starts sending; {@code onEnd} runs once when the client goes away. */
    public void start(String name, Runnable onEnd) {
        this.onEnd = onEnd;
        client.onClose(onEnd);
        Thread.ofVirtual().name(name).start(this::run);
    }

    /** Queues an event; never blocks. */
    @Override
    public void offer(SseEvent e) {
        if (overflowed) return;
        if (!queue.offer(e)) overflowed = true;
    }

    public boolean closed() {
        return client.terminated();
    }

    private void run() {
        try {
            while (!client.terminated()) {
                if (overflowed) {
                    queue.clear();
                    client.sendEvent("reset", Map.of("reason", "this client fell more than " + CAPACITY
                            + " events behind; reload and reconnect"));
                    client.close();
                    break;
                }
                SseEvent e = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (client.terminated()) break;
                if (e == null) {
                    client.sendComment("keep-alive");
                    continue;
                }
                SseEvent shown = filter.apply(e);
                if (shown != null) client.sendEvent(shown.type(), shown.data(), shown.id());
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            client.close();
        } finally {
            onEnd.run();
        }
    }
}

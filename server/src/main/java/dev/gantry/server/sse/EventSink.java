package dev.gantry.server.sse;

/** Where the {@link EventHub} delivers: a stream client's session. */
public interface EventSink {
    /** Takes an event; must never block the hub. */
    void offer(SseEvent e);
}

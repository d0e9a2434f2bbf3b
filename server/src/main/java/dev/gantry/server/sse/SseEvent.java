package dev.gantry.server.sse;

/** One event of a stream: its id for resumption (Last-Event-ID), its SSE event name, and its data. */
public record SseEvent(String id, String type, Object data) {
}

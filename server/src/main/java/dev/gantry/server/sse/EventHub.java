package dev.gantry.server.sse;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.gantry.client.ChangeFeed;
import dev.gantry.client.ChangeListener;
import dev.gantry.client.CommandDelivery;
import dev.gantry.client.Subscription;
import dev.gantry.client.Worker;
import dev.gantry.event.JobStateChange;
import dev.gantry.server.api.WorkerView;

/**
 * The source of {@code /api/events}: the library's {@link ChangeFeed} (job state changes, worker
 * and command changes) turned into stream events. Every event gets an id {@code <epoch>-<seq>};
 * the last {@link #HISTORY} are kept so a client that reconnects with Last-Event-ID gets what it
 * missed, or a {@code reset} event when that is no longer possible (too old, or another server
 * process).
 */
public final class EventHub implements AutoCloseable {
    static final int HISTORY = 10_000;

    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    private final ArrayDeque<SseEvent> history = new ArrayDeque<>();
    private final List<SseSession> sessions = new CopyOnWriteArrayList<>();
    private final Subscription subscription;
    private long seq;

    /** A command copy changed: created, acknowledged, failed or expired. */
    public record CommandEvent(long id, Long broadcastId, String workerId, String command, @JsonRawValue String payload,
                               String status, String error, Instant createdAt, Instant processedAt) {
        static CommandEvent of(CommandDelivery c) {
            return new CommandEvent(c.id(), c.broadcastId(), c.workerId(), c.command(), c.payloadJson(), c.status(),
                    c.error(), c.createdAt(), c.processedAt());
        }
    }

    /** Subscribes to the feed, which takes its first picture of workers and commands first, so every later change is an event. */
    public EventHub(ChangeFeed feed) {
        subscription = feed.subscribe(new ChangeListener() {
            @Override
            public void jobs(List<JobStateChange> changes) {
                publish("jobs", Map.of("events", changes.stream().map(JobEvent::of).toList()));
            }

            @Override
            public void worker(Worker w) {
                publish("worker", WorkerView.of(w, Instant.now()));
            }

            @Override
            public void workerRemoved(String workerId) {
                publish("worker_removed", Map.of("id", workerId));
            }

            @Override
            public void command(CommandDelivery c) {
                publish("command", CommandEvent.of(c));
            }

            @Override
            public void gap(String reason) {
                publish("reset", Map.of("reason", "the server's database listener reconnected; job events may have been missed"));
            }
        });
    }

    @Override
    public void close() {
        subscription.close();
    }

    /** Adds a client; replays what it missed since {@code lastEventId} (null: nothing) or sends it a reset. */
    public synchronized void subscribe(SseSession s, String lastEventId) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            Long after = seqOf(lastEventId);
            long oldest = history.isEmpty() ? seq + 1 : seqOf(history.peekFirst().id());
            if (after == null || after < oldest - 1 || after > seq) {
                s.offer(new SseEvent(id(seq), "reset", Map.of("reason", after == null
                        ? "Last-Event-ID is from another server process or malformed; reload and follow again"
                        : "the missed events are no longer kept; reload and follow again")));
            } else {
                for (SseEvent e : history) if (seqOf(e.id()) > after) s.offer(e);
            }
        }
        sessions.add(s);
    }

    public void unsubscribe(SseSession s) {
        sessions.remove(s);
    }

    public int clients() {
        return sessions.size();
    }

    private synchronized void publish(String type, Object data) {
        SseEvent e = new SseEvent(id(++seq), type, data);
        history.addLast(e);
        if (history.size() > HISTORY) history.removeFirst();
        for (SseSession s : sessions) s.offer(e);
    }

    private String id(long n) {
        return epoch + "-" + n;
    }

    private Long seqOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || !id.substring(0, dash).equals(epoch)) return null;
        try {
            return Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

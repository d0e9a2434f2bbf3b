package dev.gantry.server.sse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
 * missed, or a {@code reset} event when that is no longer possible (too old, another server
 * process, or the hub was idle in between).
 *
 * <p>The hub follows the feed only while it has clients, and for {@link #LINGER} after the last
 * one left, so that a reconnecting client resumes where it was: the feed's subscription makes the
 * database announce job events, which costs every LISTENing session a wake-up per statement
 * (docs/adr/0015-job-events-on-demand.md). When the linger ends the history is dropped and the
 * epoch changes, so an old Last-Event-ID gets a reset.
 */
public final class EventHub implements AutoCloseable {
    static final int HISTORY = 10_000;
    static final Duration LINGER = Duration.ofSeconds(60);

    private final ChangeFeed feed;
    private final Duration linger;
    private final ArrayDeque<SseEvent> history = new ArrayDeque<>();
    private final List<EventSink> sessions = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gantry-event-hub").factory());
    private String epoch = newEpoch();
    private Subscription subscription;
    private ScheduledFuture<?> idle;
    private long seq;

    /** A command copy changed: created, acknowledged, failed or expired. */
    public record CommandEvent(long id, Long broadcastId, String workerId, String command, @JsonRawValue String payload,
                               String status, String error, Instant createdAt, Instant processedAt) {
        static CommandEvent of(CommandDelivery c) {
            return new CommandEvent(c.id(), c.broadcastId(), c.workerId(), c.command(), c.payloadJson(), c.status(),
                    c.error(), c.createdAt(), c.processedAt());
        }
    }

    public EventHub(ChangeFeed feed) {
        this(feed, LINGER);
    }

    EventHub(ChangeFeed feed, Duration linger) {
        this.feed = feed;
        this.linger = linger;
    }

    /** Follows the feed, which takes its first picture of workers and commands first, so every later change is an event. */
    private Subscription follow() {
        return feed.subscribe(new ChangeListener() {
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
    public synchronized void close() {
        timer.shutdownNow();
        if (subscription != null) subscription.close();
        subscription = null;
    }

    /** True while the hub follows the feed: it has clients, or had within the linger. */
    synchronized boolean following() {
        return subscription != null;
    }

    /** Adds a client; replays what it missed since {@code lastEventId} (null: nothing) or sends it a reset. */
    public synchronized void subscribe(EventSink s, String lastEventId) {
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
        if (subscription == null) subscription = follow();
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

    public synchronized void unsubscribe(EventSink s) {
        sessions.remove(s);
        if (sessions.isEmpty() && subscription != null && idle == null && !timer.isShutdown()) {
            idle = timer.schedule(this::stopFollowingIfIdle, linger.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void stopFollowingIfIdle() {
        idle = null;
        if (!sessions.isEmpty() || subscription == null) return;
        subscription.close();
        subscription = null;
        history.clear();
        epoch = newEpoch();
    }

    private static String newEpoch() {
        return Long.toString(System.currentTimeMillis(), 36) + Long.toString(ThreadLocalRandom.current().nextInt(1296), 36);
    }

    public int clients() {
        return sessions.size();
    }

    private synchronized void publish(String type, Object data) {
        SseEvent e = new SseEvent(id(++seq), type, data);
        history.addLast(e);
        if (history.size() > HISTORY) history.removeFirst();
        for (EventSink s : sessions) s.offer(e);
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

package dev.gantry.server.sse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.notify.PostgresNotifier;
import dev.gantry.server.api.WorkerView;
import dev.gantry.store.CommandStore;
import dev.gantry.store.SchemaName;
import dev.gantry.store.WorkerCommand;
import dev.gantry.store.WorkerRecord;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.TimeSource;

/**
 * The source of {@code /api/events}: job state changes (from the jobs table's NOTIFY on
 * {@code <schema>.job_events}), and worker and command changes (polled every second from their
 * small tables). Every event gets an id {@code <epoch>-<seq>}; the last {@link #HISTORY} are
 * kept so a client that reconnects with Last-Event-ID gets what it missed, or a {@code reset}
 * event when that is no longer possible (too old, or another server process).
 */
public final class EventHub implements Service {
    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    static final int HISTORY = 10_000;
    private static final Duration POLL = Duration.ofSeconds(1);

    private final PostgresNotifier notifier;
    private final WorkerStore workers;
    private final CommandStore commands;
    private final ObjectMapper json;
    private final TimeSource time;
    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    private final ArrayDeque<SseEvent> history = new ArrayDeque<>();
    private final List<SseSession> sessions = new CopyOnWriteArrayList<>();
    private final PeriodicLoop poller;
    private long seq;

    private Map<String, WorkerView> lastWorkers;
    private long lastCommandId = -1;
    private final Set<Long> pendingCommands = new HashSet<>();

    public EventHub(DataSource dataSource, SchemaName schema, WorkerStore workers, CommandStore commands,
                    ObjectMapper json, TimeSource time) {
        this.notifier = new PostgresNotifier(dataSource);
        this.workers = workers;
        this.commands = commands;
        this.json = json;
        this.time = time;
        notifier.subscribe(schema.value() + ".job_events", this::onJobEvents);
        poller = new PeriodicLoop("gantry-events", POLL, this::poll);
    }

    /** A command copy changed: created, acknowledged, failed or expired. */
    public record CommandEvent(long id, Long broadcastId, String workerId, String command, @JsonRawValue String payload,
                               String status, String error, Instant createdAt, Instant processedAt) {
        static CommandEvent of(WorkerCommand c) {
            return new CommandEvent(c.id(), c.broadcastId(), c.workerId(), c.command(), c.payload(), c.status(), c.error(),
                    c.createdAt(), c.processedAt());
        }
    }

    /** Takes the first picture of workers and commands before returning, so every later change is an event. */
    @Override
    public void start() {
        poll();
        notifier.start();
        poller.start();
    }

    @Override
    public void stop(Duration timeout) {
        poller.stop(timeout);
        notifier.stop(timeout);
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

    /** Payload {"events": [[id, queue, kind, from, to, attempt], ...]}; null after a reconnect (events may be lost). */
    private void onJobEvents(String payload) {
        if (payload == null) {
            publish("reset", Map.of("reason", "the server's database listener reconnected; job events may have been missed"));
            return;
        }
        try {
            JsonNode rows = json.readTree(payload).path("events");
            List<JobEvent> events = new ArrayList<>(rows.size());
            for (JsonNode r : rows) {
                events.add(new JobEvent(r.get(0).asLong(), r.get(1).asText(), r.get(2).asText(),
                        r.get(3).isNull() ? null : r.get(3).asText(), r.get(4).isNull() ? null : r.get(4).asText(),
                        r.get(5).asInt()));
            }
            if (!events.isEmpty()) publish("jobs", Map.of("events", events));
        } catch (Exception e) {
            log.atWarn().setMessage("unreadable job event payload").addKeyValue("error", e.getMessage()).log();
        }
    }

    private void poll() {
        pollWorkers();
        pollCommands();
    }

    private void pollWorkers() {
        Instant now = time.now();
        Map<String, WorkerView> current = new HashMap<>();
        for (WorkerRecord w : workers.all()) current.put(w.id(), WorkerView.of(w, now));
        if (lastWorkers != null) {
            for (WorkerView w : current.values()) {
                WorkerView before = lastWorkers.get(w.id());
                if (before == null || !sameExceptAge(before, w)) publish("worker", w);
            }
            for (String gone : lastWorkers.keySet()) {
                if (!current.containsKey(gone)) publish("worker_removed", Map.of("id", gone));
            }
        }
        lastWorkers = current;
    }

    private static boolean sameExceptAge(WorkerView a, WorkerView b) {
        return a.equals(new WorkerView(b.id(), b.host(), b.pid(), b.version(), b.status(), b.liveness(), b.alive(),
                b.queues(), b.startedAt(), b.lastHeartbeatAt(), a.heartbeatAgeMs(), b.heartbeatIntervalMs(),
                b.deadTimeoutMs(), b.jobsProcessed(), b.jobsFailed(), b.runningJobs(), b.config(), b.error()));
    }

    private void pollCommands() {
        boolean first = lastCommandId < 0;
        List<WorkerCommand> changed;
        do {
            changed = commands.changedSince(Math.max(lastCommandId, 0), List.copyOf(pendingCommands));
            for (WorkerCommand c : changed) {
                lastCommandId = Math.max(lastCommandId, c.id());
                boolean pending = c.status().equals("pending");
                boolean wasWatched = pendingCommands.contains(c.id());
                if (pending) pendingCommands.add(c.id());
                else pendingCommands.remove(c.id());
                if (!first && (!wasWatched || !pending)) publish("command", CommandEvent.of(c));
            }
        } while (changed.size() >= 1000);
        if (lastCommandId < 0) lastCommandId = 0;
    }
}

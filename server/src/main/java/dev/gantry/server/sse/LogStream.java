package dev.gantry.server.sse;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;

import dev.gantry.lifecycle.Service;
import dev.gantry.notify.PostgresNotifier;
import dev.gantry.server.api.LogsApi;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;
import dev.gantry.store.LogEntry;
import dev.gantry.store.LogQuery;
import dev.gantry.store.LogStore;

/**
 * {@code GET /api/logs/stream}: the last {@code tail} lines matching the filter, then new lines
 * as workers ship them, as {@code log} events whose id is the line's id, so a reconnect with
 * Last-Event-ID resumes exactly where it stopped. Each client reads on its own virtual thread,
 * woken by the shipper's NOTIFY (and every second without one), so a slow client slows only itself.
 */
public final class LogStream implements Service {
    static final String PATH = "/api/logs/stream";
    private static final int BATCH = 500;
    private static final int MAX_TAIL = 1000;
    private static final Duration IDLE_WAKE = Duration.ofSeconds(1);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final LogStore logs;
    private final PostgresNotifier notifier;
    private final Set<Semaphore> followers = new CopyOnWriteArraySet<>();

    public LogStream(DataSource dataSource, LogStore logs) {
        this.logs = logs;
        this.notifier = new PostgresNotifier(dataSource);
        notifier.subscribe(logs.channel(), payload -> followers.forEach(Semaphore::release));
    }

    @Override
    public void start() {
        notifier.start();
    }

    @Override
    public void stop(Duration timeout) {
        notifier.stop(timeout);
    }

    public void routes(RoutesConfig r) {
        r.beforeMatched(PATH, ctx -> {
            Requests.onlyParams(ctx, "worker", "level", "job_id", "q", "tail", "last_event_id", Authenticator.QUERY_TOKEN);
            LogsApi.filter(ctx);
            Requests.longParam(ctx, "tail", 0, MAX_TAIL);
            lastId(ctx);
            EventsApi.requireEventStream(ctx);
        });
        r.sse(PATH, this::follow, Role.VIEWER);
    }

    private static Long lastId(Context ctx) {
        String v = ctx.header("Last-Event-ID");
        if (v == null) v = Requests.single(ctx, "last_event_id");
        if (v == null || v.isBlank()) return null;
        try {
            long id = Long.parseLong(v.trim());
            if (id < 0) throw new NumberFormatException();
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("last_event_id", "must be the id of a log line, got \"" + Requests.clip(v) + "\"");
        }
    }

    private void follow(SseClient client) {
        Context ctx = client.ctx();
        LogQuery filter = LogsApi.filter(ctx);
        Long resumeAfter = lastId(ctx);
        Long tailParam = Requests.longParam(ctx, "tail", 0, MAX_TAIL);
        int tail = tailParam == null ? 100 : tailParam.intValue();
        client.keepAlive();
        Semaphore wake = new Semaphore(0);
        followers.add(wake);
        client.onClose(() -> followers.remove(wake));
        Thread.ofVirtual().name("gantry-sse-logs").start(() -> run(client, filter, resumeAfter, tail, wake));
    }

    private void run(SseClient client, LogQuery filter, Long resumeAfter, int tail, Semaphore wake) {
        try {
            long last;
            if (resumeAfter != null) {
                last = resumeAfter;
            } else {
                List<LogEntry> latest = tail == 0 ? List.of() : logs.query(filter.withLimit(tail));
                last = latest.isEmpty() ? logs.query(LogQuery.latest().withLimit(1)).stream().mapToLong(LogEntry::id)
                        .findFirst().orElse(0) : latest.getFirst().id();
                for (LogEntry e : latest.reversed()) send(client, e);
            }
            long idleSince = System.nanoTime();
            while (!client.terminated()) {
                List<LogEntry> batch = logs.query(filter.after(last).withLimit(BATCH));
                for (LogEntry e : batch) {
                    send(client, e);
                    last = e.id();
                }
                if (batch.size() == BATCH) continue;
                if (!batch.isEmpty()) idleSince = System.nanoTime();
                if (!wake.tryAcquire(IDLE_WAKE.toMillis(), TimeUnit.MILLISECONDS)
                        && System.nanoTime() - idleSince > KEEP_ALIVE.toNanos()) {
                    client.sendComment("keep-alive");
                    idleSince = System.nanoTime();
                }
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!client.terminated()) client.sendEvent("error", java.util.Map.of("message", "log stream failed; reconnect"));
        } finally {
            followers.remove(wake);
            client.close();
        }
    }

    private static void send(SseClient client, LogEntry e) {
        client.sendEvent("log", LogsApi.LogView.of(e), Long.toString(e.id()));
    }
}

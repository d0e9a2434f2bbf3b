package dev.gantry.server.sse;

import java.util.List;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;

import dev.gantry.client.LogClient;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogFollower;
import dev.gantry.client.LogQuery;
import dev.gantry.client.Subscription;
import dev.gantry.server.api.LogsApi;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/**
 * {@code GET /api/logs/stream}: the last {@code tail} lines matching the filter, then new lines
 * as workers ship them, as {@code log} events whose id is the line's id, so a reconnect with
 * Last-Event-ID resumes exactly where it stopped. Each client is a {@link LogClient#follow}er on
 * its own virtual thread, woken by the shipper's NOTIFY, so a slow client slows only itself, and
 * a filter that matches nothing reads each line once, never the log again.
 */
public final class LogStream {
    static final String PATH = "/api/logs/stream";
    private static final int MAX_TAIL = 1000;
    private static final long KEEP_ALIVE_NANOS = java.time.Duration.ofSeconds(15).toNanos();

    private final LogClient logs;
    private final OpenStreams streams;

    public LogStream(LogClient logs, OpenStreams streams) {
        this.logs = logs;
        this.streams = streams;
    }

    public void routes(RoutesConfig r) {
        r.beforeMatched(PATH, ctx -> {
            Requests.onlyParams(ctx, "worker", "level", "job_id", "q", "tail", "last_event_id", Authenticator.QUERY_TOKEN);
            LogsApi.filter(ctx);
            Requests.longParam(ctx, "tail", 0, MAX_TAIL);
            lastId(ctx);
            EventsApi.requireEventStream(ctx);
            streams.admit(ctx);
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
        OpenStreams.bind(client);
        long last;
        try {
            if (resumeAfter != null) {
                last = resumeAfter;
            } else {
                List<LogEntry> latest = tail == 0 ? List.of() : logs.query(filter.withLimit(tail));
                last = latest.isEmpty() ? logs.latestId() : latest.getFirst().id();
                for (LogEntry e : latest.reversed()) send(client, e);
            }
        } catch (RuntimeException e) {
            client.sendEvent("error", java.util.Map.of("message", "log stream failed; reconnect"));
            client.close();
            return;
        }
        Subscription following = logs.follow(filter, last, new LogFollower() {
            private long quietSince = System.nanoTime();

            @Override
            public void lines(List<LogEntry> lines) {
                if (client.terminated()) throw new IllegalStateException("the client went away");
                for (LogEntry e : lines) send(client, e);
                quietSince = System.nanoTime();
            }

            @Override
            public void idle() {
                if (client.terminated()) throw new IllegalStateException("the client went away");
                if (System.nanoTime() - quietSince > KEEP_ALIVE_NANOS) {
                    client.sendComment("keep-alive");
                    quietSince = System.nanoTime();
                }
            }
        });
        client.onClose(following::close);
    }

    private static void send(SseClient client, LogEntry e) {
        client.sendEvent("log", LogsApi.LogView.of(e), Long.toString(e.id()));
    }
}

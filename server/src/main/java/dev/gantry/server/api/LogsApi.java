package dev.gantry.server.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogQuery;
import dev.gantry.client.LogClient;

/**
 * {@code GET /api/logs}: shipped worker log lines, filtered by {@code worker}, minimum
 * {@code level}, {@code job_id} and text {@code q}. Newest first, paged back with
 * {@code before_id}; or oldest first after {@code after_id}, to catch up.
 */
public final class LogsApi {
    static final String[] FILTER_PARAMS = {"worker", "level", "job_id", "q"};

    private final LogClient logs;

    public LogsApi(LogClient logs) {
        this.logs = logs;
    }

    /** A log line as the API shows it; {@code fields} is the structured key-value object. */
    public record LogView(long id, String workerId, Long jobId, String level, String logger, String message,
                          @JsonRawValue String fields, String exception, Instant createdAt) {
        public static LogView of(LogEntry e) {
            return new LogView(e.id(), e.workerId(), e.jobId(), e.level(), e.logger(), e.message(),
                    e.fieldsJson() == null ? "{}" : e.fieldsJson(), e.exception(), e.createdAt());
        }
    }

    public record Page(List<LogView> logs, Long nextBeforeId) {
    }

    public void routes(RoutesConfig r) {
        r.get("/api/logs", this::query, Role.VIEWER);
    }

    private void query(Context ctx) {
        Requests.onlyParams(ctx, "worker", "level", "job_id", "q", "after_id", "before_id", "limit");
        Long limit = Requests.longParam(ctx, "limit", 1, LogQuery.MAX_LIMIT);
        LogQuery q = filter(ctx)
                .withLimit(limit == null ? LogQuery.DEFAULT_LIMIT : limit.intValue());
        Long after = Requests.longParam(ctx, "after_id", 0, Long.MAX_VALUE);
        Long before = Requests.longParam(ctx, "before_id", 1, Long.MAX_VALUE);
        // One reads forwards, the other backwards: with both, one would be silently dropped.
        if (after != null && before != null) throw ApiException.badParameter("before_id", "cannot be combined with after_id");
        if (after != null) q = q.after(after);
        if (before != null) q = q.before(before);
        List<LogView> page = logs.query(q).stream().map(LogView::of).toList();
        Long next = !q.oldestFirst() && page.size() == q.limit() ? page.getLast().id() : null;
        ctx.json(new Page(page, next));
    }

    /** The filter shared with the live stream. */
    public static LogQuery filter(Context ctx) {
        return LogQuery.latest().withWorker(Requests.single(ctx, "worker")).withMinLevel(Requests.single(ctx, "level"))
                .withJob(Requests.longParam(ctx, "job_id", 1, Long.MAX_VALUE)).withText(Requests.single(ctx, "q"));
    }
}

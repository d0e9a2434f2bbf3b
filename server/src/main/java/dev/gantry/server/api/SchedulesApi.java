package dev.gantry.server.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;

import io.javalin.config.RoutesConfig;

import dev.gantry.client.RawJson;
import dev.gantry.client.Schedule;
import dev.gantry.client.ScheduleClient;
import dev.gantry.client.ScheduleRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/**
 * {@code /api/schedules}: schedules as named resources (docs/schedules.md). PUT creates (201) or
 * replaces (200); a schedule's own GET adds its next five run times.
 */
public final class SchedulesApi {
    static final int NEXT_RUNS = 5;

    private final ScheduleClient schedules;
    private final Requests requests;

    public SchedulesApi(ScheduleClient schedules, Requests requests) {
        this.schedules = schedules;
        this.requests = requests;
    }

    /** The body of PUT: spec and kind required, the rest optional (paused absent keeps the current state). */
    public record ScheduleBody(String spec, String kind, JsonNode args, String queue, String timezone, Integer priority,
                               Integer maxAttempts, Long timeoutMs, List<String> tags, Integer catchUp, Boolean paused) {
        ScheduleRequest toRequest() {
            if (spec == null) throw new InvalidInputException("spec", "is required");
            if (kind == null) throw new InvalidInputException("kind", "is required");
            if (args != null && !args.isNull() && !args.isObject()) {
                throw new InvalidInputException("args", "must be a JSON object, got " + args.getNodeType().name().toLowerCase());
            }
            if (timeoutMs != null && (timeoutMs < 1000 || timeoutMs % 1000 != 0)) {
                throw new InvalidInputException("timeout_ms", "must be whole seconds (a multiple of 1000), got " + timeoutMs);
            }
            return ScheduleRequest.of(spec, kind)
                    .withArgs(new RawJson(args == null || args.isNull() ? "{}" : args.toString()))
                    .withQueue(queue == null ? "default" : queue).withTimezone(timezone == null ? "UTC" : timezone)
                    .withPriority(priority == null ? 0 : priority).withMaxAttempts(maxAttempts)
                    .withTimeout(timeoutMs == null ? null : Duration.ofMillis(timeoutMs)).withTags(tags)
                    .withCatchUp(catchUp == null ? 0 : catchUp).withPaused(paused);
        }
    }

    /** A schedule as the API shows it; {@code next_runs} only on a schedule's own GET. */
    public record ScheduleView(String name, String spec, String timezone, String kind, @JsonRawValue String args,
                               String queue, int priority, Integer maxAttempts, Long timeoutMs, List<String> tags,
                               int catchUp, boolean paused, Instant nextRunAt, Instant lastRunAt, Long lastJobId,
                               String lastError, Instant createdAt, Instant updatedAt, List<Instant> nextRuns) {
        static ScheduleView of(Schedule s, List<Instant> nextRuns) {
            return new ScheduleView(s.name(), s.spec(), s.timezone(), s.kind(), s.args(), s.queue(), s.priority(),
                    s.maxAttempts(), s.timeout() == null ? null : s.timeout().toMillis(), s.tags(), s.catchUp(), s.paused(),
                    s.nextRunAt(), s.lastRunAt(), s.lastJobId(), s.lastError(), s.createdAt(), s.updatedAt(), nextRuns);
        }
    }

    public void routes(RoutesConfig r) {
        r.get("/api/schedules", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(Map.of("schedules", schedules.list().stream().map(s -> ScheduleView.of(s, null)).toList()));
        }, Role.VIEWER);
        r.get("/api/schedules/{name}", ctx -> {
            Requests.onlyParams(ctx);
            Schedule s = existing(ctx.pathParam("name"));
            ctx.json(ScheduleView.of(s, schedules.nextRuns(s.name(), NEXT_RUNS)));
        }, Role.VIEWER);
        r.put("/api/schedules/{name}", ctx -> {
            Requests.onlyParams(ctx);
            ScheduleBody body = requests.body(ctx, ScheduleBody.class);
            ScheduleClient.Upserted set = schedules.set(ctx.pathParam("name"), body.toRequest());
            ctx.status(set.created() ? 201 : 200).json(ScheduleView.of(set.schedule(), null));
        }, Role.OPERATOR);
        r.post("/api/schedules/{name}/pause", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(ScheduleView.of(schedules.pause(existing(ctx.pathParam("name")).name()), null));
        }, Role.OPERATOR);
        r.post("/api/schedules/{name}/resume", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(ScheduleView.of(schedules.resume(existing(ctx.pathParam("name")).name()), null));
        }, Role.OPERATOR);
        r.delete("/api/schedules/{name}", ctx -> {
            Requests.onlyParams(ctx);
            if (!schedules.delete(existing(ctx.pathParam("name")).name())) throw notFound(ctx.pathParam("name"));
            ctx.status(204);
        }, Role.OPERATOR);
    }

    private Schedule existing(String name) {
        return schedules.get(name).orElseThrow(() -> notFound(name));
    }

    private static ApiException notFound(String name) {
        return new ApiException(404, "not_found", "no schedule named \"" + Requests.clip(name) + "\"", Map.of("name", Requests.clip(name)));
    }
}

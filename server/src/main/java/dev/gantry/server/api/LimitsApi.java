package dev.gantry.server.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.javalin.config.RoutesConfig;

import dev.gantry.client.Limit;
import dev.gantry.client.LimitClient;
import dev.gantry.client.LimitRequest;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/**
 * {@code /api/limits}: concurrency and rate limits by key (docs/limits.md). PUT creates (201) or
 * replaces (200); every view carries what the key holds now: jobs running, waiting, started in
 * the period.
 */
public final class LimitsApi {
    private final LimitClient limits;
    private final Requests requests;

    public LimitsApi(LimitClient limits, Requests requests) {
        this.limits = limits;
        this.requests = requests;
    }

    /** The body of PUT: max_running, and/or max_per_period with period_ms. */
    public record LimitBody(Integer maxRunning, Integer maxPerPeriod, Long periodMs) {
        LimitRequest toRequest() {
            return new LimitRequest(maxRunning, maxPerPeriod, periodMs == null ? null : Duration.ofMillis(periodMs));
        }
    }

    /** A limit as the API shows it. */
    public record LimitView(String key, Integer maxRunning, Integer maxPerPeriod, Long periodMs, long running,
                            long waiting, long startedInPeriod, Instant wakeAt, Instant createdAt, Instant updatedAt) {
        static LimitView of(Limit l) {
            return new LimitView(l.key(), l.maxRunning(), l.maxPerPeriod(), l.period() == null ? null : l.period().toMillis(),
                    l.running(), l.waiting(), l.startedInPeriod(), l.wakeAt(), l.createdAt(), l.updatedAt());
        }
    }

    public void routes(RoutesConfig r) {
        r.get("/api/limits", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(Map.of("limits", limits.list().stream().map(LimitView::of).toList()));
        }, Role.VIEWER);
        r.get("/api/limits/{key}", ctx -> {
            Requests.onlyParams(ctx);
            String key = ctx.pathParam("key");
            ctx.json(LimitView.of(limits.get(key).orElseThrow(() -> notFound(key))));
        }, Role.VIEWER);
        r.put("/api/limits/{key}", ctx -> {
            Requests.onlyParams(ctx);
            LimitBody body = requests.body(ctx, LimitBody.class);
            LimitClient.Upserted set = limits.set(ctx.pathParam("key"), body.toRequest());
            ctx.status(set.created() ? 201 : 200).json(LimitView.of(set.limit()));
        }, Role.OPERATOR);
        r.delete("/api/limits/{key}", ctx -> {
            Requests.onlyParams(ctx);
            String key = ctx.pathParam("key");
            if (!limits.delete(key)) throw notFound(key);
            ctx.status(204);
        }, Role.OPERATOR);
    }

    private static ApiException notFound(String key) {
        return new ApiException(404, "not_found", "no limit for key \"" + Requests.clip(key) + "\"", Map.of("key", Requests.clip(key)));
    }
}

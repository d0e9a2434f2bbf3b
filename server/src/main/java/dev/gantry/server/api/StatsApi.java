package dev.gantry.server.api;

import io.javalin.config.RoutesConfig;

import dev.gantry.server.auth.Role;
import dev.gantry.server.http.Requests;
import dev.gantry.stats.StatsReader;

/**
 * {@code GET /api/stats}: counts per queue and state (cached and refreshed in the background,
 * never a count of the whole table per call: see {@code counts_as_of}), windows of throughput,
 * success rate and latency, the last hour per minute, and the oldest available job's age.
 */
public final class StatsApi {
    private final StatsReader stats;

    public StatsApi(StatsReader stats) {
        this.stats = stats;
    }

    public void routes(RoutesConfig r) {
        r.get("/api/stats", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(stats.snapshot());
        }, Role.VIEWER);
    }
}

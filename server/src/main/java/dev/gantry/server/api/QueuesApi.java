package dev.gantry.server.api;

import java.util.Map;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.client.QueueClient;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.Requests;

/**
 * {@code /api/queues}: every known queue with its pause state and the workers serving it, and
 * pause/resume for all workers (held in the database, so workers started later honour it too).
 */
public final class QueuesApi {
    private final QueueClient queues;

    public QueuesApi(QueueClient queues) {
        this.queues = queues;
    }

    public void routes(RoutesConfig r) {
        r.get("/api/queues", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(Map.of("queues", queues.list()));
        }, Role.VIEWER);
        r.get("/api/queues/{name}", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(queues.get(ctx.pathParam("name")));
        }, Role.VIEWER);
        r.post("/api/queues/{name}/pause", ctx -> ctx.json(queues.pause(ctx.pathParam("name"), by(ctx))), Role.OPERATOR);
        r.post("/api/queues/{name}/resume", ctx -> ctx.json(queues.resume(ctx.pathParam("name"))), Role.OPERATOR);
    }

    private static String by(Context ctx) {
        Requests.onlyParams(ctx);
        return "api:" + Authenticator.principal(ctx).name();
    }
}

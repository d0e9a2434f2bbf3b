package dev.gantry.server.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.client.Command;
import dev.gantry.client.WorkerClient;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/**
 * {@code /api/workers}: the registry with derived liveness, and commands to one worker or all
 * of them with their acknowledgements. {@code wait_ms} makes a command request wait (bounded)
 * until every worker acknowledged it.
 */
public final class WorkersApi {
    static final long MAX_WAIT_MS = 30_000;

    private final WorkerClient workers;
    private final Requests requests;

    public WorkersApi(WorkerClient workers, Requests requests) {
        this.workers = workers;
        this.requests = requests;
    }

    public void routes(RoutesConfig r) {
        r.get("/api/workers", this::list, Role.VIEWER);
        r.post("/api/workers/commands", ctx -> send(ctx, "*"), Role.OPERATOR);
        r.get("/api/workers/commands/{id}", this::command, Role.VIEWER);
        r.get("/api/workers/{id}", this::get, Role.VIEWER);
        r.post("/api/workers/{id}/commands", ctx -> send(ctx, ctx.pathParam("id")), Role.OPERATOR);
    }

    /** The body of a command request. */
    public record CommandRequest(String command, JsonNode payload) {
    }

    private void list(Context ctx) {
        Requests.onlyParams(ctx);
        Instant now = Instant.now();
        ctx.json(Map.of("workers", workers.list().stream().map(w -> WorkerView.of(w, now)).toList()));
    }

    private void get(Context ctx) {
        Requests.onlyParams(ctx);
        String id = ctx.pathParam("id");
        ctx.json(workers.get(id).map(w -> WorkerView.of(w, Instant.now()))
                .orElseThrow(() -> ApiException.notFound("worker " + Requests.clip(id))));
    }

    private void send(Context ctx, String target) throws InterruptedException {
        Requests.onlyParams(ctx, "wait_ms");
        Long waitMs = Requests.longParam(ctx, "wait_ms", 0, MAX_WAIT_MS);
        CommandRequest req = requests.body(ctx, CommandRequest.class);
        if (req.command() == null) throw new InvalidInputException("command", "is required");
        if (req.payload() != null && !req.payload().isObject()) throw new InvalidInputException("payload", "must be a JSON object");
        if (!target.equals("*") && workers.get(target).isEmpty()) {
            throw ApiException.notFound("worker " + Requests.clip(target));
        }
        Command sent = workers.send(target, req.command(), req.payload() == null ? "{}" : req.payload().toString());
        if (sent.deliveries().isEmpty()) {
            throw new ApiException(409, "no_live_workers", "no live worker received the command", Map.of());
        }
        Command answered = waitMs == null || waitMs == 0 ? sent : workers.await(sent.id(), Duration.ofMillis(waitMs));
        ctx.status(202).json(CommandView.of(answered));
    }

    private void command(Context ctx) {
        Requests.onlyParams(ctx);
        long id = Requests.idParam(ctx, "id");
        ctx.json(workers.command(id).map(CommandView::of).orElseThrow(() -> ApiException.notFound("command " + id)));
    }
}

package dev.gantry.server.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.error.InvalidInputException;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;
import dev.gantry.store.CommandStore;
import dev.gantry.store.WorkerCommand;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.TimeSource;

/**
 * {@code /api/workers}: the registry with derived liveness, and commands to one worker or all
 * of them with their acknowledgements. {@code wait_ms} makes a command request wait (bounded)
 * until every worker acknowledged it.
 */
public final class WorkersApi {
    static final long MAX_WAIT_MS = 30_000;
    private static final long POLL_MS = 50;

    private final WorkerStore workers;
    private final CommandStore commands;
    private final Requests requests;
    private final TimeSource time;

    public WorkersApi(WorkerStore workers, CommandStore commands, Requests requests, TimeSource time) {
        this.workers = workers;
        this.commands = commands;
        this.requests = requests;
        this.time = time;
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
        Instant now = time.now();
        ctx.json(Map.of("workers", workers.all().stream().map(w -> WorkerView.of(w, now)).toList()));
    }

    private void get(Context ctx) {
        Requests.onlyParams(ctx);
        String id = ctx.pathParam("id");
        Instant now = time.now();
        ctx.json(workers.all().stream().filter(w -> w.id().equals(id)).findFirst().map(w -> WorkerView.of(w, now))
                .orElseThrow(() -> ApiException.notFound("worker " + Requests.clip(id))));
    }

    private void send(Context ctx, String target) throws InterruptedException {
        Requests.onlyParams(ctx, "wait_ms");
        Long waitMs = Requests.longParam(ctx, "wait_ms", 0, MAX_WAIT_MS);
        CommandRequest req = requests.body(ctx, CommandRequest.class);
        if (req.command() == null) throw new InvalidInputException("command", "is required");
        if (req.payload() != null && !req.payload().isObject()) throw new InvalidInputException("payload", "must be a JSON object");
        if (!target.equals("*") && workers.all().stream().noneMatch(w -> w.id().equals(target))) {
            throw ApiException.notFound("worker " + Requests.clip(target));
        }
        long id = commands.send(target, req.command(), req.payload() == null ? "{}" : req.payload().toString());
        List<WorkerCommand> copies = commands.get(id);
        long deadline = System.nanoTime() + (waitMs == null ? 0 : waitMs) * 1_000_000;
        while (copies.stream().anyMatch(c -> c.status().equals("pending")) && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
            copies = commands.get(id);
        }
        if (copies.isEmpty()) {
            throw new ApiException(409, "no_live_workers", "no live worker received the command", Map.of());
        }
        ctx.status(202).json(CommandView.of(id, copies));
    }

    private void command(Context ctx) {
        Requests.onlyParams(ctx);
        long id = Requests.idParam(ctx, "id");
        List<WorkerCommand> copies = commands.get(id);
        if (copies.isEmpty()) throw ApiException.notFound("command " + id);
        ctx.json(CommandView.of(copies.getFirst().broadcastId() != null ? copies.getFirst().broadcastId() : id, copies));
    }
}

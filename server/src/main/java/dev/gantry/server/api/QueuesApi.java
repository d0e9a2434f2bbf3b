package dev.gantry.server.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.client.QueueClient;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.Requests;
import dev.gantry.stats.JobStats;
import dev.gantry.stats.QueueStats;
import dev.gantry.stats.StateCounts;
import dev.gantry.stats.StatsReader;
import dev.gantry.client.QueueSummary;

/**
 * {@code /api/queues}: every known queue with its pause state and the workers serving it, and
 * pause/resume for all workers (held in the database, so workers started later honour it too).
 */
public final class QueuesApi {
    private final QueueClient queues;
    private final StatsReader stats;

    public QueuesApi(QueueClient queues, StatsReader stats) {
        this.queues = queues;
        this.stats = stats;
    }

    /** A queue: its pause and workers, with its job counts and oldest available age from the stats snapshot. */
    public record QueueView(String name, boolean paused, Instant pausedAt, String pausedBy, List<QueueSummary.Worker> workers,
                            StateCounts counts, Double oldestAvailableAgeSeconds) {
        static QueueView of(QueueSummary q, JobStats stats) {
            QueueStats s = stats.queues().stream().filter(x -> x.queue().equals(q.name())).findFirst().orElse(null);
            return new QueueView(q.name(), q.paused(), q.pausedAt(), q.pausedBy(), q.workers(),
                    s == null ? StateCounts.ZERO : s.counts(), s == null ? null : s.oldestAvailableAgeSeconds());
        }
    }

    /** Every queue the registry knows, plus those the stats have counts for. */
    private List<QueueView> all() {
        JobStats snapshot = stats.snapshot();
        Map<String, QueueView> out = new TreeMap<>();
        for (QueueSummary q : queues.list()) out.put(q.name(), QueueView.of(q, snapshot));
        for (QueueStats s : snapshot.queues()) {
            out.computeIfAbsent(s.queue(), n -> QueueView.of(queues.get(n), snapshot));
        }
        return List.copyOf(out.values());
    }

    public void routes(RoutesConfig r) {
        r.get("/api/queues", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(Map.of("queues", all(), "counts_as_of", stats.snapshot().countsAsOf()));
        }, Role.VIEWER);
        r.get("/api/queues/{name}", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(QueueView.of(queues.get(ctx.pathParam("name")), stats.snapshot()));
        }, Role.VIEWER);
        r.post("/api/queues/{name}/pause", ctx -> ctx.json(QueueView.of(queues.pause(ctx.pathParam("name"), by(ctx)),
                stats.snapshot())), Role.OPERATOR);
        r.post("/api/queues/{name}/resume", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(QueueView.of(queues.resume(ctx.pathParam("name")), stats.snapshot()));
        }, Role.OPERATOR);
    }

    private static String by(Context ctx) {
        Requests.onlyParams(ctx);
        return "api:" + Authenticator.principal(ctx).name();
    }
}

package dev.gantry.server.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.gantry.Gantry;
import dev.gantry.health.ComponentHealth;
import dev.gantry.health.Health;

/**
 * What /health reports, for a worker process and for the server alike: the library's
 * {@link Health} of each Gantry the process runs (the worker's, the API's), healthy while the
 * database answers and every supervised component is up. 503 names the first problem. The parts
 * are asked at once: each waits up to its database probe's timeout (2 s) when the database is
 * down, and asked one after the other the server (worker and API) took twice that, past the 3 s
 * that the probes in deploy/kubernetes allow.
 */
public final class HealthCheck {
    private final List<Gantry> parts;
    private final long startedAt = System.currentTimeMillis();

    public HealthCheck(List<Gantry> parts) {
        this.parts = List.copyOf(parts);
    }

    /** The outcome: HTTP 200 or 503, and the JSON body. */
    public record Report(boolean healthy, Map<String, Object> body) {
        public int status() {
            return healthy ? 200 : 503;
        }
    }

    public Report check() {
        String reason = null;
        List<Map<String, Object>> components = new ArrayList<>();
        Health worker = null;
        for (Health h : askAll()) {
            if (reason == null && !h.healthy()) reason = h.reason();
            if (h.workerId() != null) worker = h;
            for (ComponentHealth c : h.components()) components.add(view(c));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reason == null ? "ok" : "unhealthy");
        if (reason != null) body.put("reason", reason);
        body.put("uptime_s", (System.currentTimeMillis() - startedAt) / 1000);
        if (worker != null) {
            body.put("worker_id", worker.workerId());
            body.put("running_jobs", worker.runningJobs());
            body.put("last_heartbeat_age_ms", worker.sinceLastHeartbeat() == null ? null : worker.sinceLastHeartbeat().toMillis());
        }
        body.put("components", components);
        return new Report(reason == null, body);
    }

    private List<Health> askAll() {
        if (parts.size() == 1) return List.of(parts.getFirst().health());
        List<CompletableFuture<Health>> asked = new ArrayList<>(parts.size());
        for (Gantry g : parts) {
            asked.add(CompletableFuture.supplyAsync(g::health, task -> Thread.ofVirtual().name("gantry-health").start(task)));
        }
        return asked.stream().map(CompletableFuture::join).toList();
    }

    private static Map<String, Object> view(ComponentHealth c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("state", c.state().name().toLowerCase(Locale.ROOT));
        if (c.detail() != null) m.put("detail", c.detail());
        m.put("since", c.since().toString());
        m.put("failures", c.failures());
        m.put("restarts", c.restarts());
        return m;
    }
}

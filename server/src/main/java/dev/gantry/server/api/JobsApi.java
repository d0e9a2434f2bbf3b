package dev.gantry.server.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.client.BulkResult;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/** {@code /api/jobs}: enqueue, list, detail, retry, cancel, delete, and bulk retry/cancel by filter. */
public final class JobsApi {
    static final String[] FILTER_PARAMS = {"state", "queue", "kind", "tag", "q", "since", "until"};

    private final GantryClient client;
    private final Requests requests;

    public JobsApi(GantryClient client, Requests requests) {
        this.client = client;
        this.requests = requests;
    }

    public void routes(RoutesConfig r) {
        r.post("/api/jobs", this::enqueue, Role.OPERATOR);
        r.post("/api/jobs/batch", this::enqueueBatch, Role.OPERATOR);
        r.get("/api/jobs", this::list, Role.VIEWER);
        r.post("/api/jobs/bulk/retry", ctx -> bulk(ctx, true), Role.OPERATOR);
        r.post("/api/jobs/bulk/cancel", ctx -> bulk(ctx, false), Role.OPERATOR);
        r.get("/api/jobs/{id}", this::get, Role.VIEWER);
        r.post("/api/jobs/{id}/retry", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(JobView.of(client.retry(Requests.idParam(ctx, "id"))));
        }, Role.OPERATOR);
        r.post("/api/jobs/{id}/cancel", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(JobView.of(client.cancel(Requests.idParam(ctx, "id"))));
        }, Role.OPERATOR);
        r.delete("/api/jobs/{id}", ctx -> {
            Requests.onlyParams(ctx);
            client.delete(Requests.idParam(ctx, "id"));
            ctx.status(204);
        }, Role.OPERATOR);
    }

    private void enqueue(Context ctx) {
        Requests.onlyParams(ctx);
        EnqueueRequest req = requests.body(ctx, EnqueueRequest.class);
        JobRequest r = req.toJobRequest();
        Job job = client.enqueue(r.kind(), r.args(), r.options());
        ctx.status(201).json(JobView.of(job));
    }

    private void enqueueBatch(Context ctx) {
        Requests.onlyParams(ctx);
        EnqueueRequest.Batch batch = requests.body(ctx, EnqueueRequest.Batch.class);
        if (batch.jobs() == null) throw new InvalidInputException("jobs", "is required");
        List<JobRequest> list = new ArrayList<>(batch.jobs().size());
        for (int i = 0; i < batch.jobs().size(); i++) {
            EnqueueRequest e = batch.jobs().get(i);
            if (e == null) throw new InvalidInputException("jobs[" + i + "]", "must be an object");
            try {
                list.add(e.toJobRequest());
            } catch (InvalidInputException ex) {
                throw new InvalidInputException("jobs[" + i + "]." + ex.field(), ex.reason());
            }
        }
        List<Job> jobs = client.enqueueMany(list);
        ctx.status(201).json(Map.of("jobs", jobs.stream().map(JobView::of).toList()));
    }

    private void list(Context ctx) {
        List<String> params = new ArrayList<>(List.of(FILTER_PARAMS));
        params.addAll(List.of("limit", "cursor"));
        Requests.onlyParams(ctx, params.toArray(String[]::new));
        Long limit = Requests.longParam(ctx, "limit", 1, JobFilter.MAX_LIMIT);
        JobFilter f = filter(ctx)
                .withLimit(limit == null ? JobFilter.DEFAULT_LIMIT : limit.intValue())
                .withCursor(Requests.longParam(ctx, "cursor", 1, Long.MAX_VALUE));
        JobPage page = client.list(f);
        ctx.json(new JobView.Page(page.jobs().stream().map(JobView::of).toList(), page.nextCursor()));
    }

    private void get(Context ctx) {
        Requests.onlyParams(ctx);
        long id = Requests.idParam(ctx, "id");
        ctx.json(JobView.of(client.get(id).orElseThrow(() -> ApiException.notFound("job " + id))));
    }

    /** Body: {"filter": {state, queue, kind, tag, q, since, until}, "max": N}; answers how many changed. */
    private void bulk(Context ctx, boolean retry) {
        Requests.onlyParams(ctx);
        BulkRequest req = requests.body(ctx, BulkRequest.class);
        int max = req.max() == null ? JobFilter.MAX_BULK : req.max();
        JobFilter f = req.filter() == null ? JobFilter.all() : req.filter().toFilter();
        BulkResult result = retry ? client.retryMatching(f, max) : client.cancelMatching(f, max);
        ctx.json(Map.of(retry ? "retried" : "cancelled", result.changed(), "more", result.more()));
    }

    /** The filter of a bulk request, with the same meaning as the list's query parameters. */
    public record BulkRequest(FilterBody filter, Integer max) {
    }

    public record FilterBody(List<String> state, String queue, String kind, String tag, String q, Instant since,
                             Instant until) {
        JobFilter toFilter() {
            return new JobFilter(states(state, "filter.state"), queue, kind, tag, q, since, until, JobFilter.DEFAULT_LIMIT, null);
        }
    }

    /** The list filter from query parameters; {@code state} may repeat or hold a comma-separated list. */
    static JobFilter filter(Context ctx) {
        List<String> states = new ArrayList<>();
        for (String s : ctx.queryParams("state")) states.addAll(List.of(s.split(",")));
        return new JobFilter(statesParam(states), Requests.single(ctx, "queue"), Requests.single(ctx, "kind"),
                Requests.single(ctx, "tag"), Requests.single(ctx, "q"), Requests.instantParam(ctx, "since"),
                Requests.instantParam(ctx, "until"), JobFilter.DEFAULT_LIMIT, null);
    }

    private static Set<JobState> statesParam(List<String> names) {
        try {
            return states(names, "state");
        } catch (InvalidInputException e) {
            throw ApiException.badParameter("state", e.reason());
        }
    }

    private static Set<JobState> states(List<String> names, String field) {
        Set<JobState> out = EnumSet.noneOf(JobState.class);
        if (names == null) return out;
        for (String n : names) {
            String name = n == null ? "" : n.trim();
            if (name.isEmpty()) continue;
            try {
                out.add(JobState.fromDb(name));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(field, "unknown state \"" + Requests.clip(name) + "\"; states are "
                        + String.join(", ", EnumSet.allOf(JobState.class).stream().map(JobState::dbName).toList()));
            }
        }
        return out;
    }
}

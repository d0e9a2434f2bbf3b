package dev.gantry.server.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.sse.SseClient;

import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/**
 * {@code GET /api/events}: a Server-Sent Events stream of {@code jobs}, {@code worker},
 * {@code worker_removed}, {@code command} and {@code reset} events. Optional filters:
 * {@code types} (comma-separated: jobs, workers, commands), {@code queue}, {@code kind},
 * {@code job_id}. Resumes after the {@code Last-Event-ID} header (or {@code last_event_id}).
 */
public final class EventsApi {
    static final String PATH = "/api/events";
    private static final Set<String> TYPES = Set.of("jobs", "workers", "commands");

    private final EventHub hub;
    private final OpenStreams streams;

    public EventsApi(EventHub hub, OpenStreams streams) {
        this.hub = hub;
        this.streams = streams;
    }

    public void routes(RoutesConfig r) {
        r.beforeMatched(PATH, ctx -> {
            validate(ctx);
            streams.admit(ctx);
        });
        r.sse(PATH, this::follow, Role.VIEWER);
    }

    /** Runs after authentication and before the stream starts, while a JSON error can still be sent. */
    static void validate(Context ctx) {
        Requests.onlyParams(ctx, "types", "queue", "kind", "job_id", "last_event_id", Authenticator.QUERY_TOKEN);
        filterOf(ctx);
        requireEventStream(ctx);
    }

    static void requireEventStream(Context ctx) {
        String accept = ctx.header(Header.ACCEPT);
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new ApiException(406, "not_acceptable", "this is an event stream: send Accept: text/event-stream", Map.of());
        }
    }

    private void follow(SseClient client) {
        Filter f = filterOf(client.ctx());
        String last = client.ctx().header("Last-Event-ID");
        if (last == null) last = client.ctx().queryParam("last_event_id");
        client.keepAlive();
        OpenStreams.bind(client);
        SseSession session = new SseSession(client, f::apply);
        hub.subscribe(session, last);
        session.start("gantry-sse-events", () -> hub.unsubscribe(session));
    }

    private record Filter(Set<String> types, String queue, String kind, Long jobId) {
        SseEvent apply(SseEvent e) {
            return switch (e.type()) {
                case "jobs" -> types.contains("jobs") ? jobs(e) : null;
                case "worker", "worker_removed" -> types.contains("workers") ? e : null;
                case "command" -> types.contains("commands") ? e : null;
                default -> e;
            };
        }

        @SuppressWarnings("unchecked")
        private SseEvent jobs(SseEvent e) {
            if (queue == null && kind == null && jobId == null) return e;
            List<JobEvent> all = ((Map<String, List<JobEvent>>) e.data()).get("events");
            List<JobEvent> kept = new ArrayList<>();
            for (JobEvent j : all) {
                if ((queue == null || queue.equals(j.queue())) && (kind == null || kind.equals(j.kind()))
                        && (jobId == null || jobId == j.id())) kept.add(j);
            }
            return kept.isEmpty() ? null : new SseEvent(e.id(), e.type(), Map.of("events", kept));
        }
    }

    private static Filter filterOf(Context ctx) {
        String typesParam = Requests.single(ctx, "types");
        Set<String> types = TYPES;
        if (typesParam != null) {
            types = Set.of(typesParam.split(","));
            for (String t : types) {
                if (!TYPES.contains(t)) {
                    throw ApiException.badParameter("types", "unknown type \"" + Requests.clip(t) + "\"; types are jobs, workers, commands");
                }
            }
        }
        return new Filter(types, Requests.single(ctx, "queue"), Requests.single(ctx, "kind"),
                Requests.longParam(ctx, "job_id", 1, Long.MAX_VALUE));
    }
}

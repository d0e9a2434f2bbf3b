package dev.gantry.server.http;

import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

import dev.gantry.error.InvalidInputException;
import dev.gantry.error.InvalidStateException;
import dev.gantry.error.JobNotFoundException;
import dev.gantry.error.StoreException;

/**
 * The one place exceptions become responses, all as {@code {"error": {"code", "message",
 * "details"}}}. Bad input is 400 (unreadable) or 422 (readable but invalid); a database outage
 * is 503; anything else is a 500 whose body carries only an id to find it in the log, never a
 * stack trace.
 */
public final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e));
        routes.exception(JobNotFoundException.class, (e, ctx) ->
                respond(ctx, new ApiException(404, "not_found", e.getMessage(), Map.of("job_id", e.jobId()))));
        routes.exception(InvalidInputException.class, (e, ctx) ->
                respond(ctx, new ApiException(422, "invalid_input", e.getMessage(),
                        Map.of("field", e.field(), "reason", e.reason()))));
        routes.exception(InvalidStateException.class, (e, ctx) ->
                respond(ctx, new ApiException(409, "invalid_state", e.getMessage(), Map.of())));
        routes.exception(StoreException.class, (e, ctx) -> {
            log.atWarn().setMessage("database error").addKeyValue("path", ctx.path()).setCause(e).log();
            respond(ctx, new ApiException(503, "database_unavailable",
                    "the database could not complete the request; try again", Map.of()));
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e.getStatus(), e.getMessage())));
        routes.exception(Exception.class, (e, ctx) -> {
            String id = UUID.randomUUID().toString();
            log.atError().setMessage("unexpected error").addKeyValue("error_id", id).addKeyValue("path", pathOf(ctx))
                    .setCause(e).log();
            respond(ctx, new ApiException(500, "internal", "unexpected error; the server log has it under error_id "
                    + id, Map.of("error_id", id)));
        });
        // Javalin's own refusals (no such route, wrong method) in the same shape.
        for (int status : new int[] {404, 405}) {
            routes.error(status, ctx -> {
                if (ctx.result() == null || !ctx.res().getContentType().startsWith("application/json")) {
                    respond(ctx, fromJavalin(status, null));
                }
            });
        }
    }

    private static ApiException fromJavalin(int status, String message) {
        return switch (status) {
            case 404 -> new ApiException(404, "not_found", "no such endpoint", Map.of());
            case 405 -> new ApiException(405, "method_not_allowed", "this endpoint does not take that method", Map.of());
            case 413 -> new ApiException(413, "body_too_large", "the body is too large", Map.of());
            default -> new ApiException(status, status < 500 ? "bad_request" : "internal",
                    message == null ? "request refused" : message, Map.of());
        };
    }

    /** The request's path, or "?" when its request is gone (a stream finished after its request was recycled). */
    private static String pathOf(Context ctx) {
        try {
            return ctx.path();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static void respond(Context ctx, ApiException e) {
        ctx.status(e.status()).json(e.body());
    }
}

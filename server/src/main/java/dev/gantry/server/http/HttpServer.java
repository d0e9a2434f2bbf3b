package dev.gantry.server.http;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;

import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.observability.HealthCheck;

/**
 * Assembles the server's HTTP side on Javalin: JSON, errors, auth on every matched route,
 * {@code /health} (open), {@code /metrics} (viewer), the API resources and the dashboard's
 * static files. Requests run on virtual threads.
 */
public final class HttpServer implements AutoCloseable {
    /** A resource that adds its routes. */
    @FunctionalInterface
    public interface Resource {
        void routes(RoutesConfig routes);
    }

    /** An endpoint as registered: method, path and the roles that may call it. */
    public record Route(String method, String path, Set<Role> roles) {
    }

    private final Javalin app;
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    public HttpServer(String host, int port, ObjectMapper json, Requests requests, Authenticator auth, HealthCheck health,
                      Supplier<String> metrics, List<Resource> resources) {
        app = Javalin.create(config -> {
            config.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(h.getHttpMethod().name(), h.getPath(), h.getRoles().stream()
                            .filter(Role.class::isInstance).map(Role.class::cast).collect(Collectors.toUnmodifiableSet())));
                }
            });
            config.jsonMapper(new JavalinJackson(json, true));
            config.http.maxRequestSize = requests.maxBodyBytes();
            // A known path with the wrong method is a 405, not a misleading "no such endpoint".
            config.http.prefer405over404 = true;
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/dashboard";
                s.location = Location.CLASSPATH;
                // The dashboard's files hold no data (it calls the API with the user's token), and
                // without a role the authenticator refuses them.
                s.roles = Set.of(Role.OPEN);
                // Revalidated on every load (ETag), so a new server version is picked up at once.
                s.headers = withSecurityHeaders("Cache-Control", "no-cache");
                s.precompressMaxSize = 1024 * 1024;
            });
            // Front-end libraries as WebJars: a version is in the path, so a browser may keep them.
            config.staticFiles.add(s -> {
                s.hostedPath = "/webjars";
                s.directory = "META-INF/resources/webjars";
                s.location = Location.CLASSPATH;
                s.roles = Set.of(Role.OPEN);
                s.headers = withSecurityHeaders("Cache-Control", "public, max-age=31536000, immutable");
                s.precompressMaxSize = 1024 * 1024;
            });
            // Before anything else, so error responses (401, 404, 429) carry them too.
            config.routes.before(ctx -> SecurityHeaders.ALL.forEach(ctx::header));
            config.routes.beforeMatched(auth::check);
            ErrorMapper.register(config.routes);
            config.routes.get("/health", ctx -> {
                HealthCheck.Report r = health.check();
                ctx.status(r.status()).json(r.body());
            }, Role.OPEN);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.get()), Role.VIEWER);
            resources.forEach(r -> r.routes(config.routes));
        });
        app.start(host, port);
    }

    private static Map<String, String> withSecurityHeaders(String name, String value) {
        Map<String, String> headers = new java.util.HashMap<>(SecurityHeaders.ALL);
        headers.put(name, value);
        return Map.copyOf(headers);
    }

    /** Every endpoint, in registration order: the auth test walks them all, the OpenAPI test checks they are documented. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}

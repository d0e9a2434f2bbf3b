package dev.gantry.server.http;

import java.util.List;
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

    private final Javalin app;

    public HttpServer(String host, int port, ObjectMapper json, Requests requests, Authenticator auth, HealthCheck health,
                      Supplier<String> metrics, List<Resource> resources) {
        app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, true));
            config.http.maxRequestSize = requests.maxBodyBytes();
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/dashboard";
                s.location = Location.CLASSPATH;
            });
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

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}

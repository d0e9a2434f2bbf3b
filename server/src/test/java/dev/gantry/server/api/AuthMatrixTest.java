package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.auth.Role;
import dev.gantry.client.TokenClient;
import dev.gantry.server.http.HttpServer;
import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Walks every registered endpoint with no token, a revoked token and each role, and checks who
 * gets through: 401 without a live token, 403 below the route's role, anything else at or above
 * it. The routes come from the server itself, so a new endpoint is covered the day it is added.
 */
@ExtendWith(PostgresExtension.class)
class AuthMatrixTest {

    @Test
    void everyEndpointAdmitsExactlyTheRolesItDeclares(TestDatabase db) {
        db.reset();
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            TokenClient tokens = s.server.gantry().tokens();
            tokens.revoke("test-revoked");
            String revoked = tokens.create("test-revoked", "admin", null, "test").secret();
            tokens.revoke("test-revoked");

            Map<String, String> callers = new LinkedHashMap<>();
            callers.put("none", null);
            callers.put("revoked", revoked);
            callers.put("garbage", "gty_not-a-real-token");
            callers.put("viewer", s.viewer);
            callers.put("operator", s.operator);
            callers.put("admin", s.admin);

            List<HttpServer.Route> routes = s.server.routes();
            assertThat(routes).extracting(HttpServer.Route::path)
                    .contains("/health", "/metrics", "/api/jobs", "/api/jobs/{id}", "/api/workers", "/api/tokens", "/api/events");
            List<String> wrong = new ArrayList<>();
            int checked = 0;
            for (HttpServer.Route r : routes) {
                assertThat(r.roles()).as("roles of %s %s", r.method(), r.path()).hasSize(1);
                Role required = r.roles().iterator().next();
                String path = r.path().replaceAll("\\{[^}]+}", "999999");
                for (Map.Entry<String, String> c : callers.entrySet()) {
                    Http.Response resp = s.http.send(r.method(), path, c.getValue(), r.method().equals("GET") ? null : "{}");
                    Role role = c.getValue() == null || c.getKey().equals("revoked") || c.getKey().equals("garbage") ? null
                            : Role.valueOf(c.getKey().toUpperCase());
                    int expected = required == Role.OPEN ? 0 : role == null ? 401 : role.includes(required) ? 0 : 403;
                    boolean ok = expected == 0 ? resp.status() != 401 && resp.status() != 403 : resp.status() == expected;
                    if (!ok) wrong.add(r.method() + " " + r.path() + " as " + c.getKey() + ": " + resp.status() + " " + resp.body());
                    if (resp.status() == 401 || resp.status() == 403) {
                        assertThat(resp.json().path("error").path("code").asText()).isIn("unauthorized", "forbidden");
                    }
                    checked++;
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(checked).isGreaterThanOrEqualTo(routes.size() * callers.size());
        }
    }

    @Test
    void onlyHealthIsOpen(TestDatabase db) {
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            assertThat(s.server.routes().stream().filter(r -> r.roles().contains(Role.OPEN)).map(HttpServer.Route::path))
                    .containsExactly("/health");
            assertThat(s.http.get("/health", null).status()).isEqualTo(200);
            assertThat(s.http.get("/metrics", null).status()).isEqualTo(401);
            assertThat(s.http.get("/metrics", s.viewer).body()).contains("jvm_threads");
        }
    }

    @Test
    void dashboardPageLoadsWithoutATokenButItsApiCallsNeedOne(TestDatabase db) {
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            Http.Response page = s.http.get("/", null);

            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(s.http.get("/api/jobs", null).status()).isEqualTo(401);
        }
    }
}

package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Every response carries the security headers: the dashboard's files, the WebJars, API answers
 * and API errors, /health, /metrics and the event streams. The policy forbids inline script and
 * framing (the dashboard tests show the page works under it: the browser reports any violation
 * as a console error, which they fail on).
 */
@ExtendWith(PostgresExtension.class)
class SecurityHeadersTest {
    private static RunningServer s;

    @BeforeAll
    static void start(TestDatabase db) {
        s = RunningServer.start(db, false, 1 << 20);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void everyKindOfResponseCarriesThem() {
        Map<String, Http.Response> responses = new LinkedHashMap<>();
        responses.put("dashboard", s.http.get("/", null));
        responses.put("module", s.http.get("/js/main.js", null));
        responses.put("webjar", s.http.get("/webjars/lit-html/3.3.2/lit-html.js", null));
        responses.put("api", s.http.get("/api/stats", s.viewer));
        responses.put("401", s.http.get("/api/stats", null));
        responses.put("403", s.http.get("/api/tokens", s.viewer));
        responses.put("404", s.http.get("/api/no-such-thing", s.viewer));
        responses.put("400", s.http.post("/api/jobs", s.operator, "{not json"));
        responses.put("health", s.http.get("/health", null));
        responses.put("metrics", s.http.get("/metrics", s.viewer));

        responses.forEach((what, r) -> {
            assertThat(r.header("Content-Security-Policy")).as(what + " CSP").isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
            assertThat(r.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
            assertThat(r.header("X-Frame-Options")).as(what).isEqualTo("DENY");
        });
        assertThat(responses.get("dashboard").status()).isEqualTo(200);
        assertThat(responses.get("401").status()).isEqualTo(401);
        assertThat(responses.get("404").status()).isEqualTo(404);
        assertThat(responses.get("400").status()).isEqualTo(400);
    }

    @Test
    void anEventStreamCarriesThemToo() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + s.viewer)
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).contains(SecurityHeaders.CONTENT_SECURITY_POLICY);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        } finally {
            r.body().close();
        }
    }

    @Test
    void thePolicyAllowsNoInlineScriptNoEvalAndNoFraming() {
        String csp = SecurityHeaders.CONTENT_SECURITY_POLICY;

        assertThat(csp).contains("script-src 'self';", "frame-ancestors 'none'", "object-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        String index = s.http.get("/", null).body();
        assertThat(index).as("the page has no inline script (an import map is one)")
                .doesNotContainPattern("(?is)<script(?![^>]*\\bsrc=)[^>]*>").doesNotContain(" style=\"");
    }
}

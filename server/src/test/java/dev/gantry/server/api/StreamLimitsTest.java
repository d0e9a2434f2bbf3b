package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.GantryServer;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.server.testing.SseStream;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * What no caller can take from the server: open streams are capped per token and in total
 * (429), a stream ends soon after its token is revoked or expires, and the API's queries run on
 * a pool of their own whose statements time out, apart from the worker's.
 */
@ExtendWith(PostgresExtension.class)
class StreamLimitsTest {
    /** The promise: a revoked token's streams close within this. */
    private static final Duration REVOCATION = Duration.ofSeconds(5);
    private final List<SseStream> open = new ArrayList<>();
    private RunningServer s;

    @BeforeEach
    void start(TestDatabase db) {
        db.execute("UPDATE gantry.api_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND name LIKE 'limits-%'");
        s = RunningServer.start(db, true, 1 << 20, new GantryServer.ApiLimits(10, Duration.ofSeconds(7), 3, 2));
    }

    @AfterEach
    void stop() {
        open.forEach(SseStream::close);
        s.close();
    }

    private String token(String name, Instant expiresAt) {
        String body = "{\"name\":\"" + name + "\",\"role\":\"viewer\"" + (expiresAt == null ? "" : ",\"expires_at\":\"" + expiresAt + "\"") + "}";
        var r = s.http.post("/api/tokens", s.admin, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("token").asText();
    }

    private SseStream events(String token) {
        SseStream stream = SseStream.open(s.baseUrl() + "/api/events", token, null);
        open.add(stream);
        return stream;
    }

    private SseStream logs(String token) {
        SseStream stream = SseStream.open(s.baseUrl() + "/api/logs/stream?tail=0", token, null);
        open.add(stream);
        return stream;
    }

    @Test
    void aRevokedTokensStreamsCloseWithinFiveSecondsAndOthersStayOpen() {
        String doomed = token("limits-doomed", null);
        String other = token("limits-other", null);
        SseStream events = events(doomed);
        SseStream logs = logs(doomed);
        SseStream kept = events(other);
        assertThat(List.of(events.status(), logs.status(), kept.status())).containsOnly(200);

        long revokedAt = System.nanoTime();
        assertThat(s.http.delete("/api/tokens/limits-doomed", s.admin).status()).isEqualTo(200);

        await().atMost(REVOCATION).until(() -> events.ended() && logs.ended());
        Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);
        assertThat(took).isLessThan(REVOCATION);
        assertThat(kept.ended()).as("a live token's stream stays open").isFalse();
    }

    @Test
    void anExpiredTokensStreamCloses() {
        String shortLived = token("limits-brief", Instant.now().plusSeconds(2));
        SseStream events = events(shortLived);
        assertThat(events.status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(2).plus(REVOCATION)).until(events::ended);
    }

    @Test
    void streamsAreCappedPerTokenAndInTotalWith429() {
        String a = token("limits-a", null);
        String b = token("limits-b", null);
        String c = token("limits-c", null);
        assertThat(events(a).status()).isEqualTo(200);
        assertThat(logs(a).status()).isEqualTo(200);

        SseStream third = events(a);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.errorBody()).contains("\"too_many_streams\"", "GANTRY_MAX_STREAMS_PER_TOKEN");

        assertThat(events(b).status()).isEqualTo(200);
        SseStream full = events(c);
        assertThat(full.status()).as("three open: the server's limit").isEqualTo(429);
        assertThat(full.errorBody()).contains("GANTRY_MAX_STREAMS");

        s.http.delete("/api/tokens/limits-a", s.admin);
        await().atMost(REVOCATION).until(() -> open.get(0).ended() && open.get(1).ended());
        assertThat(events(c).status()).as("closed streams give their places back").isEqualTo(200);
    }

    @Test
    void theApisPoolTimesStatementsOutAndTheWorkersDoesNot() throws Exception {
        assertThat(statementTimeout(s.server.gantry())).isEqualTo("7s");
        assertThat(statementTimeout(s.server.worker())).isEqualTo("0");
    }

    private static String statementTimeout(dev.gantry.Gantry g) throws Exception {
        try (Connection c = g.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW statement_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }
}

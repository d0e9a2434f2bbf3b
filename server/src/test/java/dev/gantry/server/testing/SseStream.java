package dev.gantry.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Follows a Server-Sent Events stream on a background thread and keeps every event it read. */
public final class SseStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event as read from the wire. */
    public record Event(String id, String type, String data) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("event data is not JSON: " + data, e);
            }
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final InputStream body;
    private final int status;
    private volatile boolean ended;

    private final String errorBody;

    private SseStream(InputStream body, int status) throws IOException {
        this.body = body;
        this.status = status;
        if (status == 200) {
            this.errorBody = null;
            Thread.ofVirtual().start(this::read);
        } else {
            this.errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            ended = true;
        }
    }

    /** Opens {@code url} with Accept: text/event-stream, the token and, if given, Last-Event-ID. */
    public static SseStream open(String url, String token, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        try {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new SseStream(r.body(), r.statusCode());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int status() {
        return status;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) events.add(new Event(id, type, data.toString()));
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) data.append('\n');
                    data.append(line.substring(5).stripLeading());
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            ended = true;
        }
    }

    /** The server closed the stream (or the client did). */
    public boolean ended() {
        return ended;
    }

    /** The body of a refused stream (its error object); null for a stream that opened. */
    public String errorBody() {
        return errorBody;
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    /** Waits (bounded) for an event matching {@code p} and returns it. */
    public Event await(Duration timeout, Predicate<Event> p) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> events.stream().anyMatch(p));
        return events.stream().filter(p).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
    }
}

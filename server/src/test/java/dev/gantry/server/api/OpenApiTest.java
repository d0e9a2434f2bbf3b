package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import dev.gantry.job.AttemptError;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.HttpServer;
import dev.gantry.server.sse.EventHub;
import dev.gantry.server.sse.JobEvent;
import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.client.ApiToken;
import dev.gantry.client.QueueSummary;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Keeps the hand-written /api/openapi.json true: every registered route is documented with its
 * role and every documented operation is registered; errors use the shared shape; every $ref
 * resolves; and each schema that mirrors a record has exactly the record's fields, in
 * snake_case, with compatible types. A field, route or role changed in the code without the
 * document fails here.
 */
@ExtendWith(PostgresExtension.class)
class OpenApiTest {
    /**
     * Operations documented ahead of their routes, which another branch adds. Delete an entry once
     * its route is registered (the test says so).
     */
    private static final Set<String> AWAITING_ROUTE = Set.of();

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String SCHEMAS = "#/components/schemas/";

    /** The schemas that mirror a record; requests are read strictly, so theirs refuse other fields. */
    private static final Map<String, Class<?>> RESPONSES = Map.ofEntries(
            Map.entry("JobView", JobView.class),
            Map.entry("AttemptError", AttemptError.class),
            Map.entry("JobPage", JobView.Page.class),
            Map.entry("QueueView", QueuesApi.QueueView.class),
            Map.entry("ScheduleView", SchedulesApi.ScheduleView.class),
            Map.entry("LimitView", LimitsApi.LimitView.class),
            Map.entry("StateCounts", dev.gantry.stats.StateCounts.class),
            Map.entry("WindowStats", dev.gantry.stats.WindowStats.class),
            Map.entry("MinutePoint", dev.gantry.stats.MinutePoint.class),
            Map.entry("QueueStats", dev.gantry.stats.QueueStats.class),
            Map.entry("Stats", dev.gantry.stats.JobStats.class),
            Map.entry("QueueWorker", QueueSummary.Worker.class),
            Map.entry("WorkerView", WorkerView.class),
            Map.entry("CommandView", CommandView.class),
            Map.entry("CommandAck", CommandView.Ack.class),
            Map.entry("LogView", LogsApi.LogView.class),
            Map.entry("LogPage", LogsApi.Page.class),
            Map.entry("ApiToken", ApiToken.class),
            Map.entry("CreatedToken", TokensApi.CreatedToken.class),
            Map.entry("JobEvent", JobEvent.class),
            Map.entry("CommandEvent", EventHub.CommandEvent.class));
    private static final Map<String, Class<?>> REQUESTS = Map.of(
            "EnqueueRequest", EnqueueRequest.class,
            "EnqueueBatch", EnqueueRequest.Batch.class,
            "BulkRequest", JobsApi.BulkRequest.class,
            "JobFilter", JobsApi.FilterBody.class,
            "CommandRequest", WorkersApi.CommandRequest.class,
            "CreateTokenRequest", TokensApi.CreateTokenRequest.class,
            "ScheduleBody", SchedulesApi.ScheduleBody.class,
            "LimitBody", LimitsApi.LimitBody.class);
    /** Schemas with no record behind them (maps built in the resources, shared types, SSE data). */
    private static final Set<String> NOT_RECORDS = Set.of("Error", "Name", "JobState", "JobList", "BulkRetryResult",
            "BulkCancelResult", "QueueList", "ScheduleList", "LimitList", "WorkerQueue", "WorkerList", "TokenList", "Me", "Health",
            "JobEvents", "WorkerRemoved", "Reset", "StreamError");

    private static RunningServer s;
    private static JsonNode doc;

    @BeforeAll
    static void start(TestDatabase db) {
        db.reset();
        s = RunningServer.start(db, false, 1 << 20);
        Http.Response r = s.http.get("/api/openapi.json", s.viewer);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        doc = r.json();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private record Operation(String method, String path, JsonNode node) {
        String key() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    private static List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            if (METHODS.contains(m.getKey())) out.add(new Operation(m.getKey(), p.getKey(), m.getValue()));
        }));
        return out;
    }

    private static String key(HttpServer.Route r) {
        return r.method().toUpperCase(Locale.ROOT) + " " + r.path();
    }

    @Test
    void isAnOpenApi31DocumentWithBearerAuthByDefault() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
        assertThat(doc.path("components").path("securitySchemes").path("bearerAuth").path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.path("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");
        assertThat(s.http.get("/api/openapi.json", null).status()).isEqualTo(401);
    }

    @Test
    void everyRouteIsDocumented() {
        Set<String> documented = new HashSet<>();
        operations().forEach(o -> documented.add(o.key()));

        List<String> missing = s.server.routes().stream().map(OpenApiTest::key).filter(k -> !documented.contains(k)).toList();

        assertThat(s.server.routes()).hasSizeGreaterThan(20);
        assertThat(missing).as("routes the document does not describe").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsARoute() {
        Set<String> routed = new HashSet<>();
        s.server.routes().forEach(r -> routed.add(key(r)));

        List<String> stale = operations().stream().map(Operation::key)
                .filter(k -> !routed.contains(k) && !AWAITING_ROUTE.contains(k)).toList();
        List<String> arrived = AWAITING_ROUTE.stream().filter(routed::contains).toList();

        assertThat(stale).as("documented operations the server does not have").isEmpty();
        assertThat(arrived).as("registered now: remove them from OpenApiTest.AWAITING_ROUTE").isEmpty();
    }

    @Test
    void everyOperationDeclaresTheRoleItsRouteRequires() {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        operations().forEach(o -> byKey.put(o.key(), o.node()));
        List<String> wrong = new ArrayList<>();

        for (HttpServer.Route r : s.server.routes()) {
            JsonNode op = byKey.get(key(r));
            if (op == null) continue;   // reported by everyRouteIsDocumented
            Role role = r.roles().iterator().next();
            if (role == Role.OPEN) {
                if (op.has("x-required-role")) wrong.add(key(r) + " is open but declares " + op.get("x-required-role"));
                if (!op.path("security").isArray() || !op.path("security").isEmpty()) {
                    wrong.add(key(r) + " is open: it needs \"security\": []");
                }
            } else if (!op.path("x-required-role").asText().equals(role.dbName())) {
                wrong.add(key(r) + " needs " + role.dbName() + ", documented " + op.path("x-required-role"));
            }
        }
        for (Operation o : operations()) {
            if (o.node().has("x-required-role") && o.node().path("security").isArray() && o.node().path("security").isEmpty()) {
                wrong.add(o.key() + " declares a role but no security");
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(byKey.get("GET /health").path("security").isArray()).isTrue();
    }

    @Test
    void errorsUseTheSharedErrorShape() {
        List<String> wrong = new ArrayList<>();

        for (Operation o : operations()) {
            JsonNode responses = o.node().path("responses");
            boolean open = o.node().path("security").isArray() && o.node().path("security").isEmpty();
            if (!open) {
                for (String status : List.of("401", "403", "500")) {
                    if (!responses.has(status)) wrong.add(o.key() + " does not document " + status);
                }
            }
            if (o.node().has("requestBody")) {
                for (String status : List.of("400", "413")) {
                    if (!responses.has(status)) wrong.add(o.key() + " reads a body but does not document " + status);
                }
            }
            if (open) continue;   // /health answers 503 with its own report
            responses.properties().forEach(e -> {
                if (e.getKey().startsWith("4") || e.getKey().startsWith("5")) {
                    JsonNode schema = resolve(e.getValue()).path("content").path("application/json").path("schema");
                    if (!schema.path("$ref").asText().equals(SCHEMAS + "Error")) {
                        wrong.add(o.key() + " " + e.getKey() + " is not the Error schema");
                    }
                }
            });
        }

        assertThat(wrong).isEmpty();
    }

    @Test
    void streamsAreDocumentedAsEventStreams() {
        for (String path : List.of("/api/events", "/api/logs/stream")) {
            JsonNode ok = doc.path("paths").path(path).path("get").path("responses").path("200");

            assertThat(ok.path("content").has("text/event-stream")).as(path).isTrue();
            assertThat(ok.path("x-sse-events").isObject()).as(path).isTrue();
            assertThat(parameters(path)).as(path).contains("header Last-Event-ID", "query last_event_id",
                    "query access_token");
            assertThat(doc.path("paths").path(path).path("get").path("responses").has("406")).as(path).isTrue();
            assertThat(doc.path("paths").path(path).path("get").path("security").toString()).as(path)
                    .contains("accessTokenQuery");
        }
        assertThat(doc.path("paths").path("/api/events").path("get").path("responses").path("200").path("x-sse-events")
                .properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("jobs", "worker", "worker_removed", "command", "reset");
    }

    @Test
    void listParametersAreTheOnesTheServerAccepts() {
        Set<String> jobs = new HashSet<>(Arrays.asList(JobsApi.FILTER_PARAMS));
        jobs.addAll(List.of("limit", "cursor"));
        Set<String> logs = new HashSet<>(Arrays.asList(LogsApi.FILTER_PARAMS));
        logs.addAll(List.of("after_id", "before_id", "limit"));

        assertThat(queryParameters("/api/jobs")).isEqualTo(jobs);
        assertThat(queryParameters("/api/logs")).isEqualTo(logs);
    }

    private static Set<String> queryParameters(String path) {
        Set<String> out = new TreeSet<>();
        for (String p : parameters(path)) if (p.startsWith("query ")) out.add(p.substring("query ".length()));
        return out;
    }

    /** The GET operation's parameters as "in name". */
    private static Set<String> parameters(String path) {
        Set<String> out = new TreeSet<>();
        doc.path("paths").path(path).path("get").path("parameters").forEach(p -> {
            JsonNode param = resolve(p);
            out.add(param.path("in").asText() + " " + param.path("name").asText());
        });
        return out;
    }

    @Test
    void everyReferenceResolvesAndEverySchemaIsUsed() {
        Set<String> refs = new LinkedHashSet<>();
        collectRefs(doc, refs);
        List<String> dangling = refs.stream().filter(r -> !r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode()).toList();
        Set<String> unused = names(doc.path("components").path("schemas"));
        refs.forEach(r -> unused.remove(r.substring(r.lastIndexOf('/') + 1)));

        assertThat(refs).hasSizeGreaterThan(50);
        assertThat(dangling).as("$refs to nothing").isEmpty();
        assertThat(unused).as("schemas nothing refers to").isEmpty();
    }

    @Test
    void everySchemaIsAccountedFor() {
        Set<String> known = new HashSet<>(RESPONSES.keySet());
        known.addAll(REQUESTS.keySet());
        known.addAll(NOT_RECORDS);

        assertThat(names(doc.path("components").path("schemas")))
                .as("a new schema goes in RESPONSES or REQUESTS (it mirrors a record) or NOT_RECORDS")
                .containsExactlyInAnyOrderElementsOf(known);
    }

    @Test
    void responseSchemasHaveExactlyTheirRecordsFieldsAllRequired() {
        List<String> wrong = new ArrayList<>();

        RESPONSES.forEach((name, type) -> {
            JsonNode schema = schema(name);
            Set<String> fields = fieldNames(type);
            checkRecord(name, schema, type, wrong);
            // The API writes nulls too, so every field is always present.
            Set<String> required = new TreeSet<>();
            schema.path("required").forEach(n -> required.add(n.asText()));
            if (!required.equals(fields)) wrong.add(name + ": required " + required + " but the record writes " + fields);
        });

        assertThat(wrong).isEmpty();
    }

    @Test
    void requestSchemasHaveExactlyTheirRecordsFieldsAndRefuseOthers() {
        List<String> wrong = new ArrayList<>();

        REQUESTS.forEach((name, type) -> {
            JsonNode schema = schema(name);
            checkRecord(name, schema, type, wrong);
            if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
                wrong.add(name + ": the server refuses unknown fields; say \"additionalProperties\": false");
            }
        });

        assertThat(wrong).isEmpty();
    }

    /** Property names are the record's components in snake_case, with a compatible JSON type each. */
    private static void checkRecord(String name, JsonNode schema, Class<?> type, List<String> wrong) {
        assertThat(type.isRecord()).as(type.getName()).isTrue();
        Set<String> properties = names(schema.path("properties"));
        if (!properties.equals(fieldNames(type))) {
            wrong.add(name + ": properties " + properties + " but " + type.getSimpleName() + " has " + fieldNames(type));
            return;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            String field = snake(c.getName());
            String problem = typeProblem(schema.path("properties").path(field), c);
            if (problem != null) wrong.add(name + "." + field + ": " + problem);
        }
    }

    private static String typeProblem(JsonNode property, RecordComponent c) {
        Class<?> t = c.getType();
        if (c.getAccessor().isAnnotationPresent(JsonRawValue.class) || t == JsonNode.class) return null;   // any JSON
        Set<String> types = types(property);
        if (t.isPrimitive() && types.contains("null")) return "a Java " + t + " is never null";
        String expected;
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class) expected = "integer";
        else if (t == boolean.class || t == Boolean.class) expected = "boolean";
        else if (t == double.class || t == Double.class) expected = "number";
        else if (t == String.class || t == Instant.class) expected = "string";
        else if (List.class.isAssignableFrom(t)) expected = "array";
        else if (t.isRecord()) return recordProblem(property, t);
        else return "no JSON type known for " + t;
        if (!types.contains(expected)) return "documented as " + types + ", the record writes " + expected;
        if (t == Instant.class && !property.path("format").asText().equals("date-time")) return "an instant needs format date-time";
        if (expected.equals("array") && c.getGenericType() instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
            return recordProblem(property.path("items"), element);
        }
        return null;
    }

    private static String recordProblem(JsonNode property, Class<?> type) {
        String ref = property.path("$ref").asText();
        String name = ref.startsWith(SCHEMAS) ? ref.substring(SCHEMAS.length()) : "";
        Class<?> documented = RESPONSES.containsKey(name) ? RESPONSES.get(name) : REQUESTS.get(name);
        return type.equals(documented) ? null : "should refer to the schema of " + type.getSimpleName() + ", refers to " + ref;
    }

    /** The JSON types a schema allows, through $ref, oneOf and anyOf. */
    private static Set<String> types(JsonNode schema) {
        Set<String> out = new HashSet<>();
        if (schema.has("$ref")) out.addAll(types(doc.at(schema.get("$ref").asText().substring(1))));
        JsonNode type = schema.path("type");
        if (type.isTextual()) out.add(type.asText());
        type.forEach(n -> out.add(n.asText()));
        for (String k : List.of("oneOf", "anyOf")) schema.path(k).forEach(n -> out.addAll(types(n)));
        return out;
    }

    private static Set<String> fieldNames(Class<?> type) {
        Set<String> out = new TreeSet<>();
        for (RecordComponent c : type.getRecordComponents()) out.add(snake(c.getName()));
        return out;
    }

    /** The same translation as the API's mapper (ApiJson), so the check follows what is written. */
    private static String snake(String name) {
        return new PropertyNamingStrategies.SnakeCaseStrategy().translate(name);
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    private static JsonNode schema(String name) {
        JsonNode schema = doc.path("components").path("schemas").path(name);
        assertThat(schema.isObject()).as("schema " + name).isTrue();
        return schema;
    }

    private static JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? doc.at(node.get("$ref").asText().substring(1)) : node;
    }

    private static void collectRefs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) out.add(e.getValue().asText());
                else collectRefs(e.getValue(), out);
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}

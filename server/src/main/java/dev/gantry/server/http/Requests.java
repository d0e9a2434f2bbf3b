package dev.gantry.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.javalin.http.Context;

/**
 * Reading request bodies and parameters into typed values, or refusing them with a 400 that
 * says which field or parameter is wrong. Bodies are read with a byte limit (413 past it).
 */
public final class Requests {
    private final ObjectMapper json;
    private final long maxBodyBytes;

    public Requests(ObjectMapper json, long maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The JSON body as {@code type}; 400 when it is not valid JSON of that shape, 413 when too large. */
    public <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = bytes(ctx);
        if (bytes.length == 0) throw ApiException.badRequest("missing_body", "the request needs a JSON body", Map.of());
        try {
            T value = json.readValue(bytes, type);
            if (value == null) throw ApiException.badRequest("missing_body", "the request body must be a JSON object, not null", Map.of());
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown_field", "unknown field \"" + e.getPropertyName() + "\""
                    + known(e.getKnownPropertyIds()), Map.of("field", path(e)));
        } catch (InvalidFormatException e) {
            throw ApiException.badRequest("wrong_type", path(e) + ": cannot read " + shortValue(e.getValue())
                    + " as " + typeName(e.getTargetType()), Map.of("field", path(e)));
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw ApiException.badRequest("wrong_type", (field.isEmpty() ? "body" : field) + ": expected "
                    + typeName(e.getTargetType()), Map.of("field", field.isEmpty() ? "body" : field));
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage().lines().findFirst().orElse("");
            Map<String, Object> details = new LinkedHashMap<>();
            if (e.getLocation() != null) {
                details.put("line", e.getLocation().getLineNr());
                details.put("column", e.getLocation().getColumnNr());
            }
            throw ApiException.badRequest("malformed_json", "malformed JSON: " + truncate(reason, 200), details);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_json", "unreadable body", Map.of());
        }
    }

    private byte[] bytes(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) throw tooLarge();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) throw tooLarge();
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_body", "the body could not be read", Map.of());
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "body_too_large", "the body is larger than " + maxBodyBytes
                + " bytes (GANTRY_MAX_BODY_BYTES)", Map.of("max_bytes", maxBodyBytes));
    }

    /** An optional whole-number query parameter within [min, max]. */
    public static Long longParam(Context ctx, String name, long min, long max) {
        String v = single(ctx, name);
        if (v == null) return null;
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw ApiException.badParameter(name, "must be between " + min + " and " + max + ", got " + n);
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "must be a whole number, got \"" + truncate(v, 40) + "\"");
        }
    }

    public static Instant instantParam(Context ctx, String name) {
        String v = single(ctx, name);
        if (v == null) return null;
        try {
            return Instant.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badParameter(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got \""
                    + truncate(v, 40) + "\"");
        }
    }

    /** A query parameter given at most once; null when absent or empty. */
    public static String single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) throw ApiException.badParameter(name, "given " + values.size() + " times; give it once");
        if (values.isEmpty() || values.getFirst().isEmpty()) return null;
        String v = values.getFirst();
        if (v.length() > 1000) throw ApiException.badParameter(name, "is longer than 1000 characters");
        return v;
    }

    /** Refuses query parameters the endpoint does not know, so a typo is not silently ignored. */
    public static void onlyParams(Context ctx, String... known) {
        List<String> allowed = List.of(known);
        for (String name : ctx.queryParamMap().keySet()) {
            if (!allowed.contains(name)) {
                throw ApiException.badParameter(name, "unknown parameter" + (allowed.isEmpty() ? "; this endpoint takes none"
                        : "; known: " + String.join(", ", allowed)));
            }
        }
    }

    /** A path parameter that must be a positive id. */
    public static long idParam(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            long id = Long.parseLong(v);
            if (id < 1) throw ApiException.badParameter(name, "must be a positive whole number, got " + id);
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "must be a positive whole number, got \"" + truncate(v, 40) + "\"");
        }
    }

    private static String path(JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException m)) return "";
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String known(java.util.Collection<Object> ids) {
        if (ids == null || ids.isEmpty()) return "";
        return "; known fields: " + ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String typeName(Class<?> t) {
        if (t == null) return "a value";
        if (t == String.class) return "a string";
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "a whole number";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == Instant.class) return "an ISO-8601 instant";
        if (List.class.isAssignableFrom(t)) return "an array";
        if (t.isRecord() || Map.class.isAssignableFrom(t)) return "an object";
        return t.getSimpleName();
    }

    private static String shortValue(Object v) {
        return v == null ? "null" : "\"" + truncate(String.valueOf(v), 40) + "\"";
    }

    /** A caller's value cut short for an error message. */
    public static String clip(String s) {
        return truncate(s, 40);
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}

package dev.gantry.server.http;

import java.util.Map;

/**
 * A request the API refuses, carrying what the client sees: the status and the body
 * {@code {"error": {"code", "message", "details"}}}. Nothing was changed.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ApiException badRequest(String code, String message, Map<String, Object> details) {
        return new ApiException(400, code, message, details);
    }

    /** A query or path parameter that does not parse or is out of range. */
    public static ApiException badParameter(String name, String reason) {
        return new ApiException(400, "bad_parameter", name + ": " + reason, Map.of("parameter", name, "reason", reason));
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found", Map.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The response body. */
    public Map<String, Object> body() {
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("code", code);
        error.put("message", getMessage());
        error.put("details", details);
        return Map.of("error", error);
    }
}

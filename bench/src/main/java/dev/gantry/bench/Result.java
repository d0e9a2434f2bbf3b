package dev.gantry.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One measured line: the workload name, then its numbers, then the settings it ran with. */
record Result(String workload, Map<String, Object> fields) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Result of(String workload) {
        return new Result(workload, new LinkedHashMap<>());
    }

    Result with(String key, Object value) {
        fields.put(key, value instanceof Double d ? Math.round(d * 100) / 100.0 : value);
        return this;
    }

    double number(String key) {
        return ((Number) fields.get(key)).doubleValue();
    }

    String json() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("workload", workload);
        all.putAll(fields);
        try {
            return JSON.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headline number for the table: throughput, latency percentiles, or (few samples) median and maximum. */
    String headline() {
        if (fields.containsKey("jobs_per_s")) return String.format("%,.0f jobs/s", number("jobs_per_s"));
        if (medianAndMax()) return String.format("p50 %.1f  max %.1f ms", number("p50_ms"), number("max_ms"));
        return String.format("p50 %.1f  p95 %.1f  p99 %.1f ms", number("p50_ms"), number("p95_ms"), number("p99_ms"));
    }

    private boolean medianAndMax() {
        return !fields.containsKey("p95_ms") && fields.containsKey("p50_ms") && fields.containsKey("max_ms");
    }

    /** Everything but the headline, as key=value. */
    String settings() {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> {
            if (k.equals("jobs_per_s") || k.endsWith("_ms") && k.startsWith("p") || k.equals("max_ms") && medianAndMax()) return;
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(k).append('=').append(v);
        });
        return sb.toString();
    }
}

package dev.gantry.server.cli;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.store.LogEntry;

/** A worker log line as {@code gantry logs} prints it: JSON Lines with {@code --json}, text otherwise. */
record LogLine(long id, Instant createdAt, String workerId, Long jobId, String level, String logger, String message,
               JsonNode fields, String exception) {

    static LogLine of(LogEntry e) {
        return new LogLine(e.id(), e.createdAt(), e.workerId(), e.jobId(), e.level(), e.logger(), e.message(),
                JsonOutput.tree(e.fieldsJson()), e.exception());
    }

    /**
     * {@code 2026-01-01T10:00:00.123Z INFO  worker-1 job=42 app.Mailer: sent email to=a@b.c}, then
     * the exception's lines indented. The logger is shortened to its last two parts.
     */
    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(createdAt).append(' ').append(String.format("%-5s", level)).append(' ').append(workerId);
        if (jobId != null) sb.append(" job=").append(jobId);
        sb.append(' ').append(shortLogger()).append(": ").append(message);
        if (fields != null && fields.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("job_id") || f.getKey().equals("worker_id")) continue;
                JsonNode v = f.getValue();
                sb.append(' ').append(f.getKey()).append('=').append(v.isTextual() ? v.asText() : v.toString());
            }
        }
        if (exception != null) exception.lines().forEach(l -> sb.append(System.lineSeparator()).append("    ").append(l));
        return sb.toString();
    }

    private String shortLogger() {
        int last = logger.lastIndexOf('.');
        if (last < 0) return logger;
        int previous = logger.lastIndexOf('.', last - 1);
        return previous < 0 ? logger : logger.substring(previous + 1);
    }
}

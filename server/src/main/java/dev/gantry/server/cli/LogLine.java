package dev.gantry.server.cli;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.client.LogEntry;
import dev.gantry.server.cli.output.JsonOutput;

/** A worker log line as {@code gantry logs} prints it as text ({@code --json} prints the API's view of it). */
final class LogLine {
    private LogLine() {
    }

    /**
     * {@code 2026-01-01T10:00:00.123Z INFO  worker-1 job=42 app.Mailer: sent email to=a@b.c}, then
     * the exception's lines indented. The logger is shortened to its last two parts.
     */
    static String text(LogEntry e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.createdAt()).append(' ').append(String.format("%-5s", e.level())).append(' ').append(e.workerId());
        if (e.jobId() != null) sb.append(" job=").append(e.jobId());
        sb.append(' ').append(shortLogger(e.logger())).append(": ").append(e.message());
        JsonNode fields = JsonOutput.tree(e.fieldsJson());
        if (fields != null && fields.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("job_id") || f.getKey().equals("worker_id")) continue;
                JsonNode v = f.getValue();
                sb.append(' ').append(f.getKey()).append('=').append(v.isTextual() ? v.asText() : v.toString());
            }
        }
        if (e.exception() != null) e.exception().lines().forEach(l -> sb.append(System.lineSeparator()).append("    ").append(l));
        return sb.toString();
    }

    private static String shortLogger(String logger) {
        int last = logger.lastIndexOf('.');
        if (last < 0) return logger;
        int previous = logger.lastIndexOf('.', last - 1);
        return previous < 0 ? logger : logger.substring(previous + 1);
    }
}

package dev.gantry.server.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.TypeConversionException;

import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;
import dev.gantry.client.RawJson;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.cli.output.JsonOutput;

/**
 * Parses {@code gantry enqueue --file}: one JSON object per line, blank lines skipped. A line's
 * keys override the command line's options. Any bad line fails the whole file with its line
 * number, before anything is written.
 */
final class JobLines {
    /** How the client names the field of the i-th job of a batch. */
    private static final Pattern BATCH_FIELD = Pattern.compile("jobs\\[(\\d+)]\\.?(.*)");
    static final Set<String> KEYS = Set.of("kind", "args", "queue", "priority", "run_at", "delay", "max_attempts",
            "timeout", "unique_key", "tags");

    private final EnqueueOptions defaults;
    private final List<Integer> lineNumbers = new ArrayList<>();

    JobLines(EnqueueOptions defaults) {
        this.defaults = defaults;
    }

    List<JobRequest> parse(String text) {
        List<JobRequest> out = new ArrayList<>();
        int number = 0;
        for (String line : text.lines().toList()) {
            number++;
            if (line.isBlank()) continue;
            if (out.size() == GantryClient.MAX_BATCH) {
                throw bad(number, "more than " + GantryClient.MAX_BATCH + " jobs; split the file (split -l "
                        + GantryClient.MAX_BATCH + ")");
            }
            try {
                out.add(request(JsonOutput.MAPPER.readTree(line)));
                lineNumbers.add(number);
            } catch (JsonProcessingException e) {
                throw bad(number, "not valid JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException | TypeConversionException e) {
                throw bad(number, e.getMessage());
            }
        }
        return out;
    }

    /**
     * The client names a bad job of a batch {@code jobs[i].field}; this names its line instead,
     * or returns null when the error is not about one job.
     */
    String lineError(InvalidInputException e) {
        Matcher m = BATCH_FIELD.matcher(e.field());
        if (!m.matches()) return null;
        int index = Integer.parseInt(m.group(1));
        if (index >= lineNumbers.size()) return null;
        return "line " + lineNumbers.get(index) + ": " + (m.group(2).isEmpty() ? "" : m.group(2) + ": ") + e.reason();
    }

    private JobRequest request(JsonNode node) {
        if (!node.isObject()) throw new IllegalArgumentException("must be a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key \"" + key + "\" (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String kind = text(node, "kind");
        if (kind == null) throw new IllegalArgumentException("kind: is required");
        JsonNode args = node.get("args");
        EnqueueOptions o = defaults;
        if (node.hasNonNull("queue")) o = o.withQueue(text(node, "queue"));
        if (node.hasNonNull("priority")) o = o.withPriority(integer(node, "priority"));
        if (node.hasNonNull("run_at")) o = o.withRunAt(TimeInput.instant(text(node, "run_at"))).withDelay(null);
        if (node.hasNonNull("delay")) o = o.withDelay(TimeInput.duration(text(node, "delay"))).withRunAt(null);
        if (node.hasNonNull("max_attempts")) o = o.withMaxAttempts(integer(node, "max_attempts"));
        if (node.hasNonNull("timeout")) o = o.withTimeout(duration(node, "timeout"));
        if (node.hasNonNull("unique_key")) o = o.withUniqueKey(text(node, "unique_key"));
        if (node.hasNonNull("tags")) o = o.withTags(tags(node.get("tags")));
        if (node.hasNonNull("run_at") && node.hasNonNull("delay")) {
            throw new IllegalArgumentException("run_at and delay cannot be combined");
        }
        return new JobRequest(kind, new RawJson(args == null || args.isNull() ? "{}" : args.toString()), o);
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(key + ": must be a string");
        return v.asText();
    }

    private static int integer(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isInt()) throw new IllegalArgumentException(key + ": must be an integer");
        return v.asInt();
    }

    private static Duration duration(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v.isInt() || v.isLong()) return Duration.ofMillis(v.asLong());
        return TimeInput.duration(text(node, key));
    }

    private static String[] tags(JsonNode v) {
        if (!v.isArray()) throw new IllegalArgumentException("tags: must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode t : v) {
            if (!t.isTextual()) throw new IllegalArgumentException("tags: must be an array of strings");
            out.add(t.asText());
        }
        return out.toArray(String[]::new);
    }

    private static CliException bad(int line, String reason) {
        return new CliException(GantryCommand.EXIT_BAD_INPUT, "line " + line + ": " + reason);
    }
}

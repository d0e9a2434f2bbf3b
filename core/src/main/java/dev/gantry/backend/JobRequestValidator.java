package dev.gantry.backend;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.RawJson;
import dev.gantry.client.JobRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.store.NewJob;
import dev.gantry.time.TimeSource;

/**
 * Turns a request into a row to insert, or throws {@link InvalidInputException} naming the
 * field. The rules and messages are those of the SQL API's check_job_input, so every path
 * rejects the same input the same way.
 */
final class JobRequestValidator {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}");
    /**
     * Names that passed {@link #NAME}. A producer uses a few queues and kinds over and over, and
     * the regex was about a tenth of a 1,000-job enqueueMany's JVM time (JFR); bounded, so
     * callers sending ever new names cannot grow it.
     */
    private static final Set<String> GOOD_NAMES = ConcurrentHashMap.newKeySet();
    private static final int GOOD_NAMES_MAX = 4096;
    static final Pattern LIMIT_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,199}");
    static final int MAX_PRIORITY = 32767;
    static final int MAX_ATTEMPTS_LIMIT = 1000;
    static final int MAX_TAGS = 50;
    static final long MAX_TIMEOUT_SECONDS = 2_000_000;
    /** A uniqueness window's period (unique_while), as gantry.check_unique_while reads it. */
    private static final Pattern PERIOD = Pattern.compile("([1-9][0-9]{0,6})([smhd])");
    /**
     * Jackson's escape of NUL (backslash, u, 0000) not itself escaped: after an even run of backslashes
     * it is a literal backslash followed by plain text, which jsonb stores fine.
     */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)(?:\\\\\\\\)*\\\\u0000");

    private final ObjectMapper json;
    private final int maxArgsBytes;
    private final TimeSource time;

    JobRequestValidator(ObjectMapper json, int maxArgsBytes, TimeSource time) {
        this.json = json;
        this.maxArgsBytes = maxArgsBytes;
        this.time = time;
    }

    NewJob validate(JobRequest request) {
        String kind = name("kind", request.kind());
        EnqueueOptions o = request.options();
        String queue = name("queue", o.queue());
        String args = args(request.args());
        if (o.priority() < 0 || o.priority() > MAX_PRIORITY) {
            throw new InvalidInputException("priority", "must be between 0 and " + MAX_PRIORITY
                    + " (lower runs first), got " + o.priority());
        }
        int maxAttempts = o.maxAttempts() == null ? EnqueueOptions.DEFAULT_MAX_ATTEMPTS : o.maxAttempts();
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new InvalidInputException("max_attempts", "must be between 1 and " + MAX_ATTEMPTS_LIMIT
                    + ", got " + maxAttempts);
        }
        // Lengths in characters (code points), as PostgreSQL's char_length counts them in check_job_input.
        if (o.uniqueKey() != null && (o.uniqueKey().isEmpty() || chars(o.uniqueKey()) > 512)) {
            throw new InvalidInputException("unique_key", "must be 1 to 512 characters");
        }
        if (o.tags().size() > MAX_TAGS) {
            throw new InvalidInputException("tags", "at most " + MAX_TAGS + " tags, got " + o.tags().size());
        }
        for (String tag : o.tags()) {
            if (tag == null || tag.isEmpty() || chars(tag) > 128) {
                throw new InvalidInputException("tags", "each tag must be 1 to 128 characters");
            }
        }
        Integer timeoutMs = null;
        if (o.timeout() != null) {
            if (o.timeout().compareTo(Duration.ofSeconds(1)) < 0 || o.timeout().getSeconds() > MAX_TIMEOUT_SECONDS) {
                throw new InvalidInputException("timeout", "must be between 1 s and " + MAX_TIMEOUT_SECONDS
                        + " s, got " + o.timeout());
            }
            timeoutMs = (int) o.timeout().toMillis();
        }
        if (o.runAt() != null && o.delay() != null) {
            throw new InvalidInputException("run_at", "set either run_at or delay, not both");
        }
        if (o.delay() != null && o.delay().isNegative()) {
            throw new InvalidInputException("delay", "must not be negative, got " + o.delay());
        }
        Instant runAt = o.delay() != null ? time.now().plus(o.delay()) : o.runAt();
        String uniqueWhile = null;
        Long uniqueSeconds = null;
        if (o.uniqueWhile() != null && !o.uniqueWhile().equals("forever")) {
            if (o.uniqueKey() == null) throw new InvalidInputException("unique_while", "needs a unique_key");
            if (o.uniqueWhile().equals("waiting") || o.uniqueWhile().equals("active")) {
                uniqueWhile = o.uniqueWhile();
            } else {
                uniqueSeconds = period(o.uniqueWhile());
                uniqueWhile = "period";
            }
        }
        return new NewJob(queue, kind, args, o.priority(), maxAttempts, runAt, timeoutMs, o.uniqueKey(), o.tags(),
                uniqueWhile, uniqueSeconds, o.limitKey() == null ? null : limitKey(o.limitKey()));
    }

    /** A limit key, checked as the SQL API's check_limit_key does, with the same message. */
    static String limitKey(String value) {
        if (value == null || value.isEmpty()) throw new InvalidInputException("limit_key", "must not be empty");
        if (!LIMIT_KEY.matcher(value).matches()) {
            throw new InvalidInputException("limit_key", "must be at most 200 letters, digits or _ . : @ - (not starting with . : @ -), got \""
                    + (value.length() > 200 ? value.substring(0, 200) : value) + "\"");
        }
        return value;
    }

    /** A period as gantry.check_unique_while reads it, in seconds. */
    private static long period(String text) {
        var m = PERIOD.matcher(text);
        if (!m.matches()) {
            throw new InvalidInputException("unique_while", "must be waiting, active, forever or a period such as 30s, 10m, 1h, 7d; got \""
                    + (text.length() > 100 ? text.substring(0, 100) : text) + "\"");
        }
        long n = Long.parseLong(m.group(1));
        return n * switch (m.group(2)) {
            case "s" -> 1;
            case "m" -> 60;
            case "h" -> 3600;
            default -> 86_400;
        };
    }

    private static int chars(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A queue or kind name, checked as the SQL API's check_name does, with the same message. */
    static String name(String field, String value) {
        if (value != null && GOOD_NAMES.contains(value)) return value;
        if (value == null || value.isEmpty()) throw new InvalidInputException(field, "must not be empty");
        if (!NAME.matcher(value).matches()) {
            throw new InvalidInputException(field, "must be at most 128 letters, digits or _ . : - (not starting with . : -), got \""
                    + (value.length() > 200 ? value.substring(0, 200) : value) + "\"");
        }
        if (GOOD_NAMES.size() < GOOD_NAMES_MAX) GOOD_NAMES.add(value);
        return value;
    }

    String args(Object args) {
        if (args == null) throw new InvalidInputException("args", "must not be null (use {} for no arguments)");
        String text;
        try {
            text = args instanceof RawJson raw ? parse(raw) : json.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("args", "cannot be serialized to JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("args", "cannot be serialized to JSON: " + e.getMessage());
        }
        if (text.equals("null")) throw new InvalidInputException("args", "must not be null (use {} for no arguments)");
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxArgsBytes) {
            throw new InvalidInputException("args", "is " + bytes + " bytes, over the limit of " + maxArgsBytes + " bytes");
        }
        if (text.contains("\\u0000") && NUL_ESCAPE.matcher(text).find()) {
            throw new InvalidInputException("args", "must not contain the NUL character (\\u0000), which jsonb cannot store");
        }
        return text;
    }

    /** Normalizes RawJson; empty text or text after the first value is bad input, not silently dropped. */
    private String parse(RawJson raw) {
        if (raw.json() == null) throw new InvalidInputException("args", "must not be null (use {} for no arguments)");
        JsonNode node;
        try {
            node = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(raw.json());
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("args", "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) throw new InvalidInputException("args", "is not valid JSON: it is empty");
        return node.toString();
    }
}

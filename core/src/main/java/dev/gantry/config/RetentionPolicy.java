package dev.gantry.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gantry.job.JobState;

/**
 * How long finished jobs are kept, per final state, overridable per queue, per kind, or both
 * (docs/retention.md). Written as {@code GANTRY_RETENTION} is:
 * {@code completed=24h,cancelled=7d,discarded=30d,queue:audit/completed=forever,kind:report.build/discarded=90d}.
 * The most specific rule that matches a job decides: queue and kind, then kind, then queue,
 * then the state's global rule. Immutable.
 */
public record RetentionPolicy(List<Rule> rules) {
    private static final Pattern ENTRY = Pattern.compile(
            "(?:queue:([^/=,\\s]+)/)?(?:kind:([^/=,\\s]+)/)?(completed|cancelled|discarded)=(forever|([1-9][0-9]{0,6})([smhd]))");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}");
    private static final String DEFAULT_TEXT = "completed=24h,cancelled=7d,discarded=30d";
    /** {@code completed=24h,cancelled=7d,discarded=30d}. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(List.copyOf(rules("retention", DEFAULT_TEXT).values()));
    /** Keeps every finished job. */
    public static final RetentionPolicy FOREVER = parse("retention", "completed=forever,cancelled=forever,discarded=forever");


    /**
     * One rule: jobs in {@code state} (and {@code queue}, {@code kind} when not null) are deleted
     * once they finished longer than {@code keep} ago; {@code keep} null keeps them for ever.
     */
    public record Rule(String queue, String kind, JobState state, Duration keep) {
        /** 0 global, 1 queue, 2 kind, 3 queue and kind: the higher decides. */
        public int specificity() {
            return (queue == null ? 0 : 1) + (kind == null ? 0 : 2);
        }

        /** Whether a job this rule matches may also match {@code other}. */
        public boolean overlaps(Rule other) {
            return state == other.state && (queue == null || other.queue == null || queue.equals(other.queue))
                    && (kind == null || other.kind == null || kind.equals(other.kind));
        }

        @Override
        public String toString() {
            return (queue == null ? "" : "queue:" + queue + "/") + (kind == null ? "" : "kind:" + kind + "/")
                    + state.dbName() + "=" + (keep == null ? "forever" : format(keep));
        }
    }

    public RetentionPolicy {
        rules = List.copyOf(rules);
    }

    /**
     * Reads the text form. States not named keep the default's rule ({@code completed=24h}
     * alone still deletes discarded jobs after 30 days); a rule named twice is an error.
     *
     * @throws ConfigException naming {@code setting}
     */
    public static RetentionPolicy parse(String setting, String text) {
        Map<String, Rule> rules = rules(setting, text);
        List<Rule> out = new ArrayList<>(rules.values());
        for (Rule d : DEFAULT.rules()) {
            if (!rules.containsKey(d.state().dbName())) out.add(d);
        }
        return new RetentionPolicy(out);
    }

    private static Map<String, Rule> rules(String setting, String text) {
        if (text == null || text.isBlank()) throw new ConfigException(setting, "must not be empty; e.g. completed=24h,cancelled=7d,discarded=30d");
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (String raw : text.split(",")) {
            String entry = raw.strip();
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new ConfigException(setting, "\"" + entry + "\" is not [queue:<name>/][kind:<name>/]<completed|cancelled|discarded>="
                        + "<n><s|m|h|d> or =forever (e.g. completed=24h, queue:audit/discarded=forever)");
            }
            String queue = m.group(1);
            String kind = m.group(2);
            for (String name : new String[] {queue, kind}) {
                if (name != null && !NAME.matcher(name).matches()) {
                    throw new ConfigException(setting, "\"" + entry + "\": \"" + name + "\" is not a queue or kind name");
                }
            }
            Duration keep = m.group(4).equals("forever") ? null : duration(Long.parseLong(m.group(5)), m.group(6));
            Rule rule = new Rule(queue, kind, JobState.fromDb(m.group(3)), keep);
            String key = (queue == null ? "" : "queue:" + queue + "/") + (kind == null ? "" : "kind:" + kind + "/") + m.group(3);
            if (rules.put(key, rule) != null) throw new ConfigException(setting, "\"" + key + "\" is given twice");
        }
        return rules;
    }

    private static Duration duration(long n, String unit) {
        return switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) return s / 86_400 + "d";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    /** The rules that take precedence over {@code rule} for some of its jobs: more specific and overlapping. */
    public List<Rule> overriding(Rule rule) {
        return rules.stream().filter(r -> r != rule && r.specificity() > rule.specificity() && r.overlaps(rule)).toList();
    }

    @Override
    public String toString() {
        return String.join(",", rules.stream().map(Rule::toString).toList());
    }
}

package dev.gantry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** One queue a worker takes jobs from, and how many of its jobs it runs at once. */
public record QueueConfig(String name, int concurrency) {
    public static final int MAX_CONCURRENCY = 10_000;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}");

    public QueueConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException("queue", "name must be at most 128 letters, digits or _ . : -, got \"" + name + "\"");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ConfigException("queue " + name, "concurrency must be between 1 and " + MAX_CONCURRENCY
                    + ", got " + concurrency);
        }
    }

    /** Parses {@code default:16,mail:4}; a queue without {@code :n} gets {@code defaultConcurrency}. */
    public static List<QueueConfig> parseList(String setting, String spec, int defaultConcurrency) {
        if (spec == null || spec.isBlank()) throw new ConfigException(setting, "must name at least one queue");
        List<QueueConfig> queues = new ArrayList<>();
        // -1 keeps trailing empty entries, so "a:1," is rejected like ",a:1".
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            String[] nc = p.split(":(?=[^:]*$)", 2);
            String name = nc[0].trim();
            int concurrency = defaultConcurrency;
            if (nc.length == 2) {
                try {
                    concurrency = Integer.parseInt(nc[1].trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException(setting, "concurrency of queue \"" + name + "\" must be a number, got \""
                            + nc[1] + "\"");
                }
            }
            try {
                QueueConfig q = new QueueConfig(name, concurrency);
                if (queues.stream().anyMatch(x -> x.name().equals(q.name()))) {
                    throw new ConfigException(setting, "queue \"" + name + "\" is listed twice");
                }
                queues.add(q);
            } catch (ConfigException e) {
                throw e.setting().equals(setting) ? e : new ConfigException(setting, e.getMessage());
            }
        }
        return List.copyOf(queues);
    }

    /** The inverse of {@link #parseList}. */
    public static String format(List<QueueConfig> queues) {
        return String.join(",", queues.stream().map(q -> q.name() + ":" + q.concurrency()).toList());
    }
}

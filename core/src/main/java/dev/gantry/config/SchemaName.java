package dev.gantry.config;

import java.util.regex.Pattern;

import dev.gantry.error.InvalidInputException;

/** The PostgreSQL schema Gantry lives in: a plain lowercase identifier so it never needs quoting. */
public record SchemaName(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    public static final SchemaName DEFAULT = new SchemaName("gantry");

    public SchemaName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidInputException("schema",
                    "must be a lowercase identifier (letters, digits, _; at most 63), got \"" + value + "\"");
        }
    }

    /** The NOTIFY channel on which inserts and staging announce available jobs. */
    public String jobAvailableChannel() {
        return value + ".job_available";
    }

    /** The NOTIFY channel on which gantry.pause_queue and gantry.resume_queue tell workers to look again. */
    public String queueChangedChannel() {
        return value + ".queue_changed";
    }

    /** The NOTIFY channel of job state changes, written by the jobs triggers (docs/events.md). */
    public String jobEventsChannel() {
        return value + ".job_events";
    }

    @Override
    public String toString() {
        return value;
    }
}

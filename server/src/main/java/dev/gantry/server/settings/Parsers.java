package dev.gantry.server.settings;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import dev.gantry.config.ConfigException;

/** Parsers for setting values; each throws with a message that shows the bad value (secrets excepted). */
final class Parsers {
    private Parsers() {
    }

    static Duration millis(String raw, long min, long max) {
        return Duration.ofMillis(number(raw, min, max));
    }

    static long number(String raw, long min, long max) {
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException("value", "must be a whole number, got \"" + raw + "\"");
        }
        if (v < min || v > max) {
            throw new ConfigException("value", "must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    static int port(String raw) {
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException("value", "must be a port number (0 turns it off), got \"" + raw + "\"");
        }
        if (v < 0 || v > 65535) throw new ConfigException("value", "must be between 0 and 65535, got " + v);
        return v;
    }

    /** A host name or an IP address to listen on; brackets allowed around IPv6. */
    static String host(String raw) {
        if (raw.isEmpty() || raw.length() > 255 || !raw.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw new ConfigException("value", "must be a host name or IP address, got \"" + raw + "\"");
        }
        return raw;
    }

    static boolean bool(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException("value", "must be true or false, got \"" + raw + "\"");
        };
    }

    static String oneOf(String raw, Set<String> allowed, boolean upper) {
        String v = upper ? raw.toUpperCase(Locale.ROOT) : raw.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new ConfigException("value", "must be one of " + String.join(", ", allowed.stream().sorted().toList())
                    + ", got \"" + raw + "\"");
        }
        return v;
    }

    static String workerId(String raw) {
        if (raw.isEmpty() || raw.length() > 200 || !raw.matches("[A-Za-z0-9_.:@-]+")) {
            throw new ConfigException("value", "must be 1 to 200 letters, digits or _ . : @ -, got \"" + raw + "\"");
        }
        return raw;
    }
}

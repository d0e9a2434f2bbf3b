package dev.gantry.server.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The secret values of this process (database password, tokens). Every log line, on the
 * console and shipped to the database, has them replaced by ****, whoever logged them. Passwords
 * inside any URL are masked by their shape as well (a {@code password=} parameter, a
 * {@code scheme://user:password@} user info), whether or not this process knows the value.
 */
public final class SecretMask {
    public static final SecretMask INSTANCE = new SecretMask();
    private static final int MIN_LENGTH = 4;   // masking "a" would mangle every line
    /** password=, sslpassword=, PASSWORD= ...: the value ends where a URL parameter, a word or a JSON string ends. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s\"'\\\\]+");
    /**
     * user:password@ after a scheme, up to the last @ of the URL (a password may hold an
     * unencoded @); slashes may be JSON-escaped (\/) as Logback's JSON encoder writes them.
     */
    private static final Pattern USER_INFO = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*:(?:\\\\?/){2}[^\\s:/@\"'\\\\]*:)[^\\s\"']*@");

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    public void add(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH && !secrets.contains(secret)) secrets.add(secret);
    }

    public void addAll(List<String> values) {
        values.forEach(this::add);
    }

    public String mask(String text) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) out = out.replace(s, "****");
        }
        if (out.contains("://") || out.contains(":\\/\\/")) out = USER_INFO.matcher(out).replaceAll("$1****@");
        if (containsIgnoreCase(out, "password=")) out = PASSWORD_PARAM.matcher(out).replaceAll("$1****");
        return out.equals(text) ? text : out;
    }

    private static boolean containsIgnoreCase(String text, String part) {
        for (int i = 0; i + part.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, part, 0, part.length())) return true;
        }
        return false;
    }
}

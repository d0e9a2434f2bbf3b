package dev.gantry.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL location given as {@code postgres://user:pass@host:port/db?params} or
 * {@code jdbc:postgresql://...}. The password is kept out of {@link #toString()} and of
 * {@link #redacted()}, which is what logs and errors show.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public static DatabaseUrl parse(String setting, String text) {
        if (text == null || text.isBlank()) throw new ConfigException(setting, "must not be empty");
        String t = text.trim();
        if (t.startsWith("jdbc:postgresql://")) {
            return new DatabaseUrl(t, null, null);
        }
        if (!t.startsWith("postgres://") && !t.startsWith("postgresql://")) {
            throw new ConfigException(setting, "must start with postgres://, postgresql:// or jdbc:postgresql://, got \""
                    + redact(t) + "\"");
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new ConfigException(setting, "is not a valid URL (" + e.getReason() + "): \"" + redact(t) + "\"");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(setting, "has no host: \"" + redact(t) + "\"");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw new ConfigException(setting, "has no database name: \"" + redact(t) + "\"");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseUrl(jdbc, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL with any password replaced by ****. */
    public String redacted() {
        return redact(jdbcUrl) + (user == null ? "" : " (user " + user + ")");
    }

    static String redact(String url) {
        return url.replaceAll("(://[^:/@]+):[^@/]*@", "$1:****@")
                .replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    @Override
    public String toString() {
        return redacted();
    }
}

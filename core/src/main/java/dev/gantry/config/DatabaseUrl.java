package dev.gantry.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL location given as {@code postgres://user:pass@host:port/db?params} or
 * {@code jdbc:postgresql://...}. The password is kept out of {@link #toString()} and of
 * {@link #redacted()}, which is what logs and errors show.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&]*");
    private static final Pattern USER_INFO = Pattern.compile("(://[^:/@?#]*):.*@", Pattern.DOTALL);

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

    /** Percent-decoding only: URL user info is not form-encoded, so a + stays a plus. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Every password this URL carries, for log masks: the user info's, and each password
     * parameter of the query (password, sslpassword, in any case) both as written and as the
     * driver decodes it. A JDBC URL keeps its password in {@link #jdbcUrl()}, not in {@link #password()}.
     */
    public List<String> secrets() {
        Set<String> out = new LinkedHashSet<>();
        if (password != null) out.add(password);
        int query = jdbcUrl.indexOf('?');
        String beforeQuery = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        Matcher userInfo = USER_INFO.matcher(beforeQuery);   // jdbc:postgresql://user:pass@host, which the driver refuses
        if (userInfo.find()) out.add(beforeQuery.substring(userInfo.end(1) + 1, userInfo.end() - 1));
        for (String param : query < 0 ? new String[0] : jdbcUrl.substring(query + 1).split("&")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).toLowerCase(Locale.ROOT).contains("password") && eq + 1 < param.length()) {
                String written = param.substring(eq + 1);
                out.add(written);
                out.add(URLDecoder.decode(written, StandardCharsets.UTF_8));   // as pgjdbc decodes parameter values
            }
        }
        return List.copyOf(out);
    }

    /** The URL with any password replaced by ****. */
    public String redacted() {
        return redact(jdbcUrl) + (user == null ? "" : " (user " + user + ")");
    }

    /**
     * Hides passwords, also in text that failed to parse: a password holding an unencoded @, /, ?
     * or # ends the user info or the authority early, so everything from the user name's colon to
     * the last @ is hidden (over-hiding a host is better than showing part of a password).
     */
    static String redact(String url) {
        String s = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
        Matcher userInfo = USER_INFO.matcher(s);
        if (userInfo.find()) return userInfo.replaceFirst("$1:****@");
        int at = s.lastIndexOf('@');
        return at < 0 || s.contains("://") ? s : "****" + s.substring(at);
    }

    @Override
    public String toString() {
        return redacted();
    }
}

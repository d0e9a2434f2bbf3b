package dev.gantry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A SQL constant with {@code :name} parameters, parsed once into JDBC's positional form. The
 * parser skips {@code ::} casts, quoted strings, quoted identifiers, dollar-quoted bodies and
 * comments. The schema prefix {@code gantry.} is rewritten to the configured schema here, once,
 * so the constants stay readable and schema-qualified.
 */
final class NamedSql {
    private static final Pattern SCHEMA_PREFIX = Pattern.compile("\\bgantry\\.");

    private final String jdbcSql;
    private final List<String> names;

    private NamedSql(String jdbcSql, List<String> names) {
        this.jdbcSql = jdbcSql;
        this.names = List.copyOf(names);
    }

    static NamedSql parse(String sql, String schema) {
        String text = schema.equals("gantry") ? sql : SCHEMA_PREFIX.matcher(sql).replaceAll(schema + ".");
        StringBuilder out = new StringBuilder(text.length());
        List<String> names = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                end = end < 0 ? n : end + 1;
                out.append(text, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(text, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(text, i, end);
                i = end;
            } else if (c == '$' && i + 1 < n && text.charAt(i + 1) == '$') {
                int end = text.indexOf("$$", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(text, i, end);
                i = end;
            } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && Character.isJavaIdentifierStart(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(text.charAt(end))) end++;
                names.add(text.substring(i + 1, end));
                out.append('?');
                i = end;
            } else if (c == '?') {
                // jsonb's ? operator would be taken for a JDBC parameter; write jsonb_exists() instead.
                throw new IllegalArgumentException("bare ? in named SQL: use :name parameters and jsonb_exists()");
            } else {
                out.append(c);
                i++;
            }
        }
        return new NamedSql(out.toString(), names);
    }

    String jdbcSql() {
        return jdbcSql;
    }

    List<String> names() {
        return names;
    }

    /** Prepares the statement and binds every named value; a name without a value is a programming error. */
    PreparedStatement prepare(Connection conn, Map<String, ?> values) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(jdbcSql);
        try {
            for (int p = 0; p < names.size(); p++) {
                String name = names.get(p);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("parameter :" + name + " is not bound");
                }
                bind(conn, ps, p + 1, values.get(name));
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bind(Connection conn, PreparedStatement ps, int index, Object value) throws SQLException {
        switch (value) {
            case null -> ps.setNull(index, Types.NULL);
            case Instant instant -> ps.setTimestamp(index, Timestamp.from(instant));
            case SqlArray array -> ps.setArray(index, conn.createArrayOf(array.type(), array.values()));
            default -> ps.setObject(index, value);
        }
    }

    /** A value bound as a PostgreSQL array of the given element type. */
    record SqlArray(String type, Object[] values) {
        static SqlArray of(String type, Collection<?> values) {
            return new SqlArray(type, values.toArray());
        }
    }
}

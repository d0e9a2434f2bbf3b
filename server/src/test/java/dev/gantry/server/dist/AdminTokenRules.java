package dev.gantry.server.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * No distribution file may give the admin token a value: a token written in a file that ships
 * with Gantry is known to everyone who has the file (issue 11). A file may name the variable,
 * read it from a Secret, pass it through ({@code $GANTRY_ADMIN_TOKEN}), require it from the
 * operator ({@code ${GANTRY_ADMIN_TOKEN:?message}}) or leave it empty, so that the server
 * generates one. Read line by line, whatever the format (YAML, unit file, Dockerfile, .env), so a
 * new file or a new way of writing it is caught too.
 */
final class AdminTokenRules {
    private static final Pattern NAMED = Pattern.compile("(GANTRY_ADMIN_TOKEN|--admin-token)(\\s*[:=]\\s*|\\s+)(.*)");
    /** What may stand where a value would: nothing, a pass-through, or a required interpolation. */
    private static final Pattern NO_VALUE = Pattern.compile(
            "|\\$GANTRY_ADMIN_TOKEN|\\$\\{GANTRY_ADMIN_TOKEN}|\\$\\{GANTRY_ADMIN_TOKEN:?\\?[^}]*}");

    private AdminTokenRules() {
    }

    /** One line per value found, naming the file and line. */
    static List<String> problems(String file, String text) {
        List<String> problems = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#") || line.startsWith(";") || !(line.contains("GANTRY_ADMIN_TOKEN") || line.contains("--admin-token"))) {
                continue;
            }
            if (line.matches("key:\\s*[\"']?GANTRY_ADMIN_TOKEN[\"']?")) continue;   // a secretKeyRef's key
            String value;
            if (line.matches("-?\\s*name:\\s*[\"']?GANTRY_ADMIN_TOKEN[\"']?")) {
                value = kubernetesEnvValue(lines, i);   // its value, if any, is on a line of its own
            } else {
                Matcher m = NAMED.matcher(line);
                if (!m.find()) continue;
                value = m.group(3);
            }
            value = unquote(value.strip());
            if (!NO_VALUE.matcher(value).matches()) {
                problems.add(file + ":" + (i + 1) + ": the admin token has a fixed value (" + value + "); anyone with this"
                        + " file could use it: require it (${GANTRY_ADMIN_TOKEN:?...}), read it from a Secret, or leave it"
                        + " unset so the server generates one");
            }
        }
        return problems;
    }

    /** The {@code value:} of a Kubernetes env entry whose {@code name:} is on line {@code at}; empty without one. */
    private static String kubernetesEnvValue(List<String> lines, int at) {
        int indent = indent(lines.get(at));
        for (int j = at + 1; j < lines.size() && indent(lines.get(j)) > indent; j++) {
            String l = lines.get(j).strip();
            if (l.startsWith("value:")) return l.substring("value:".length());
        }
        return "";
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') n++;
        return line.isBlank() ? Integer.MAX_VALUE : n;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))
                ? v.substring(1, v.length() - 1) : v;
    }
}

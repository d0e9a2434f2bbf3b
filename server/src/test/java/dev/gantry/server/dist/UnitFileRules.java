package dev.gantry.server.dist;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a systemd unit file (sections, repeated keys, backslash continuations) and lists what
 * would make systemd reject it or stop the process before its graceful shutdown ends.
 */
final class UnitFileRules {
    private static final Set<String> SECTIONS = Set.of("Unit", "Service", "Install");
    private static final Pattern TIME_PART = Pattern.compile("(\\d+)\\s*(msec|ms|seconds?|sec|s|minutes?|min|m|hours?|hr|h)?");

    /** Section → key → every value given, in order. */
    record UnitFile(Map<String, Map<String, List<String>>> sections) {
        List<String> values(String section, String key) {
            return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        }

        String last(String section, String key) {
            List<String> v = values(section, key);
            return v.isEmpty() ? null : v.get(v.size() - 1);
        }
    }

    private UnitFileRules() {
    }

    static UnitFile parse(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        String section = null;
        StringBuilder pending = new StringBuilder();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            line = pending.append(line).toString().strip();
            pending.setLength(0);
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) throw new IllegalArgumentException("line " + n + ": bad section header " + line);
                section = line.substring(1, line.length() - 1);
                sections.putIfAbsent(section, new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (section == null || eq < 1) throw new IllegalArgumentException("line " + n + ": not Key=Value in a section: " + line);
            sections.get(section).computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        if (!pending.isEmpty()) throw new IllegalArgumentException("the file ends inside a continuation");
        return new UnitFile(sections);
    }

    /**
     * @param command the gantry command ExecStart must run (worker, server)
     * @param specifiers values for the unit's %-specifiers, such as an instance name for %i
     */
    static List<String> problems(String text, String command, Map<String, String> specifiers) {
        List<String> problems = new ArrayList<>();
        UnitFile unit;
        try {
            unit = parse(text);
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        for (String s : SECTIONS) if (!unit.sections().containsKey(s)) problems.add("no [" + s + "] section");
        for (String s : unit.sections().keySet()) if (!SECTIONS.contains(s)) problems.add("unknown section [" + s + "]");

        List<String> exec = unit.values("Service", "ExecStart");
        if (exec.size() != 1) {
            problems.add("wants exactly one ExecStart, found " + exec.size());
        } else {
            List<String> args = List.of(exec.get(0).split("\\s+"));
            int jar = args.indexOf("-jar");
            if (!args.get(0).startsWith("/")) problems.add("ExecStart: " + args.get(0) + " is not an absolute path");
            if (jar < 0 || jar + 2 >= args.size() || !args.get(jar + 1).endsWith("/gantry.jar")
                    || !args.get(jar + 2).equals(command)) {
                problems.add("ExecStart does not run gantry.jar " + command + ": " + exec.get(0));
            }
        }
        expect(unit, "User", "gantry", problems);
        expect(unit, "Restart", "on-failure", problems);
        expect(unit, "KillSignal", "SIGTERM", problems);
        if (unit.values("Service", "EnvironmentFile").isEmpty()) problems.add("no EnvironmentFile");
        if (!unit.values("Service", "SuccessExitStatus").stream().anyMatch(v -> List.of(v.split("\\s+")).contains("143"))) {
            problems.add("SuccessExitStatus lacks 143: the JVM's exit after SIGTERM would count as a failure");
        }
        if ("yes".equals(unit.last("Service", "MemoryDenyWriteExecute"))) {
            problems.add("MemoryDenyWriteExecute=yes stops the JIT compiler");
        }
        if (unit.values("Install", "WantedBy").isEmpty()) problems.add("no WantedBy: systemctl enable would do nothing");

        Map<String, String> env = environment(unit, specifiers);
        GantryEnvironment settings = command.equals("worker") ? GantryEnvironment.worker(env) : GantryEnvironment.server(env);
        problems.addAll(settings.errors());
        String stop = unit.last("Service", "TimeoutStopSec");
        if (stop == null) {
            problems.add("no TimeoutStopSec; the default 90 s is the host's choice, not ours");
        } else {
            try {
                if (timeSpanMillis(stop) <= settings.shutdownTimeoutMillis()) {
                    problems.add("TimeoutStopSec " + stop + " does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS "
                            + settings.shutdownTimeoutMillis());
                }
            } catch (IllegalArgumentException e) {
                problems.add("TimeoutStopSec: " + e.getMessage());
            }
        }
        return problems;
    }

    private static void expect(UnitFile unit, String key, String wanted, List<String> problems) {
        String v = unit.last("Service", key);
        if (!wanted.equals(v)) problems.add(key + " is " + v + ", wants " + wanted);
    }

    /**
     * The Environment= assignments with specifiers expanded. The DATABASE_URL that the
     * EnvironmentFile would hold is stood in for, so only the unit's own values are judged.
     */
    private static Map<String, String> environment(UnitFile unit, Map<String, String> specifiers) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", "postgres://gantry@db.example:5432/gantry");
        for (String line : unit.values("Service", "Environment")) {
            for (String assignment : line.split("\\s+")) {
                String a = assignment.replaceAll("^\"|\"$", "");
                for (var s : specifiers.entrySet()) a = a.replace(s.getKey(), s.getValue());
                int eq = a.indexOf('=');
                if (eq > 0) env.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        return env;
    }

    /** A systemd time span: a bare number is seconds; "1min 30s" adds up; "infinity" never ends. */
    static long timeSpanMillis(String text) {
        if (text.strip().equals("infinity")) return Long.MAX_VALUE;
        Matcher m = TIME_PART.matcher(text.strip());
        long ms = 0;
        int end = 0;
        while (m.find()) {
            if (!text.strip().substring(end, m.start()).isBlank()) break;
            long v = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            ms += switch (unit.charAt(0)) {
                case 'h' -> v * 3_600_000;
                case 'm' -> unit.startsWith("ms") ? v : v * 60_000;
                default -> v * 1_000;
            };
            end = m.end();
        }
        if (end != text.strip().length() || end == 0) throw new IllegalArgumentException("not a systemd time span: " + text);
        return ms;
    }
}

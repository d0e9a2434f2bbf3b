package dev.gantry.server.dist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a Dockerfile the way the builder splits it (comments, blank lines, backslash
 * continuations) and lists what would break the build or the image: unknown instructions,
 * {@code COPY --from} naming no earlier stage, a module pom missing from the dependency layer,
 * a final stage without a health check, a non-root user or an exec-form entry point.
 * No Docker engine runs here; this is the next best thing to building the image.
 */
final class DockerfileRules {
    private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE",
            "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
            "HEALTHCHECK", "SHELL");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One logical instruction; {@code line} is where it starts. */
    record Instruction(int line, String keyword, String arguments) {
        /** Leading {@code --name=value} options, such as COPY's --from or --chmod. */
        List<String> flags() {
            return words().stream().takeWhile(w -> w.startsWith("--")).toList();
        }

        String flag(String name) {
            return flags().stream().filter(f -> f.startsWith("--" + name + "="))
                    .map(f -> f.substring(name.length() + 3)).findFirst().orElse(null);
        }

        /** The arguments after the options, split on white space. */
        List<String> operands() {
            return words().subList(flags().size(), words().size());
        }

        private List<String> words() {
            return Arrays.stream(arguments.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        }
    }

    private record Stage(String name, List<Instruction> instructions) {
    }

    private DockerfileRules() {
    }

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripTrailing();
            String trimmed = line.strip();
            // Comment lines are dropped even inside a continuation, as the builder does.
            if (trimmed.startsWith("#") || (current == null && trimmed.isEmpty())) continue;
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                out.add(instruction(start, current.toString().strip()));
                current = null;
            }
        }
        if (current != null) throw new IllegalArgumentException("line " + start + ": the file ends inside a continuation");
        return out;
    }

    private static Instruction instruction(int line, String logical) {
        int space = logical.indexOf(' ');
        return space < 0 ? new Instruction(line, logical, "")
                : new Instruction(line, logical.substring(0, space), logical.substring(space + 1).strip());
    }

    /** Every problem found; {@code modules} are the parent pom's modules, whose poms the build needs. */
    static List<String> problems(String dockerfile, List<String> modules) {
        List<String> problems = new ArrayList<>();
        List<Instruction> instructions;
        try {
            instructions = parse(dockerfile);
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        for (Instruction i : instructions) {
            if (!INSTRUCTIONS.contains(i.keyword())) {
                problems.add("line " + i.line() + ": " + i.keyword() + " is not a Dockerfile instruction");
            }
        }
        List<Stage> stages = stages(instructions, problems);
        if (stages.size() < 2) problems.add("wants a build stage and a runtime stage, found " + stages.size() + " FROM");
        for (int s = 0; s < stages.size(); s++) {
            for (Instruction i : stages.get(s).instructions()) {
                String from = i.flag("from");
                if (i.keyword().equals("COPY") && from != null && !isEarlierStage(from, stages.subList(0, s))) {
                    problems.add("line " + i.line() + ": COPY --from=" + from + " names no earlier stage");
                }
            }
        }
        if (!stages.isEmpty()) {
            modulePoms(stages.get(0), modules, problems);
            finalStage(stages.get(stages.size() - 1), problems);
        }
        return problems;
    }

    private static List<Stage> stages(List<Instruction> instructions, List<String> problems) {
        List<Stage> stages = new ArrayList<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                List<String> words = i.operands();
                String name = words.size() == 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2).toLowerCase(Locale.ROOT) : null;
                if (name != null && stages.stream().anyMatch(st -> name.equals(st.name()))) {
                    problems.add("line " + i.line() + ": stage " + name + " is named twice");
                }
                stages.add(new Stage(name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (!i.keyword().equals("ARG")) problems.add("line " + i.line() + ": " + i.keyword() + " before the first FROM");
            } else {
                stages.get(stages.size() - 1).instructions().add(i);
            }
        }
        return stages;
    }

    private static boolean isEarlierStage(String ref, List<Stage> earlier) {
        if (ref.matches("\\d+")) return Integer.parseInt(ref) < earlier.size();
        return earlier.stream().anyMatch(s -> ref.toLowerCase(Locale.ROOT).equals(s.name()));
    }

    /** The dependency layer runs Maven before the sources are copied: every module's pom must be there by then. */
    private static void modulePoms(Stage build, List<String> modules, List<String> problems) {
        List<String> copiedBeforeFirstRun = new ArrayList<>();
        for (Instruction i : build.instructions()) {
            if (i.keyword().equals("RUN")) break;
            if (i.keyword().equals("COPY")) {
                List<String> ops = i.operands();
                copiedBeforeFirstRun.addAll(ops.subList(0, Math.max(0, ops.size() - 1)));
            }
        }
        for (String module : modules) {
            if (!copiedBeforeFirstRun.contains(module + "/pom.xml")) {
                problems.add("module " + module + ": its pom.xml is not copied before the build stage's first RUN");
            }
        }
    }

    private static void finalStage(Stage last, List<String> problems) {
        String where = "final stage" + (last.name() == null ? "" : " " + last.name());
        Instruction health = lastOf(last, "HEALTHCHECK");
        if (health == null || health.arguments().toUpperCase(Locale.ROOT).startsWith("NONE")) {
            problems.add(where + ": no HEALTHCHECK");
        }
        if (lastOf(last, "EXPOSE") == null) problems.add(where + ": no EXPOSE");
        Instruction user = lastOf(last, "USER");
        if (user == null) {
            problems.add(where + ": no USER, so it runs as root");
        } else if (Set.of("root", "0").contains(user.arguments().split(":")[0])) {
            problems.add(where + ": USER " + user.arguments() + " is root");
        }
        Instruction entrypoint = lastOf(last, "ENTRYPOINT");
        List<String> command = entrypoint == null ? null : execForm(entrypoint, problems);
        if (entrypoint == null) {
            problems.add(where + ": no ENTRYPOINT");
        } else if (command != null) {
            int jar = command.indexOf("-jar");
            if (jar < 0 || jar + 1 >= command.size()) {
                problems.add("line " + entrypoint.line() + ": ENTRYPOINT does not run java -jar");
            } else if (!copiedInto(last, command.get(jar + 1))) {
                problems.add("line " + entrypoint.line() + ": ENTRYPOINT runs " + command.get(jar + 1)
                        + ", which no COPY of the " + where + " puts there");
            }
        }
        Instruction cmd = lastOf(last, "CMD");
        if (cmd != null) execForm(cmd, problems);
    }

    /** The JSON array of an exec-form instruction; shell form would make /bin/sh PID 1, which swallows SIGTERM. */
    private static List<String> execForm(Instruction i, List<String> problems) {
        try {
            return Arrays.asList(JSON.readValue(i.arguments(), String[].class));
        } catch (JsonProcessingException e) {
            problems.add("line " + i.line() + ": " + i.keyword() + " is not in exec form (a JSON array of strings)");
            return null;
        }
    }

    private static boolean copiedInto(Stage stage, String path) {
        return stage.instructions().stream()
                .filter(i -> i.keyword().equals("COPY") || i.keyword().equals("ADD"))
                .anyMatch(i -> !i.operands().isEmpty() && i.operands().get(i.operands().size() - 1).equals(path));
    }

    private static Instruction lastOf(Stage stage, String keyword) {
        Instruction found = null;
        for (Instruction i : stage.instructions()) if (i.keyword().equals(keyword)) found = i;
        return found;
    }
}

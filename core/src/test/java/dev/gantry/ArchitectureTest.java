package dev.gantry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Packages in core depend downward only (STYLE.md section 2); a wrong import fails here. */
class ArchitectureTest {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.gantry\\.([a-z]+)\\.", Pattern.MULTILINE);
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("error", Set.of()),
            Map.entry("time", Set.of()),
            Map.entry("lifecycle", Set.of()),
            Map.entry("event", Set.of("job")),
            Map.entry("job", Set.of("error")),
            Map.entry("config", Set.of("error", "job")),
            Map.entry("store", Set.of("error", "job", "time")),
            Map.entry("notify", Set.of("lifecycle")),
            Map.entry("client", Set.of("error", "job", "store", "config", "time")),
            Map.entry("maintenance", Set.of("error", "store", "lifecycle", "event", "time")),
            Map.entry("stats", Set.of("error", "store", "job", "time")),
            Map.entry("control", Set.of("error", "store", "worker", "notify", "lifecycle", "config", "time", "job", "event")),
            Map.entry("worker", Set.of("error", "job", "store", "notify", "lifecycle", "event", "time", "config")));

    @Test
    void corePackagesDependDownwardOnly() throws IOException {
        Path root = Path.of("src/main/java/dev/gantry");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(file);
                if (rel.getNameCount() < 2) continue;   // the Gantry facade may use everything
                String pkg = rel.getName(0).toString();
                assertThat(ALLOWED).as("package %s has no layering rule", pkg).containsKey(pkg);
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg) && !ALLOWED.get(pkg).contains(target)) {
                        violations.add(rel + " imports dev.gantry." + target);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void sqlLivesOnlyInStoreAndMigrations() throws IOException {
        Pattern sql = Pattern.compile("\"\\s*(SELECT|INSERT|UPDATE|DELETE)\\s", Pattern.CASE_INSENSITIVE);
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/gantry"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.toString().contains("/store/")) continue;
                if (sql.matcher(Files.readString(file)).find()) offenders.add(file.toString());
            }
        }
        assertThat(offenders).isEmpty();
    }
}

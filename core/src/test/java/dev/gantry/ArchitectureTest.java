package dev.gantry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps core's shape: packages depend downward only (STYLE.md section 2), whether by import or
 * by a fully qualified name; SQL stays in the store; and the exported packages of
 * {@code module-info.java} are a closed API, whose public signatures name no internal type.
 */
class ArchitectureTest {
    /** A reference to a Gantry package, by import or by fully qualified name: dev.gantry.x.Type. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.gantry\\.([a-z]+)\\.[A-Za-z_]");
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("error", Set.of()),
            Map.entry("time", Set.of()),
            Map.entry("health", Set.of()),
            Map.entry("job", Set.of("error")),
            Map.entry("event", Set.of("job")),
            Map.entry("config", Set.of("error", "job")),
            Map.entry("client", Set.of("error", "job", "event")),
            Map.entry("stats", Set.of("job")),
            Map.entry("lifecycle", Set.of("error", "event", "health", "time", "job")),
            Map.entry("store", Set.of("error", "job", "time", "client", "config")),
            Map.entry("notify", Set.of("lifecycle")),
            Map.entry("maintenance", Set.of("error", "store", "lifecycle", "event", "time", "config", "job")),
            Map.entry("schedule", Set.of("error", "store", "client", "time")),
            Map.entry("worker", Set.of("error", "job", "store", "notify", "lifecycle", "event", "time", "config")),
            Map.entry("control", Set.of("error", "store", "worker", "notify", "lifecycle", "config", "time", "job",
                    "event", "client")),
            Map.entry("backend", Set.of("client", "stats", "job", "error", "store", "config", "time", "event",
                    "lifecycle", "notify", "schedule")));
    /** Libraries whose types the public API may name (module-info requires them transitively). */
    private static final List<String> PUBLIC_LIBRARIES = List.of("java.", "javax.sql.", "com.fasterxml.jackson.databind.",
            "org.slf4j.");

    /** Source text without comments and string literals, so neither counts as a dependency. */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ")
                .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

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
                Matcher m = REFERENCE.matcher(code(Files.readString(file)));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg) && !ALLOWED.get(pkg).contains(target)) {
                        violations.add(rel + " uses dev.gantry." + target);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theLayeringCheckSeesFullyQualifiedNamesButNotComments() {
        String source = """
                import java.util.List;
                /** See {@link dev.gantry.worker.WorkerRuntime}. */
                class A { dev.gantry.store.Db db; String s = "dev.gantry.control.X"; }
                """;

        Matcher m = REFERENCE.matcher(code(source));

        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group(1));
        assertThat(found).containsExactly("store");
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

    /** The packages module-info.java exports, by their last name ("" for dev.gantry itself). */
    static Set<String> exportedPackages() throws IOException {
        Matcher m = Pattern.compile("^\\s*exports\\s+dev\\.gantry(?:\\.([a-z]+))?\\s*;", Pattern.MULTILINE)
                .matcher(code(Files.readString(Path.of("src/main/java/module-info.java"))));
        Set<String> out = new LinkedHashSet<>();
        while (m.find()) out.add(m.group(1) == null ? "" : m.group(1));
        return out;
    }

    @Test
    void moduleExportsThePublicPackagesOnly() throws IOException {
        assertThat(exportedPackages())
                .containsExactlyInAnyOrder("", "client", "config", "error", "event", "health", "job", "stats", "time");
    }

    @Test
    void publicSignaturesOfExportedPackagesNameNoInternalType() throws Exception {
        Set<String> exported = exportedPackages();
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : classesOf(exported)) {
            if (!Modifier.isPublic(c.getModifiers())) continue;
            List<Type> types = new ArrayList<>();
            if (c.getGenericSuperclass() != null) types.add(c.getGenericSuperclass());
            types.addAll(List.of(c.getGenericInterfaces()));
            for (Method m : c.getDeclaredMethods()) {
                if (!exposed(m.getModifiers()) || m.isSynthetic()) continue;
                types.add(m.getGenericReturnType());
                types.addAll(List.of(m.getGenericParameterTypes()));
                types.addAll(List.of(m.getGenericExceptionTypes()));
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (exposed(k.getModifiers())) types.addAll(List.of(k.getGenericParameterTypes()));
            }
            for (Field f : c.getDeclaredFields()) {
                if (exposed(f.getModifiers())) types.add(f.getGenericType());
            }
            if (c.isRecord()) for (RecordComponent rc : c.getRecordComponents()) types.add(rc.getGenericType());
            for (Type t : types) {
                for (Class<?> used : rawTypes(t)) {
                    if (!allowed(used, exported)) leaks.add(c.getName() + " exposes " + used.getName());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean allowed(Class<?> c, Set<String> exported) {
        while (c.isArray()) c = c.getComponentType();
        if (c.isPrimitive()) return true;
        String name = c.getName();
        if (name.startsWith("dev.gantry.")) {
            String rest = name.substring("dev.gantry.".length());
            int dot = rest.indexOf('.');
            return exported.contains(dot < 0 ? "" : rest.substring(0, dot));
        }
        return PUBLIC_LIBRARIES.stream().anyMatch(name::startsWith);
    }

    private static List<Class<?>> rawTypes(Type t) {
        List<Class<?>> out = new ArrayList<>();
        switch (t) {
            case Class<?> c -> out.add(c);
            case ParameterizedType p -> {
                out.addAll(rawTypes(p.getRawType()));
                for (Type a : p.getActualTypeArguments()) out.addAll(rawTypes(a));
            }
            case GenericArrayType g -> out.addAll(rawTypes(g.getGenericComponentType()));
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) out.addAll(rawTypes(b));
                for (Type b : w.getLowerBounds()) out.addAll(rawTypes(b));
            }
            case TypeVariable<?> v -> { }
            default -> { }
        }
        return out;
    }

    private static List<Class<?>> classesOf(Set<String> packages) throws IOException, ClassNotFoundException {
        Path classes = Path.of("target/classes/dev/gantry");
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : packages) {
            Path dir = pkg.isEmpty() ? classes : classes.resolve(pkg);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String simple = f.getFileName().toString().replace(".class", "");
                    if (simple.equals("package-info")) continue;
                    out.add(Class.forName("dev.gantry." + (pkg.isEmpty() ? "" : pkg + ".") + simple));
                }
            }
        }
        return out;
    }
}

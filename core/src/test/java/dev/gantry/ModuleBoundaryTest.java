package dev.gantry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Core as a module, the way an application on the module path sees it: the public API compiles
 * and runs a job end to end (migrations are found inside the module), while an internal package
 * does not compile at all.
 */
@ExtendWith(PostgresExtension.class)
class ModuleBoundaryTest {
    /** The jars core needs at run time, picked from the test class path by name. */
    private static final List<String> RUNTIME = List.of("postgresql-", "HikariCP-", "flyway-core-",
            "flyway-database-postgresql-", "jackson-databind-", "jackson-core-", "jackson-annotations-",
            "jackson-datatype-jsr310-", "slf4j-api-", "cron-utils-");

    private static String modulePath() {
        List<String> entries = new ArrayList<>();
        entries.add(Path.of("target/classes").toAbsolutePath().toString());
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (name.endsWith(".jar") && RUNTIME.stream().anyMatch(name::startsWith)) entries.add(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** Compiles with the JDK's javac, as a module; null when it compiled, else what javac said. */
    private static String compile(Path src, Path out, String... files) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--module-path", modulePath(), "-d", out.toString()));
        for (String f : files) args.add(src.resolve(f).toString());
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : said;
    }

    @Test
    void anInternalPackageIsNotVisibleToAModule(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        write(src, "module-info.java", "module app { requires dev.gantry.core; }");
        write(src, "app/Reach.java", "package app; class Reach { dev.gantry.store.Db db; }");

        String errors = compile(src, dir.resolve("out"), "module-info.java", "app/Reach.java");

        assertThat(errors).isNotNull().contains("package dev.gantry.store is not visible");
    }

    @Test
    void theApiAloneRunsAJobOnTheModulePath(@TempDir Path dir, TestDatabase db) throws Exception {
        Path src = dir.resolve("src");
        write(src, "module-info.java", "module app { requires dev.gantry.core; }");
        write(src, "app/Main.java", """
                package app;

                import java.time.Duration;
                import java.util.Map;

                import dev.gantry.Gantry;
                import dev.gantry.config.WorkerConfig;
                import dev.gantry.job.Job;
                import dev.gantry.job.JobState;

                public class Main {
                    public static void main(String[] a) throws Exception {
                        try (Gantry g = Gantry.builder().databaseUrl(a[0]).schema("modpath")
                                .worker(WorkerConfig.builder().queue("default", 2).build()).build()) {
                            System.out.println("migrations " + g.migrate().size());
                            g.register("mod.echo", Map.class, (args, ctx) -> Map.of("echo", args.get("say")));
                            g.start();
                            Job job = g.client().enqueue("mod.echo", Map.of("say", "hi"));
                            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                            Job now = job;
                            while (now.state() != JobState.COMPLETED && System.nanoTime() < deadline) {
                                Thread.sleep(50);
                                now = g.client().get(job.id()).orElseThrow();
                            }
                            System.out.println("job " + now.state() + " " + now.result());
                        }
                    }
                }
                """);
        Path out = dir.resolve("out");
        assertThat(compile(src, out, "module-info.java", "app/Main.java")).isNull();

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", out + File.pathSeparator + modulePath(), "-m", "app/app.Main", db.url())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).as(output).contains("job COMPLETED {\"echo\": \"hi\"}");
        assertThat(Arrays.stream(output.split("\n")).filter(l -> l.startsWith("migrations ")).findFirst())
                .as("the migrations were found inside the module").hasValueSatisfying(l -> assertThat(l).isNotEqualTo("migrations 0"));
        db.execute("DROP SCHEMA modpath CASCADE");
    }
}

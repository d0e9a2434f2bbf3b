package dev.gantry.server.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.gantry.server.dist.KubernetesRules.Manifest;
import dev.gantry.server.settings.ServerSettings;
import dev.gantry.server.settings.SettingsLoader;

/**
 * The distribution files (Dockerfile, compose file, systemd units, Kubernetes manifests) are
 * parsed and checked for the structure that matters, since no Docker engine or cluster runs
 * here. Each rule is also shown to reject a broken copy of the real file, so a check that
 * silently passes everything would fail here.
 */
class DistributionFilesTest {
    private static final Path ROOT = repoRoot();
    private static final YAMLMapper YAML = new YAMLMapper();

    @Nested
    class Dockerfile {
        private final String text = read("Dockerfile");

        @Test
        void buildsOnAJdkAndRunsTheJarAsANonRootUserWithAHealthCheck() {
            assertThat(DockerfileRules.problems(text, modules())).isEmpty();
            List<DockerfileRules.Instruction> from = DockerfileRules.parse(text).stream()
                    .filter(i -> i.keyword().equals("FROM")).toList();
            assertThat(from.get(0).arguments()).startsWith("eclipse-temurin:21-jdk");
            assertThat(from.get(from.size() - 1).arguments()).startsWith("eclipse-temurin:21-jre");
        }

        @Test
        void runsTheLaunchersGarbageCollectorSoMemoryMeasuredWithOneHoldsForTheOther() {
            Matcher defaults = Pattern.compile("GANTRY_DEFAULT_JAVA_OPTS=\"([^\"]*)\"").matcher(read(".mvn/find-jdk.sh"));
            assertThat(defaults.find()).as("GANTRY_DEFAULT_JAVA_OPTS in .mvn/find-jdk.sh").isTrue();
            List<String> collectors = Stream.of(defaults.group(1).split("\\s+")).filter(f -> f.matches("-XX:\\+Use\\w+GC")).toList();
            String entrypoint = DockerfileRules.parse(text).stream().filter(i -> i.keyword().equals("ENTRYPOINT"))
                    .reduce((a, b) -> b).orElseThrow().arguments();

            assertThat(collectors).hasSize(1);
            assertThat(entrypoint).contains("\"" + collectors.getFirst() + "\"").contains("\"-XX:+ExitOnOutOfMemoryError\"");
        }

        @Test
        void rejectsCopyFromAStageThatDoesNotExist() {
            String broken = replace(text, "COPY --from=build ", "COPY --from=builder ");

            assertThat(DockerfileRules.problems(broken, modules())).anyMatch(p -> p.contains("--from=builder names no earlier stage"));
        }

        @Test
        void rejectsARootUserAndAMisspelledInstruction() {
            String broken = replace(replace(text, "USER 10001:10001", "USER root"), "WORKDIR /app", "WORKDR /app");

            assertThat(DockerfileRules.problems(broken, modules()))
                    .anyMatch(p -> p.contains("USER root is root"))
                    .anyMatch(p -> p.contains("WORKDR is not a Dockerfile instruction"));
        }

        @Test
        void rejectsAModuleWhosePomTheDependencyLayerLacks() {
            List<String> withNewModule = new ArrayList<>(modules());
            withNewModule.add("examples");

            assertThat(DockerfileRules.problems(text, withNewModule))
                    .containsExactly("module examples: its pom.xml is not copied before the build stage's first RUN");
        }

        @Test
        void rejectsAShellFormEntrypointAndAJarNoCopyPutsThere() {
            String shellForm = replace(text, "ENTRYPOINT [\"java\", \"-XX:+UseSerialGC\", \"-XX:MaxRAMPercentage=75\", \"-XX:+ExitOnOutOfMemoryError\", \"-jar\", \"/app/gantry.jar\"]",
                    "ENTRYPOINT java -jar /app/gantry.jar");
            String wrongJar = replace(text, "\"-jar\", \"/app/gantry.jar\"]", "\"-jar\", \"/opt/gantry.jar\"]");

            assertThat(DockerfileRules.problems(shellForm, modules())).anyMatch(p -> p.contains("ENTRYPOINT is not in exec form"));
            assertThat(DockerfileRules.problems(wrongJar, modules())).anyMatch(p -> p.contains("runs /opt/gantry.jar, which no COPY"));
        }

        @Test
        void joinsContinuationsAndDropsCommentLinesInsideThem() {
            var parsed = DockerfileRules.parse("FROM a AS b\n# c\nRUN one \\\n  # inside\n  two\n\nCMD [\"x\"]\n");

            assertThat(parsed).extracting(DockerfileRules.Instruction::keyword).containsExactly("FROM", "RUN", "CMD");
            assertThat(parsed.get(1).operands()).containsExactly("one", "two");
            assertThat(parsed.get(1).line()).isEqualTo(3);
        }

        @Test
        void dockerignoreKeepsBuildOutputOutAndEverySourceTheBuildCopiesIn() {
            List<String> ignored = read(".dockerignore").lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            List<String> copied = DockerfileRules.parse(text).stream()
                    .filter(i -> i.keyword().equals("COPY") && i.flag("from") == null)
                    .flatMap(i -> i.operands().subList(0, i.operands().size() - 1).stream())
                    .map(s -> s.replaceAll("/$", "")).toList();

            assertThat(ignored).contains("**/target", ".git");
            assertThat(ignored).as("a path the Dockerfile copies must reach the build").noneMatch(pattern ->
                    copied.stream().anyMatch(src -> src.equals(pattern) || src.startsWith(pattern + "/")));
        }
    }

    @Nested
    class Compose {
        private final String text = read("docker-compose.yml");

        @Test
        void runsPostgresAServerAndTwoWorkersWithHealthChecks() {
            JsonNode compose = yaml(text);

            assertThat(ComposeRules.problems(compose)).isEmpty();
            assertThat(compose.path("services").properties().stream().map(Map.Entry::getKey))
                    .contains("postgres", "migrate", "server", "worker-1", "worker-2");
        }

        @Test
        void rejectsAGracePeriodThatDoesNotOutlastTheShutdownTimeout() {
            String broken = replace(text, "stop_grace_period: 45s", "stop_grace_period: 30s");

            assertThat(ComposeRules.problems(yaml(broken)))
                    .contains("worker-1: stop_grace_period 30s does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS 30000",
                            "worker-2: stop_grace_period 30s does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS 30000");
        }

        @Test
        void rejectsARaisedShutdownTimeoutWhoseGracePeriodStayed() {
            String broken = replace(text, "GANTRY_SHUTDOWN_TIMEOUT_MS: \"30000\"", "GANTRY_SHUTDOWN_TIMEOUT_MS: \"60000\"");

            assertThat(ComposeRules.problems(yaml(broken))).contains(
                    "worker-1: stop_grace_period 45s does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS 60000");
        }

        @Test
        void rejectsServicesStartedBeforePostgresIsHealthy() {
            String broken = replace(text, "condition: service_healthy", "condition: service_started");

            assertThat(ComposeRules.problems(yaml(broken))).contains(
                    "server: does not depend on postgres being healthy",
                    "worker-1: does not depend on postgres being healthy",
                    "worker-2: does not depend on postgres being healthy");
        }

        @Test
        void rejectsAWorkerHealthCheckOnTheWrongPortAndABadSetting() {
            String broken = replace(replace(text, "GANTRY_HTTP_PORT: \"8081\"", "GANTRY_HTTP_PORT: \"9090\""),
                    "GANTRY_QUEUES: default:16", "GANTRY_QUEUES: default:lots");

            assertThat(ComposeRules.problems(yaml(broken)))
                    .contains("worker-1: healthcheck does not ask /health on its port 9090")
                    .anyMatch(p -> p.startsWith("worker-2: GANTRY_QUEUES"));
        }

        @Test
        void rejectsAnAdminTokenTheServerWouldRefuse() {
            String broken = text.replaceAll("\"\\$\\{GANTRY_ADMIN_TOKEN:\\?[^}]*}\"", "\\${GANTRY_ADMIN_TOKEN:-short}");
            assertThat(broken).as("the file no longer requires the token as this test expects").isNotEqualTo(text);

            assertThat(ComposeRules.problems(yaml(broken)))
                    .containsExactly("server: GANTRY_ADMIN_TOKEN: shorter than 24 characters, the server refuses it");
        }

        @Test
        void readsComposeDurations() {
            assertThat(ComposeRules.durationMillis("45s")).isEqualTo(45_000);
            assertThat(ComposeRules.durationMillis("1m30s")).isEqualTo(90_000);
            assertThat(ComposeRules.durationMillis("1h")).isEqualTo(3_600_000);
            assertThat(ComposeRules.durationMillis("1500ms")).isEqualTo(1_500);
        }
    }

    @Nested
    class Kubernetes {
        @Test
        void manifestsAreNamespaceAgnosticAndWorkersOutlastTheirShutdownTimeout() {
            List<Manifest> manifests = manifests(Map.of());

            assertThat(KubernetesRules.problems(manifests)).isEmpty();
            assertThat(manifests).extracting(m -> m.kind() + "/" + m.name()).containsExactlyInAnyOrder(
                    "Secret/gantry", "Job/gantry-migrate", "Deployment/gantry-server", "Service/gantry-server",
                    "Deployment/gantry-worker");
        }

        @Test
        void rejectsAGracePeriodThatDoesNotOutlastTheShutdownTimeout() {
            List<Manifest> broken = manifests(Map.of("terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 30"));

            assertThat(KubernetesRules.problems(broken)).anyMatch(p -> p.contains("Deployment gantry-worker container worker: "
                    + "terminationGracePeriodSeconds 30 does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS 30000"));
        }

        @Test
        void rejectsProbesThatDoNotAskHealth() {
            List<Manifest> broken = manifests(Map.of("path: /health", "path: /healthz"));

            assertThat(KubernetesRules.problems(broken))
                    .anyMatch(p -> p.endsWith("container worker: readinessProbe is not an HTTP GET of /health"))
                    .anyMatch(p -> p.endsWith("container worker: livenessProbe is not an HTTP GET of /health"));
        }

        @Test
        void rejectsProbesOnAPortTheWorkerDoesNotListenOn() {
            List<Manifest> broken = manifests(Map.of("port: health", "port: 8080"));

            assertThat(KubernetesRules.problems(broken))
                    .anyMatch(p -> p.endsWith("container worker: livenessProbe asks port 8080, gantry listens on 8081"));
        }

        @Test
        void rejectsASecretKeyNoSecretHasAndANamespace() {
            List<Manifest> broken = manifests(Map.of("key: GANTRY_ADMIN_TOKEN", "key: ADMIN_TOKEN",
                    "  name: gantry-worker\n", "  name: gantry-worker\n  namespace: jobs\n"));

            assertThat(KubernetesRules.problems(broken))
                    .anyMatch(p -> p.contains("reads secret gantry key ADMIN_TOKEN, which no Secret here has"))
                    .anyMatch(p -> p.contains("Deployment gantry-worker: sets a namespace"));
        }

        @Test
        void rejectsAnExampleAdminTokenTheServerWouldRefuse() {
            List<Manifest> broken = manifests(Map.of("GANTRY_ADMIN_TOKEN: \"\"", "GANTRY_ADMIN_TOKEN: too-short"));

            assertThat(KubernetesRules.problems(broken)).containsExactly("deploy/kubernetes/server.yaml: Deployment gantry-server "
                    + "container server: GANTRY_ADMIN_TOKEN: shorter than 24 characters, the server refuses it");
        }

        /** Every YAML document under deploy/kubernetes, with each replacement applied to the files that hold it. */
        private List<Manifest> manifests(Map<String, String> replacements) {
            List<Manifest> out = new ArrayList<>();
            List<String> unused = new ArrayList<>(replacements.keySet());
            try (Stream<Path> files = Files.walk(ROOT.resolve("deploy/kubernetes"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    String text = Files.readString(file);
                    for (var r : replacements.entrySet()) {
                        if (text.contains(r.getKey())) {
                            text = text.replace(r.getKey(), r.getValue());
                            unused.remove(r.getKey());
                        }
                    }
                    String name = ROOT.relativize(file).toString();
                    MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text);
                    for (JsonNode doc : docs.readAll()) {
                        if (doc != null && !doc.isNull() && !doc.isMissingNode()) out.add(new Manifest(name, doc));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(unused).as("replacements that matched no manifest").isEmpty();
            return out;
        }
    }

    /** Issue 11: the compose file and the Kubernetes example once shipped admin tokens that the server accepted. */
    @Nested
    class AdminToken {
        @Test
        void noDistributionFileGivesTheAdminTokenAValue() {
            List<Path> files = distributionFiles();

            assertThat(files).contains(ROOT.resolve("docker-compose.yml"), ROOT.resolve("deploy/kubernetes/examples/secret.yaml"),
                    ROOT.resolve("Dockerfile"), ROOT.resolve("deploy/systemd/gantry-server.service"));
            assertThat(files).flatMap(f -> AdminTokenRules.problems(ROOT.relativize(f).toString(), read(ROOT.relativize(f).toString())))
                    .isEmpty();
        }

        @Test
        void composeRequiresItFromTheOperator() {
            assertThat(ComposeRules.environment(yaml(read("docker-compose.yml")).path("services").path("server")))
                    .containsEntry("GANTRY_ADMIN_TOKEN", "");
            assertThat(read("docker-compose.yml")).contains("GANTRY_ADMIN_TOKEN: \"${GANTRY_ADMIN_TOKEN:?");
        }

        @Test
        void theKubernetesSecretsEmptyValueLeavesTheServerToMakeOne() {
            String value = yaml(read("deploy/kubernetes/examples/secret.yaml")).path("stringData").path("GANTRY_ADMIN_TOKEN").asText(null);
            assertThat(value).as("the example secret's admin token").isEmpty();

            // Empty is unset: the server then prints a one-time admin token at its first start
            // (EmbeddedServerTest), rather than refusing or accepting an empty token.
            SettingsLoader loaded = new SettingsLoader(Map.of("DATABASE_URL", "postgres://gantry@db/gantry",
                    "GANTRY_ADMIN_TOKEN", value), Map.of()).load(ServerSettings.ALL);
            assertThat(loaded.errors()).isEmpty();
            assertThat(loaded.get(ServerSettings.ADMIN_TOKEN)).isNull();
        }

        @Test
        void rejectsAValueInTheComposeFileEvenAsADefault() {
            String broken = read("docker-compose.yml").replaceAll("\"\\$\\{GANTRY_ADMIN_TOKEN:\\?[^}]*}\"",
                    "\\${GANTRY_ADMIN_TOKEN:-local-admin-token-change-me}");

            assertThat(AdminTokenRules.problems("docker-compose.yml", broken)).singleElement().asString()
                    .startsWith("docker-compose.yml:").contains(": the admin token has a fixed value"
                            + " (${GANTRY_ADMIN_TOKEN:-local-admin-token-change-me})");
        }

        @Test
        void rejectsAValueInTheKubernetesSecretOrInAContainersEnvironment() {
            String secret = replace(read("deploy/kubernetes/examples/secret.yaml"), "GANTRY_ADMIN_TOKEN: \"\"",
                    "GANTRY_ADMIN_TOKEN: CHANGE-ME-to-the-output-of-openssl-rand-hex-32");
            String server = read("deploy/kubernetes/server.yaml").replaceAll(
                    "(- name: GANTRY_ADMIN_TOKEN\n\\s+)valueFrom:\n\\s+secretKeyRef:\n\\s+name: gantry\n\\s+key: GANTRY_ADMIN_TOKEN",
                    "$1value: \"0123456789abcdef0123456789abcdef\"");
            assertThat(server).as("server.yaml no longer reads the token as this test expects").contains("value: \"0123");

            assertThat(AdminTokenRules.problems("secret.yaml", secret)).singleElement().asString()
                    .contains("fixed value (CHANGE-ME-to-the-output-of-openssl-rand-hex-32)");
            assertThat(AdminTokenRules.problems("server.yaml", server)).singleElement().asString()
                    .contains("fixed value (0123456789abcdef0123456789abcdef)");
        }

        @Test
        void rejectsAValueInAUnitFileADockerfileOrAnEnvFile() {
            assertThat(AdminTokenRules.problems("u.service", "[Service]\nEnvironment=GANTRY_ADMIN_TOKEN=abcdefabcdefabcdefabcdef\n"
                    + "ExecStart=/usr/bin/java -jar gantry.jar server --admin-token=abcdefabcdefabcdefabcdef\n")).hasSize(2);
            assertThat(AdminTokenRules.problems("Dockerfile", "FROM x\nENV GANTRY_ADMIN_TOKEN abcdefabcdefabcdefabcdef\n"))
                    .singleElement().asString().startsWith("Dockerfile:2: the admin token has a fixed value");
            assertThat(AdminTokenRules.problems(".env", "GANTRY_ADMIN_TOKEN='abcdefabcdefabcdefabcdef'\n")).hasSize(1);
            assertThat(AdminTokenRules.problems(".env", "# GANTRY_ADMIN_TOKEN=abc, a comment\nGANTRY_ADMIN_TOKEN=\n"
                    + "X=\"$GANTRY_ADMIN_TOKEN\"\n")).isEmpty();
        }

        /** What ships for running Gantry: the Dockerfile, compose files, everything under deploy/, .env files. */
        private static List<Path> distributionFiles() {
            try (Stream<Path> top = Files.list(ROOT); Stream<Path> deploy = Files.walk(ROOT.resolve("deploy"))) {
                List<Path> files = new ArrayList<>(top.filter(Files::isRegularFile).filter(f -> {
                    String name = f.getFileName().toString();
                    return name.startsWith("Dockerfile") || name.startsWith("docker-compose") || name.startsWith("compose.")
                            || name.startsWith(".env");
                }).toList());
                files.addAll(deploy.filter(Files::isRegularFile).toList());
                return files;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Nested
    class Systemd {
        private final String worker = read("deploy/systemd/gantry-worker@.service");
        private final String server = read("deploy/systemd/gantry-server.service");
        private final Map<String, String> instance = Map.of("%i", "8081", "%H", "host-1");

        @Test
        void unitsRunTheJarAndOutlastTheShutdownTimeoutOnStop() {
            assertThat(UnitFileRules.problems(worker, "worker", instance)).isEmpty();
            assertThat(UnitFileRules.problems(server, "server", Map.of())).isEmpty();
            assertThat(UnitFileRules.parse(worker).values("Service", "ProtectSystem")).containsExactly("strict");
        }

        @Test
        void rejectsAStopTimeoutThatDoesNotOutlastTheShutdownTimeout() {
            String broken = replace(worker, "TimeoutStopSec=45", "TimeoutStopSec=30s");

            assertThat(UnitFileRules.problems(broken, "worker", instance))
                    .containsExactly("TimeoutStopSec 30s does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS 30000");
        }

        @Test
        void rejectsAMissingSectionAndTheWrongCommand() {
            String broken = replace(worker, "[Install]\nWantedBy=multi-user.target\n", "");

            assertThat(UnitFileRules.problems(broken, "server", instance))
                    .contains("no [Install] section")
                    .anyMatch(p -> p.startsWith("ExecStart does not run gantry.jar server"));
        }

        @Test
        void readsSystemdTimeSpans() {
            assertThat(UnitFileRules.timeSpanMillis("45")).isEqualTo(45_000);
            assertThat(UnitFileRules.timeSpanMillis("1min 30s")).isEqualTo(90_000);
            assertThat(UnitFileRules.timeSpanMillis("2m")).isEqualTo(120_000);
            assertThat(UnitFileRules.timeSpanMillis("500ms")).isEqualTo(500);
        }
    }

    private static List<String> modules() {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
        List<String> modules = new ArrayList<>();
        while (m.find()) modules.add(m.group(1).strip());
        return modules;
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A broken copy of a real file; the text to break must be there, or the test proves nothing. */
    private static String replace(String text, String from, String to) {
        assertThat(text).as("the file no longer holds the text this test breaks").contains(from);
        return text.replace(from, to);
    }

    private static String read(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire runs in the module's directory (server/); the repository root is the first parent with the wrapper. */
    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("server"))) return dir;
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}

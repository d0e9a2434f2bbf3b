package dev.gantry.server.dist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the Kubernetes manifests must hold: namespace-agnostic objects, workers whose grace period
 * outlasts their shutdown timeout and whose probes ask /health on the port the worker listens on,
 * a Service that reaches the server, and secret references that the example Secret satisfies.
 */
final class KubernetesRules {
    /** Kubernetes' default when a pod spec does not say. */
    private static final long DEFAULT_GRACE_SECONDS = 30;

    /** One YAML document and the file it came from. */
    record Manifest(String file, JsonNode body) {
        String kind() {
            return body.path("kind").asText();
        }

        String name() {
            return body.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + ": " + kind() + " " + name();
        }
    }

    private KubernetesRules() {
    }

    static List<String> problems(List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> secrets = secrets(manifests);
        int workers = 0;
        for (Manifest m : manifests) {
            JsonNode meta = m.body().path("metadata");
            if (m.body().path("apiVersion").asText().isEmpty() || m.kind().isEmpty() || m.name().isEmpty()) {
                problems.add(m.file() + ": a document without apiVersion, kind or metadata.name");
            }
            if (meta.has("namespace")) problems.add(m + ": sets a namespace; apply with -n instead");
            if (m.kind().equals("Job")) {
                for (JsonNode c : m.body().path("spec").path("template").path("spec").path("containers")) {
                    environment(c, secrets, m + " container " + c.path("name").asText(), problems);
                }
            }
            if (!m.kind().equals("Deployment")) continue;

            JsonNode pod = m.body().path("spec").path("template");
            if (!containsAll(pod.path("metadata").path("labels"), m.body().path("spec").path("selector").path("matchLabels"))) {
                problems.add(m + ": selector.matchLabels do not match the pod's labels");
            }
            if (!pod.path("spec").path("securityContext").path("runAsNonRoot").asBoolean()) {
                problems.add(m + ": pods do not set runAsNonRoot");
            }
            for (JsonNode c : pod.path("spec").path("containers")) {
                String where = m + " container " + c.path("name").asText();
                Map<String, String> env = environment(c, secrets, where, problems);
                if (c.path("resources").path("requests").isEmpty() || c.path("resources").path("limits").path("memory").isMissingNode()) {
                    problems.add(where + ": wants resource requests and a memory limit");
                }
                String command = c.path("args").path(0).asText();
                if (!command.equals("worker") && !command.equals("server")) {
                    problems.add(where + ": runs neither gantry worker nor gantry server");
                    continue;
                }
                GantryEnvironment settings = command.equals("worker") ? GantryEnvironment.worker(env) : GantryEnvironment.server(env);
                settings.errors().forEach(e -> problems.add(where + ": " + e));
                probe(where, c, "livenessProbe", settings.httpPort(), problems);
                probe(where, c, "readinessProbe", settings.httpPort(), problems);
                if (command.equals("worker")) workers++;
                long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong(DEFAULT_GRACE_SECONDS);
                if (grace * 1000 <= settings.shutdownTimeoutMillis()) {
                    problems.add(where + ": terminationGracePeriodSeconds " + grace
                            + " does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS " + settings.shutdownTimeoutMillis());
                }
                if (command.equals("server")) serverService(m, c, manifests, problems);
            }
        }
        if (workers == 0) problems.add("no Deployment runs a worker");
        return problems;
    }

    /** A probe must be an HTTP GET of /health on a port the container declares as the one gantry listens on. */
    private static void probe(String where, JsonNode container, String probe, int healthPort, List<String> problems) {
        JsonNode get = container.path(probe).path("httpGet");
        if (!get.path("path").asText().equals("/health")) {
            problems.add(where + ": " + probe + " is not an HTTP GET of /health");
            return;
        }
        Integer port = containerPort(container, get.path("port"));
        if (port == null || port != healthPort) {
            problems.add(where + ": " + probe + " asks port " + get.path("port").asText() + ", gantry listens on " + healthPort);
        }
    }

    private static void serverService(Manifest deployment, JsonNode container, List<Manifest> manifests, List<String> problems) {
        JsonNode podLabels = deployment.body().path("spec").path("template").path("metadata").path("labels");
        boolean reached = manifests.stream()
                .filter(m -> m.kind().equals("Service"))
                .filter(m -> containsAll(podLabels, m.body().path("spec").path("selector")))
                .anyMatch(m -> {
                    for (JsonNode p : m.body().path("spec").path("ports")) {
                        if (containerPort(container, p.path("targetPort")) != null) return true;
                    }
                    return false;
                });
        if (!reached) problems.add(deployment + ": no Service selects its pods on a port the container declares");
    }

    /** The number a probe's or Service's port names: a containerPort by number, or by its name. */
    private static Integer containerPort(JsonNode container, JsonNode port) {
        for (JsonNode p : container.path("ports")) {
            if (port.isInt() ? p.path("containerPort").asInt() == port.asInt() : p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return null;
    }

    /** The container's environment, secret references resolved from the Secrets among the manifests. */
    private static Map<String, String> environment(JsonNode container, Map<String, Map<String, String>> secrets,
                                                   String where, List<String> problems) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            if (ref.isMissingNode()) {
                if (!e.path("value").isTextual()) problems.add(where + ": env " + name + " is not a string (quote it)");
                env.put(name, e.path("value").asText());
                continue;
            }
            String value = secrets.getOrDefault(ref.path("name").asText(), Map.of()).get(ref.path("key").asText());
            if (value == null) {
                problems.add(where + ": env " + name + " reads secret " + ref.path("name").asText() + " key "
                        + ref.path("key").asText() + ", which no Secret here has");
            } else {
                env.put(name, value);
            }
        }
        return env;
    }

    private static Map<String, Map<String, String>> secrets(List<Manifest> manifests) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Manifest m : manifests) {
            if (!m.kind().equals("Secret")) continue;
            Map<String, String> data = new LinkedHashMap<>();
            m.body().path("data").properties().forEach(e -> data.put(e.getKey(),
                    new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
            m.body().path("stringData").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
            out.put(m.name(), data);
        }
        return out;
    }

    private static boolean containsAll(JsonNode labels, JsonNode wanted) {
        if (!wanted.isObject() || wanted.isEmpty()) return false;
        for (var e : wanted.properties()) {
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) return false;
        }
        return true;
    }
}

package dev.gantry.server.dist;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the compose file must hold for "PostgreSQL, one server, two workers, health checks" to
 * come up in order and shut down without cutting running jobs short.
 */
final class ComposeRules {
    /** ${VAR}, ${VAR:-default} or ${VAR:?message} (required: Compose refuses to start without it). */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*)|:?\\?[^}]*)?}");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us)");

    private ComposeRules() {
    }

    static List<String> problems(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        JsonNode services = compose.path("services");
        if (!services.isObject()) return List.of("no services");

        JsonNode postgres = services.path("postgres");
        if (postgres.isMissingNode()) {
            problems.add("no postgres service");
        } else {
            if (!postgres.path("image").asText().startsWith("postgres:")) problems.add("postgres: not a postgres image");
            if (!healthcheckText(postgres).contains("pg_isready")) problems.add("postgres: healthcheck does not run pg_isready");
            if (postgres.path("volumes").isEmpty()) problems.add("postgres: no volume, its data dies with the container");
        }

        JsonNode server = services.path("server");
        if (server.isMissingNode()) {
            problems.add("no server service");
        } else {
            if (!environment(server).containsKey("GANTRY_ADMIN_TOKEN")) problems.add("server: no GANTRY_ADMIN_TOKEN");
            int port = GantryEnvironment.server(environment(server)).httpPort();
            if (!server.path("ports").toString().contains(":" + port + "\"")) problems.add("server: port " + port + " is not published");
        }

        List<String> workers = new ArrayList<>();
        Set<String> workerIds = new HashSet<>();
        services.properties().forEach(e -> {
            String command = command(e.getValue());
            if (!command.equals("worker") && !command.equals("server")) return;
            if (command.equals("worker")) workers.add(e.getKey());
            gantryProcess(e.getKey(), e.getValue(), command, problems);
            String id = environment(e.getValue()).get("GANTRY_WORKER_ID");
            if (id != null && !workerIds.add(id)) problems.add(e.getKey() + ": GANTRY_WORKER_ID " + id + " is used twice");
        });
        if (workers.size() < 2) problems.add("wants two worker services, found " + workers);

        services.properties().forEach(e -> {
            String name = e.getKey();
            JsonNode service = e.getValue();
            boolean oneShot = service.path("restart").asText().equals("no");
            if (!oneShot && (healthcheckText(service).isEmpty() || service.path("healthcheck").path("disable").asBoolean())) {
                problems.add(name + ": no healthcheck");
            }
            for (String target : dependsOn(service).keySet()) {
                if (!services.has(target)) problems.add(name + ": depends on " + target + ", which is no service");
            }
            String url = environment(service).get("DATABASE_URL");
            if (url != null && url.startsWith("postgres") && !services.has(URI.create(url).getHost())) {
                problems.add(name + ": DATABASE_URL points at " + URI.create(url).getHost() + ", which is no service");
            }
        });
        return problems;
    }

    /** A server or worker: valid settings, /health checked on its port, started after postgres, stopped gracefully. */
    private static void gantryProcess(String name, JsonNode service, String command, List<String> problems) {
        Map<String, String> env = environment(service);
        GantryEnvironment settings = command.equals("worker") ? GantryEnvironment.worker(env) : GantryEnvironment.server(env);
        settings.errors().forEach(e -> problems.add(name + ": " + e));
        if (!healthcheckText(service).contains(":" + settings.httpPort() + "/health")) {
            problems.add(name + ": healthcheck does not ask /health on its port " + settings.httpPort());
        }
        dependsOnHealthyPostgres(name, service, problems);
        String grace = service.path("stop_grace_period").asText(null);
        if (grace == null) {
            problems.add(name + ": no stop_grace_period; Docker's default 10 s is shorter than the shutdown timeout");
        } else if (!grace.matches("(\\d+(\\.\\d+)?(h|ms|m|s|us))+")) {
            problems.add(name + ": stop_grace_period " + grace + " is not a compose duration such as 45s");
        } else if (durationMillis(grace) <= settings.shutdownTimeoutMillis()) {
            problems.add(name + ": stop_grace_period " + grace + " does not outlast GANTRY_SHUTDOWN_TIMEOUT_MS "
                    + settings.shutdownTimeoutMillis());
        }
    }

    private static void dependsOnHealthyPostgres(String name, JsonNode service, List<String> problems) {
        if (!"service_healthy".equals(dependsOn(service).get("postgres"))) {
            problems.add(name + ": does not depend on postgres being healthy");
        }
    }

    /** depends_on in short (list) or long (map with conditions) form; the short form means service_started. */
    private static Map<String, String> dependsOn(JsonNode service) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode d = service.path("depends_on");
        if (d.isArray()) d.forEach(n -> out.put(n.asText(), "service_started"));
        else d.properties().forEach(e -> out.put(e.getKey(), e.getValue().path("condition").asText("service_started")));
        return out;
    }

    /**
     * environment in map or KEY=VALUE list form, with ${VAR:-default} as Compose would fill it in an
     * empty shell; a required ${VAR:?message} is left empty (the operator's value, checked at start).
     */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode env = service.path("environment");
        if (env.isArray()) {
            env.forEach(n -> {
                String[] kv = n.asText().split("=", 2);
                out.put(kv[0], interpolate(kv.length > 1 ? kv[1] : ""));
            });
        } else {
            env.properties().forEach(e -> out.put(e.getKey(), interpolate(e.getValue().asText())));
        }
        return out;
    }

    private static String interpolate(String value) {
        return INTERPOLATION.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(1) == null ? "" : m.group(1)));
    }

    private static String command(JsonNode service) {
        JsonNode c = service.path("command");
        return c.isArray() ? (c.isEmpty() ? "" : c.get(0).asText()) : c.asText("").strip();
    }

    private static String healthcheckText(JsonNode service) {
        JsonNode test = service.path("healthcheck").path("test");
        if (test.isArray()) {
            List<String> parts = new ArrayList<>();
            test.forEach(n -> parts.add(n.asText()));
            return String.join(" ", parts);
        }
        return test.asText("");
    }

    /** A compose duration such as 45s, 1m30s or 500ms. */
    static long durationMillis(String text) {
        Matcher m = DURATION_PART.matcher(text.strip());
        double ms = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> v * 3_600_000;
                case "m" -> v * 60_000;
                case "s" -> v * 1_000;
                case "ms" -> v;
                default -> v / 1_000;
            };
            end = m.end();
        }
        if (end == 0 || end != text.strip().length()) throw new IllegalArgumentException("not a compose duration: " + text);
        return (long) ms;
    }
}

package dev.gantry.server.settings;

import java.util.List;

/** Renders docs/configuration.md from the settings table, so the reference cannot drift from the code. */
public final class ConfigurationDoc {
    private ConfigurationDoc() {
    }

    /** The worker's table, then the rows only {@code gantry server} has. */
    public static String render(List<Setting<?>> settings, List<Setting<?>> serverOnly) {
        StringBuilder out = new StringBuilder(render(settings));
        out.append("""

                ## gantry server

                `gantry server` takes every setting above for its in-process worker (none with `--no-worker`)
                except the worker's health port, plus these. `GANTRY_HTTP_PORT` is the server's API port there.

                | Variable | Flag | Default | Description |
                |---|---|---|---|
                """);
        rows(out, serverOnly);
        return out.toString();
    }

    public static String render(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder("""
                # Configuration

                <!-- Generated from server/src/main/java/dev/gantry/server/settings/WorkerSettings.java by
                     ConfigurationDocTest; edit the table there, then run
                     ./mvnw -pl server -am verify -Dtest=ConfigurationDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dgantry.updateDocs=true -->

                Every setting of `gantry worker` is an environment variable with a matching flag; the flag
                wins. All values are checked at start-up: each missing or bad one is reported on its own line,
                naming the variable, and the process exits with code 1. Secret values are never printed.

                | Variable | Flag | Default | Description |
                |---|---|---|---|
                """);
        rows(out, settings);
        return out.toString();
    }

    private static void rows(StringBuilder out, List<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            String def = s.defaultValue() != null ? "`" + s.defaultValue() + "`" : s.optional() ? "unset" : "required";
            out.append("| `").append(s.env()).append("` | `").append(s.flag()).append("` | ").append(def).append(" | ")
                    .append(s.description()).append(s.secret() ? " (secret: masked in every log and message)" : "")
                    .append(" |\n");
        }
    }
}

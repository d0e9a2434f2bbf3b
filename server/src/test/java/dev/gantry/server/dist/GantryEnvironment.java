package dev.gantry.server.dist;

import java.util.Map;

import dev.gantry.server.settings.SettingsLoader;
import dev.gantry.server.settings.WorkerSettings;

/**
 * What a worker started with a distribution file's environment would see: the environment runs
 * through the real settings table, so a default changed there (say the shutdown timeout) is the
 * one a grace period is compared with, and a bad value in a file is reported as gantry would.
 */
record WorkerEnvironment(SettingsLoader settings) {

    static WorkerEnvironment of(Map<String, String> env) {
        return new WorkerEnvironment(new SettingsLoader(env, Map.of()).load(WorkerSettings.ALL));
    }

    /** The timeout the worker would use; the default when the value itself is bad (reported in the errors). */
    long shutdownTimeoutMillis() {
        var value = settings.get(WorkerSettings.SHUTDOWN_TIMEOUT);
        return value != null ? value.toMillis() : Long.parseLong(WorkerSettings.SHUTDOWN_TIMEOUT.defaultValue());
    }

    int httpPort() {
        Integer value = settings.get(WorkerSettings.HTTP_PORT);
        return value != null ? value : Integer.parseInt(WorkerSettings.HTTP_PORT.defaultValue());
    }
}

package dev.gantry.server.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gantry.client.TokenClient;
import dev.gantry.server.settings.ServerSettings;
import dev.gantry.server.settings.Setting;
import dev.gantry.server.settings.SettingsLoader;
import dev.gantry.server.settings.WorkerSettings;

/**
 * What a gantry process started with a distribution file's environment would see: the
 * environment runs through the real settings table, so a default changed there (say the
 * shutdown timeout) is the one a grace period is compared with, and a bad value in a file is
 * reported as gantry would report it.
 */
record GantryEnvironment(Map<String, String> env, SettingsLoader settings, Setting<Integer> httpPortSetting) {

    static GantryEnvironment worker(Map<String, String> env) {
        return new GantryEnvironment(env, new SettingsLoader(env, Map.of()).load(WorkerSettings.ALL), WorkerSettings.HTTP_PORT);
    }

    static GantryEnvironment server(Map<String, String> env) {
        return new GantryEnvironment(env, new SettingsLoader(env, Map.of()).load(ServerSettings.ALL), ServerSettings.HTTP_PORT);
    }

    /** Every line gantry would print before refusing to start, plus the admin token's length, checked only at start. */
    List<String> errors() {
        List<String> errors = new ArrayList<>(settings.errors());
        String token = env.get(ServerSettings.ADMIN_TOKEN.env());
        if (httpPortSetting == ServerSettings.HTTP_PORT && token != null && !token.isBlank()   // blank: unset, one is generated
                && token.length() < TokenClient.MIN_SECRET_LENGTH) {
            errors.add(ServerSettings.ADMIN_TOKEN.env() + ": shorter than " + TokenClient.MIN_SECRET_LENGTH + " characters, the server refuses it");
        }
        return errors;
    }

    /** The timeout the process would use; the default when the value itself is bad (reported in the errors). */
    long shutdownTimeoutMillis() {
        var value = settings.get(WorkerSettings.SHUTDOWN_TIMEOUT);
        return value != null ? value.toMillis() : Long.parseLong(WorkerSettings.SHUTDOWN_TIMEOUT.defaultValue());
    }

    int httpPort() {
        Integer value = settings.get(httpPortSetting);
        return value != null ? value : Integer.parseInt(httpPortSetting.defaultValue());
    }
}

package dev.gantry.server.settings;

import java.util.function.Function;

import dev.gantry.config.ConfigException;

/**
 * One row of the settings table: environment variable, matching flag, default, whether it is
 * secret, a one-line description and the parser that validates it. The flag wins over the
 * environment. {@code docs/configuration.md} and {@code --help} come from these rows.
 *
 * @param defaultValue null means required, unless {@code optional}
 */
public record Setting<T>(String env, String flag, String defaultValue, boolean optional, boolean secret,
                         String description, Function<String, T> parser) {

    public static <T> Setting<T> of(String env, String flag, String defaultValue, String description,
                                    Function<String, T> parser) {
        return new Setting<>(env, flag, defaultValue, false, false, description, parser);
    }

    public Setting<T> asSecret() {
        return new Setting<>(env, flag, defaultValue, optional, true, description, parser);
    }

    public Setting<T> asOptional() {
        return new Setting<>(env, flag, defaultValue, true, secret, description, parser);
    }

    /** Parses a raw value, naming the variable or flag it came from in the error. */
    T parse(String source, String raw) {
        try {
            return parser.apply(raw.trim());
        } catch (ConfigException e) {
            throw new ConfigException(source, e.getMessage().startsWith(e.setting() + ": ")
                    ? e.getMessage().substring(e.setting().length() + 2) : e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException(source, e.getMessage());
        }
    }
}

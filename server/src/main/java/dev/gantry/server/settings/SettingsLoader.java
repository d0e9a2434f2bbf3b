package dev.gantry.server.settings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.config.ConfigException;

/**
 * Reads every setting from its flag, else its environment variable, else its default, and
 * collects every error instead of stopping at the first, so an operator fixes them all at once.
 */
public final class SettingsLoader {
    private final Map<String, String> env;
    private final Map<String, String> flags;
    private final Map<Setting<?>, Object> values = new HashMap<>();
    private final List<String> errors = new ArrayList<>();

    /** @param flags values given on the command line, by flag name */
    public SettingsLoader(Map<String, String> env, Map<String, String> flags) {
        this.env = env;
        this.flags = flags;
    }

    /** Loads all rows; afterwards {@link #errors()} holds one line per bad setting. */
    public SettingsLoader load(List<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            String source;
            String raw;
            if (flags.get(s.flag()) != null) {
                source = s.flag();
                raw = flags.get(s.flag());
            } else if (env.get(s.env()) != null && !env.get(s.env()).isBlank()) {
                source = s.env();
                raw = env.get(s.env());
            } else if (s.defaultValue() != null) {
                source = s.env();
                raw = s.defaultValue();
            } else {
                if (!s.optional()) errors.add(s.env() + ": is not set (or pass " + s.flag() + ")");
                continue;
            }
            try {
                values.put(s, s.parse(source, raw));
            } catch (ConfigException e) {
                errors.add(e.getMessage());
            }
        }
        return this;
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The parsed value, or null for an optional setting left unset. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting);
    }
}

package dev.gantry.config;

import dev.gantry.error.GantryException;

/** A bad setting: names it and says what is wrong, in one line. */
public class ConfigException extends GantryException {
    private final String setting;

    public ConfigException(String setting, String reason) {
        super(setting + ": " + reason);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}

package dev.gantry.config;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the control plane cannot do from core alone: the process owns logging configuration
 * and its own exit. The server wires Logback and System.exit here; embedded users may leave
 * the defaults (log level changes are refused, shutdown stops the worker).
 *
 * @param logLevel    reads the root log level
 * @param setLogLevel sets it (TRACE..ERROR); throws IllegalStateException when not supported
 * @param shutdown    exits the process gracefully; called once, on its own thread
 */
public record ControlHooks(Supplier<String> logLevel, Consumer<String> setLogLevel, Runnable shutdown) {
    public static ControlHooks defaults(Runnable shutdown) {
        return new ControlHooks(() -> null, level -> {
            throw new IllegalStateException("this process does not let Gantry change its log level");
        }, shutdown);
    }
}

package dev.gantry.worker;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.error.InvalidInputException;
import dev.gantry.job.HandlerOptions;
import dev.gantry.job.JobHandler;

/** The handlers of one worker, by kind. Registration happens before start. */
public final class HandlerRegistry {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}");

    /** A handler with the type its args decode into and its per-kind options. */
    record Registered(String kind, JavaType argsType, JobHandler<Object> handler, HandlerOptions options) {
    }

    private final ObjectMapper json;
    private final Map<String, Registered> handlers = new ConcurrentHashMap<>();

    public HandlerRegistry(ObjectMapper json) {
        this.json = json;
    }

    @SuppressWarnings("unchecked")
    public <A> void register(String kind, Class<A> argsType, JobHandler<A> handler, HandlerOptions options) {
        if (kind == null || !NAME.matcher(kind).matches()) {
            throw new InvalidInputException("kind", "must be at most 128 letters, digits or _ . : -, got \"" + kind + "\"");
        }
        if (argsType == null) throw new InvalidInputException("argsType", "must not be null");
        if (handler == null) throw new InvalidInputException("handler", "must not be null");
        Registered r = new Registered(kind, json.constructType(argsType), (JobHandler<Object>) handler,
                options == null ? HandlerOptions.DEFAULTS : options);
        if (handlers.putIfAbsent(kind, r) != null) {
            throw new InvalidInputException("kind", "a handler for \"" + kind + "\" is already registered");
        }
    }

    Registered get(String kind) {
        return handlers.get(kind);
    }

    public Set<String> kinds() {
        return Set.copyOf(handlers.keySet());
    }
}

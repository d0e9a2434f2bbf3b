package dev.gantry.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.event.GantryListener;
import dev.gantry.health.ComponentHealth;
import dev.gantry.time.TimeSource;

/**
 * Starts services in the order they were added and stops them in reverse. A start that fails
 * stops what it had started (the failed step itself first, which may be half started), in
 * reverse, and rethrows, so a failed start leaves no thread behind; {@link #stop} is idempotent and safe after any partial start. Also the registry of
 * the {@link Component}s whose health {@code /health} shows.
 */
public final class Supervisor implements Service {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** How long the services started before a failed start get to stop. */
    static final Duration UNDO_TIMEOUT = Duration.ofSeconds(5);

    private record Step(String name, Service service) {
    }

    private final TimeSource time;
    private final GantryListener listener;
    private final Consumer<String> beforeStart;
    private final List<Step> steps = new ArrayList<>();
    /** Own lock: health is read while a long stop holds the supervisor's. */
    private final Map<String, Component> components = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Step> started = new ArrayList<>();

    /** @param beforeStart called with each step's name before it starts (a test hook: throwing fails that step) */
    public Supervisor(TimeSource time, GantryListener listener, Consumer<String> beforeStart) {
        this.time = time;
        this.listener = listener;
        this.beforeStart = beforeStart;
    }

    /** The health handle of a component, made on first use. */
    public Component component(String name) {
        return components.computeIfAbsent(name, n -> new Component(n, time, listener));
    }

    /** Adds a step; steps start in the order added. */
    public synchronized Supervisor add(String name, Service service) {
        steps.add(new Step(name, service));
        return this;
    }

    @Override
    public synchronized void start() {
        for (Step s : steps) {
            if (started.contains(s)) continue;
            try {
                beforeStart.accept(s.name());
                s.service().start();
            } catch (RuntimeException | Error e) {
                log.atError().setMessage("start failed, stopping what had started").addKeyValue("step", s.name())
                        .addKeyValue("error", String.valueOf(e.getMessage())).log();
                // The failed step may have started part of itself; stop is safe on any partial start.
                started.add(s);
                stopStarted(UNDO_TIMEOUT);
                throw e;
            }
            started.add(s);
        }
    }

    @Override
    public synchronized void stop(Duration timeout) {
        stopStarted(timeout);
    }

    private void stopStarted(Duration timeout) {
        for (Step s : started.reversed()) {
            try {
                s.service().stop(timeout);
            } catch (RuntimeException e) {
                log.atWarn().setMessage("stopping a step failed").addKeyValue("step", s.name()).setCause(e).log();
            }
        }
        started.clear();
    }

    public synchronized boolean running() {
        return !started.isEmpty();
    }

    public List<ComponentHealth> health() {
        List<Component> all;
        synchronized (components) {
            all = List.copyOf(components.values());
        }
        return all.stream().map(Component::health).toList();
    }
}

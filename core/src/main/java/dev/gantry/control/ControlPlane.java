package dev.gantry.control;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.config.ControlHooks;
import dev.gantry.config.SchemaName;
import dev.gantry.lifecycle.Component;
import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.lifecycle.Supervisor;
import dev.gantry.notify.Notifier;
import dev.gantry.notify.Payloads;
import dev.gantry.store.CommandStore;
import dev.gantry.store.LogStore;
import dev.gantry.store.WorkerStore;
import dev.gantry.worker.WorkerRuntime;

/**
 * A worker's control plane as three supervised steps: {@link #registration()} (the registry row
 * at start, the final status at stop), {@link #heartbeat()} (thread gantry-heartbeat) and
 * {@link #commands()} (thread gantry-commands). It subscribes to its channels when built, so the
 * notifier must start after it.
 */
public final class ControlPlane {
    private final Heartbeater heartbeater;
    private final CommandProcessor processor;
    private final WorkerState state;
    private final PeriodicLoop heartbeatLoop;
    private final PeriodicLoop commandLoop;

    public ControlPlane(WorkerStore workers, CommandStore commands, LogStore logs, WorkerRuntime runtime,
                        WorkerState state, ControlHooks hooks, ObjectMapper json, Notifier notifier, SchemaName schema,
                        String version, Supervisor supervisor) {
        this.state = state;
        String workerId = runtime.config().workerId();
        this.heartbeater = new Heartbeater(workers, commands, logs, runtime, state, hooks, json, version);
        this.processor = new CommandProcessor(commands, runtime, state, hooks, json);
        Component beat = supervisor.component("heartbeat");
        Duration deadTimeout = runtime.config().deadTimeout();
        // Silent past the dead timeout, others take this worker for dead and rescue its jobs.
        beat.stallProbe(() -> {
            Duration since = Duration.ofNanos(Math.min(state.sinceLastHeartbeatNanos(), Long.MAX_VALUE / 2));
            return since.compareTo(deadTimeout) > 0 ? "no heartbeat written for " + since.toSeconds() + " s" : null;
        });
        this.heartbeatLoop = new PeriodicLoop(beat, runtime.config().heartbeatInterval(), heartbeater::runOnce);
        // After commands were processed, beat at once so the registry shows their effect.
        // Half the poll interval (plus jitter) keeps command pickup under one poll interval without LISTEN.
        this.commandLoop = new PeriodicLoop(supervisor.component("commands"), runtime.config().pollInterval().dividedBy(2), () -> {
            if (processor.runOnce() > 0) heartbeatLoop.kick();
        });
        notifier.subscribe(schema.value() + ".worker_command", payload -> {
            if (payload == null || workerId.equals(Payloads.field(payload, "worker_id"))) commandLoop.kick();
        });
        // A queue was paused or resumed for all workers: the heartbeat re-reads the pauses and
        // writes the registry row, so both the claims and what operators see change at once.
        notifier.subscribe(schema.queueChangedChannel(), payload -> heartbeatLoop.kick());
    }

    public WorkerState state() {
        return state;
    }

    /** Registers the worker at start; at stop writes its final status (stopped). */
    public Service registration() {
        return new Service() {
            @Override
            public void start() {
                heartbeater.register();
                state.heartbeatWritten();
            }

            @Override
            public void stop(Duration timeout) {
                state.stopping(false);
                state.stoppedForGood();
                heartbeater.farewell();
            }
        };
    }

    /** The heartbeat loop; it goes on while the worker drains, reporting status stopping. */
    public Service heartbeat() {
        return heartbeatLoop;
    }

    /** The command loop, which looks for commands at once when it starts. */
    public Service commands() {
        return new Service() {
            @Override
            public void start() {
                commandLoop.start();
                commandLoop.kick();
            }

            @Override
            public void stop(Duration timeout) {
                commandLoop.stop(timeout);
            }
        };
    }
}

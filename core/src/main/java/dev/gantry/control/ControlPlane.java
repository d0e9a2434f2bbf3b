package dev.gantry.control;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.notify.Notifier;
import dev.gantry.notify.Payloads;
import dev.gantry.store.CommandStore;
import dev.gantry.store.LogStore;
import dev.gantry.store.SchemaName;
import dev.gantry.store.WorkerStore;
import dev.gantry.worker.WorkerRuntime;

/** A worker's control loops: heartbeats (gantry-heartbeat) and commands (gantry-commands). */
public final class ControlPlane implements Service {
    private final Heartbeater heartbeater;
    private final CommandProcessor processor;
    private final WorkerState state;
    private final PeriodicLoop heartbeatLoop;
    private final PeriodicLoop commandLoop;
    private final String workerId;
    private final String channel;
    private final String queueChannel;
    private final Notifier notifier;

    public ControlPlane(WorkerStore workers, CommandStore commands, LogStore logs, WorkerRuntime runtime,
                        WorkerState state, ControlHooks hooks, ObjectMapper json, Notifier notifier, SchemaName schema,
                        String version) {
        this.state = state;
        this.workerId = runtime.config().workerId();
        this.notifier = notifier;
        this.channel = schema.value() + ".worker_command";
        this.queueChannel = schema.queueChangedChannel();
        this.heartbeater = new Heartbeater(workers, commands, logs, runtime, state, hooks, json, version);
        this.processor = new CommandProcessor(commands, runtime, state, hooks, json);
        this.heartbeatLoop = new PeriodicLoop("gantry-heartbeat", runtime.config().heartbeatInterval(), heartbeater::runOnce);
        // After commands were processed, beat at once so the registry shows their effect.
        // Half the poll interval (plus jitter) keeps command pickup under one poll interval without LISTEN.
        this.commandLoop = new PeriodicLoop("gantry-commands", runtime.config().pollInterval().dividedBy(2), () -> {
            if (processor.runOnce() > 0) heartbeatLoop.kick();
        });
    }

    /** Registers the worker; call before the notifier starts so the command channel is LISTENed. */
    @Override
    public void start() {
        heartbeater.register();
        state.heartbeatWritten();
        notifier.subscribe(channel, payload -> {
            if (payload == null || workerId.equals(Payloads.field(payload, "worker_id"))) commandLoop.kick();
        });
        // A queue was paused or resumed for all workers: the heartbeat re-reads the pauses and
        // writes the registry row, so both the claims and what operators see change at once.
        notifier.subscribe(queueChannel, payload -> heartbeatLoop.kick());
        heartbeatLoop.start();
        commandLoop.start();
        commandLoop.kick();
    }

    public WorkerState state() {
        return state;
    }

    @Override
    public void stop(Duration timeout) {
        commandLoop.stop(timeout);
        heartbeatLoop.stop(timeout);
    }

    /** Writes the final status once the worker has stopped. */
    public void farewell() {
        heartbeater.farewell();
    }
}

package dev.gantry.control;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.store.CommandStore;
import dev.gantry.client.CommandDelivery;
import dev.gantry.config.ControlHooks;
import dev.gantry.worker.WorkerRuntime;

/**
 * Carries out the commands sent to this worker, oldest first, and acknowledges each as
 * processed or failed with the reason. Woken by NOTIFY, and also polls, so commands arrive
 * through PgBouncer too. Commands were validated when written (gantry.send_command); a failure
 * here is a runtime problem, reported in the acknowledgement.
 */
public final class CommandProcessor {
    private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

    private final CommandStore commands;
    private final WorkerRuntime runtime;
    private final WorkerState state;
    private final ControlHooks hooks;
    private final ObjectMapper json;
    private final WorkerConfig startup;
    private final String startupLogLevel;

    public CommandProcessor(CommandStore commands, WorkerRuntime runtime, WorkerState state, ControlHooks hooks,
                            ObjectMapper json) {
        this.commands = commands;
        this.runtime = runtime;
        this.state = state;
        this.hooks = hooks;
        this.json = json;
        this.startup = runtime.config();
        this.startupLogLevel = hooks.logLevel().get();
    }

    /** Processes every pending command; returns how many. */
    public int runOnce() {
        int n = 0;
        for (CommandDelivery c : commands.pending(startup.workerId())) {
            String error = null;
            try {
                execute(c.command(), json.readTree(c.payloadJson()));
            } catch (RuntimeException | JsonProcessingException e) {
                error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted while processing";
            }
            commands.ack(c.id(), error);
            var event = error == null ? log.atInfo().setMessage("processed command")
                    : log.atWarn().setMessage("command failed").addKeyValue("error", error);
            event.addKeyValue("command_id", c.id()).addKeyValue("command", c.command()).log();
            if (error == null && c.command().equals("shutdown")) {
                state.stopping(true);
                Thread.ofPlatform().name("gantry-shutdown").start(hooks.shutdown());
                break;
            }
            n++;
        }
        return n;
    }

    private void execute(String command, JsonNode payload) throws InterruptedException {
        switch (command) {
            case "start" -> {
                runtime.fetching(true);
                state.stopped(false);
            }
            case "stop" -> {
                runtime.fetching(false);
                state.stopped(true);
            }
            case "restart" -> restart();
            case "pause_queue" -> runtime.pauseQueue(payload.path("queue").asText(), true);
            case "resume_queue" -> runtime.pauseQueue(payload.path("queue").asText(), false);
            case "update_config" -> updateConfig(payload);
            case "shutdown" -> { }   // acknowledged first, then the process exits (see runOnce)
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
    }

    /** Stop fetching, let running jobs finish, go back to the configuration the process started with, start. */
    private void restart() throws InterruptedException {
        runtime.fetching(false);
        state.stopping(true);
        try {
            if (!runtime.awaitIdle(startup.shutdownTimeout())) {
                log.atWarn().setMessage("restarting with jobs still running").addKeyValue("running", runtime.runningJobs()).log();
            }
            for (QueueConfig q : startup.queues()) runtime.concurrency(q.name(), q.concurrency());
            runtime.resumeAllQueues();
            runtime.pollInterval(startup.pollInterval());
            if (startupLogLevel != null) hooks.setLogLevel().accept(startupLogLevel);
        } finally {
            state.stopping(false);
        }
        state.stopped(false);
        runtime.fetching(true);
    }

    private void updateConfig(JsonNode payload) {
        JsonNode level = payload.get("log_level");
        if (level != null) hooks.setLogLevel().accept(level.asText().toUpperCase(java.util.Locale.ROOT));
        JsonNode poll = payload.get("poll_interval_ms");
        if (poll != null) runtime.pollInterval(Duration.ofMillis(poll.asLong()));
        JsonNode concurrency = payload.get("concurrency");
        if (concurrency != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = concurrency.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                runtime.concurrency(e.getKey(), e.getValue().asInt());
            }
        }
    }
}

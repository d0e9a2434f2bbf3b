package dev.gantry.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.gantry.error.InvalidInputException;

/**
 * The worker registry and remote commands (docs/control-plane.md). Thread-safe; get it from
 * {@code Gantry.workers()}.
 *
 * <pre>{@code
 * Command sent = gantry.workers().send("*", "stop", "{}");
 * Command answered = gantry.workers().await(sent.id(), Duration.ofSeconds(10));
 * if (!answered.complete()) ...   // a worker did not answer in time
 * }</pre>
 */
public interface WorkerClient {
    /** Every registered worker, dead ones too (until they are pruned), by id. */
    List<Worker> list();

    Optional<Worker> get(String id);

    /**
     * Sends a command to one worker id or {@code "*"} (every live worker): start, stop, restart,
     * pause_queue, resume_queue, update_config or shutdown, with its JSON payload. Validated by
     * the database ({@code gantry.send_command}): bad input throws {@link InvalidInputException}
     * and sends nothing. Returns the command as sent (every copy pending).
     */
    Command send(String target, String command, String payloadJson);

    /** A command and every worker's answer so far; empty when no such command exists. */
    Optional<Command> command(long id);

    /**
     * Waits until every worker answered the command, or the wait is over, and returns it as it
     * then is ({@link Command#complete()} tells which). Workers answer within a second when
     * NOTIFY reaches them.
     */
    Command await(long id, Duration wait) throws InterruptedException;
}

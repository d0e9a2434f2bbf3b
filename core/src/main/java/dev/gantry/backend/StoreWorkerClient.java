package dev.gantry.backend;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.gantry.client.Command;
import dev.gantry.client.CommandDelivery;
import dev.gantry.client.Worker;
import dev.gantry.client.WorkerClient;
import dev.gantry.store.CommandStore;
import dev.gantry.store.WorkerStore;

/** {@link WorkerClient} on the worker and command stores. Thread-safe. */
public final class StoreWorkerClient implements WorkerClient {
    /** How often {@link #await} looks at the answers: workers answer within a second, so a short poll keeps callers responsive. */
    static final Duration POLL = Duration.ofMillis(50);

    private final WorkerStore workers;
    private final CommandStore commands;

    public StoreWorkerClient(WorkerStore workers, CommandStore commands) {
        this.workers = workers;
        this.commands = commands;
    }

    @Override
    public List<Worker> list() {
        return workers.all();
    }

    @Override
    public Optional<Worker> get(String id) {
        return workers.all().stream().filter(w -> w.id().equals(id)).findFirst();
    }

    @Override
    public Command send(String target, String command, String payloadJson) {
        long id = commands.send(target, command, payloadJson == null ? "{}" : payloadJson);
        List<CommandDelivery> copies = commands.get(id);
        return copies.isEmpty() ? new Command(id, command, payloadJson, null, List.of()) : commandOf(id, copies);
    }

    @Override
    public Optional<Command> command(long id) {
        List<CommandDelivery> copies = commands.get(id);
        if (copies.isEmpty()) return Optional.empty();
        // Asked by a copy's id: show the whole broadcast under the id its sender got.
        Long broadcast = copies.getFirst().broadcastId();
        return Optional.of(commandOf(broadcast != null ? broadcast : id, copies));
    }

    @Override
    public Command await(long id, Duration wait) throws InterruptedException {
        // Real time: a wait is a promise to a person or a script, whatever clock the tests inject.
        long deadline = System.nanoTime() + wait.toNanos();
        List<CommandDelivery> copies = commands.get(id);
        while (copies.stream().anyMatch(CommandDelivery::pending)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), left / 1_000_000)));
            copies = commands.get(id);
        }
        return commandOf(id, copies);
    }

    private static Command commandOf(long id, List<CommandDelivery> copies) {
        if (copies.isEmpty()) return new Command(id, null, null, null, List.of());
        CommandDelivery first = copies.getFirst();
        return new Command(id, first.command(), first.payloadJson(), first.createdAt(), copies);
    }
}

package dev.gantry.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gantry workers}: see the worker registry and send commands to workers (docs/control-plane.md). */
@Command(name = "workers", mixinStandardHelpOptions = true,
        description = {"List workers and send them commands.",
                "start, stop, restart, pause or resume a queue, change live settings, shut down. Each command",
                "waits for every worker's acknowledgement unless --no-wait."},
        subcommands = {WorkersListCommand.class, WorkerControlCommand.Start.class, WorkerControlCommand.Stop.class,
                WorkerControlCommand.Restart.class, WorkerControlCommand.Pause.class, WorkerControlCommand.Resume.class,
                WorkersConfigCommand.class, WorkerControlCommand.Shutdown.class})
public final class WorkersCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: list, start, stop, restart, pause, resume, config or shutdown");
    }
}

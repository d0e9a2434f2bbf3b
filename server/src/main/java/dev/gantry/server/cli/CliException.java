package dev.gantry.server.cli;

import dev.gantry.error.GantryException;

/** A command's own failure with the exit code it means (see {@link GantryCommand}'s exit codes). */
final class CliException extends GantryException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

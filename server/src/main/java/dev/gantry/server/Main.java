package dev.gantry.server;

import picocli.CommandLine;

import dev.gantry.server.cli.GantryCommand;

/** Entry point of gantry.jar: runs the CLI and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(GantryCommand.commandLine().execute(args));
    }
}

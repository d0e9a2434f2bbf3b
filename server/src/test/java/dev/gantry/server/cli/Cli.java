package dev.gantry.server.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.testing.TestDatabase;

/**
 * Runs the gantry CLI in-process against a test database, the way a shell would: a fresh
 * command line per run, stdout and stderr captured, the database URL appended as a flag.
 */
final class Cli {
    private final String url;
    private volatile StringWriter out = new StringWriter();
    private volatile StringWriter err = new StringWriter();
    private String stdin = "";

    Cli(TestDatabase db) {
        this(db.url());
    }

    Cli(String url) {
        this.url = url;
    }

    /** What {@code --file -} reads on the next run. */
    Cli stdin(String text) {
        stdin = text;
        return this;
    }

    /** Runs {@code gantry args... --database-url URL} and returns the exit code. */
    int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--database-url");
        all.add(url);
        return runRaw(all.toArray(String[]::new));
    }

    /** Runs exactly these arguments. */
    int runRaw(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = GantryCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((EnqueueCommand) cl.getSubcommands().get("enqueue").getCommand()).stdin =
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    JsonNode json() {
        try {
            return JsonOutput.MAPPER.readTree(out());
        } catch (java.io.IOException e) {
            throw new AssertionError("stdout is not JSON: " + out(), e);
        }
    }

    /** stdout as JSON Lines. */
    List<JsonNode> jsonLines() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out().lines().toList()) {
            try {
                nodes.add(JsonOutput.MAPPER.readTree(line));
            } catch (java.io.IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return nodes;
    }
}

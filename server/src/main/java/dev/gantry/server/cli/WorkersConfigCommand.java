package dev.gantry.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry workers config}: the settings a worker applies live (update_config). */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Change a worker's live settings without a restart.",
                "A queue's concurrency, the poll interval, the log level. restart goes back to the settings the process started with."},
        footer = {"", "Examples:", "  gantry workers config worker-1 --concurrency mail=8 --concurrency default=32",
                "  gantry workers config --all --log-level DEBUG"})
final class WorkersConfigCommand extends WorkerControlCommand {
    @Option(names = "--concurrency", paramLabel = "QUEUE=N",
            description = "A queue's concurrency, 1 to 10000 (repeatable).")
    Map<String, Integer> concurrency = new LinkedHashMap<>();

    @Option(names = "--poll-interval-ms", paramLabel = "MS", description = "Poll interval, 10 to 3600000.")
    Integer pollIntervalMs;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "TRACE, DEBUG, INFO, WARN or ERROR.")
    String logLevel;

    @Override
    String command() {
        return "update_config";
    }

    @Override
    ObjectNode payload() {
        if (concurrency.isEmpty() && pollIntervalMs == null && logLevel == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "nothing to change: give --concurrency, --poll-interval-ms or --log-level");
        }
        ObjectNode p = super.payload();
        if (!concurrency.isEmpty()) {
            ObjectNode c = p.putObject("concurrency");
            concurrency.forEach(c::put);
        }
        if (pollIntervalMs != null) p.put("poll_interval_ms", pollIntervalMs);
        if (logLevel != null) p.put("log_level", logLevel);
        return p;
    }
}

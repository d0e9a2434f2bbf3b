package dev.gantry.server.kinds.demo;

import java.time.Duration;
import java.util.List;

import dev.gantry.Gantry;
import dev.gantry.job.PermanentJobFailure;

/**
 * Job kinds for exercising a worker with no user code: {@code demo.noop} does nothing and
 * returns no result (any args; the queue's own cost per job, as bench/run's W2 measures it),
 * {@code demo.sleep} sleeps {@code ms},
 * {@code demo.fail} fails its first {@code times} attempts (permanently when {@code permanent}),
 * {@code demo.log} logs {@code lines} (or {@code count} numbered lines) at {@code level}.
 */
public final class DemoKinds {
    private DemoKinds() {
    }

    public record SleepArgs(long ms) {
    }

    public record FailArgs(int times, boolean permanent, String message) {
    }

    public record LogArgs(List<String> lines, int count, String level) {
    }

    public static void register(Gantry gantry) {
        gantry.register("demo.noop", java.util.Map.class, (args, ctx) -> null);
        gantry.register("demo.sleep", SleepArgs.class, (args, ctx) -> {
            if (args.ms() < 0) throw new PermanentJobFailure("ms must not be negative");
            Thread.sleep(Duration.ofMillis(args.ms()));
            return java.util.Map.of("slept_ms", args.ms());
        });
        gantry.register("demo.fail", FailArgs.class, (args, ctx) -> {
            if (ctx.attempt() <= args.times()) {
                String msg = args.message() != null ? args.message() : "demo failure " + ctx.attempt() + " of " + args.times();
                if (args.permanent()) throw new PermanentJobFailure(msg);
                throw new IllegalStateException(msg);
            }
            return java.util.Map.of("succeeded_on_attempt", ctx.attempt());
        });
        gantry.register("demo.log", LogArgs.class, (args, ctx) -> {
            String level = args.level() == null ? "INFO" : args.level().toUpperCase(java.util.Locale.ROOT);
            int n = 0;
            if (args.lines() != null) {
                for (String line : args.lines()) {
                    log(ctx.logger(), level, line);
                    n++;
                }
            }
            for (int i = 1; i <= args.count(); i++) {
                log(ctx.logger(), level, "demo line " + i + " of " + args.count());
                n++;
            }
            return java.util.Map.of("logged", n);
        });
    }

    private static void log(org.slf4j.Logger logger, String level, String line) {
        switch (level) {
            case "ERROR" -> logger.error(line);
            case "WARN" -> logger.warn(line);
            case "DEBUG" -> logger.debug(line);
            case "TRACE" -> logger.trace(line);
            default -> logger.info(line);
        }
    }
}

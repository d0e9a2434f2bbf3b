package dev.gantry.server.logging;

import java.util.function.Consumer;

import dev.gantry.client.LogRecord;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * Console logging of a long-running process: one JSON object per line (LOG_FORMAT=json, the
 * default when stdout is not a terminal) or a readable pattern (pretty), at LOG_LEVEL. The
 * level can change at run time (update_config).
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static void configure(String format, String level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        boolean json = format.equals("json") || (format.equals("auto") && System.console() == null);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        MaskingEncoder encoder = new MaskingEncoder(json ? jsonEncoder(ctx) : patternEncoder(ctx), SecretMask.INSTANCE);
        encoder.setContext(ctx);
        encoder.start();
        console.setEncoder(encoder);
        console.start();
        root.addAppender(console);
        root.setLevel(Level.toLevel(level, Level.INFO));
        // Pool and migration internals are noise at INFO, and the pool may print its URL.
        ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        ctx.getLogger("org.flywaydb").setLevel(Level.WARN);
        ctx.getLogger("io.javalin").setLevel(Level.WARN);
        ctx.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        e.setWithSequenceNumber(false);
        e.setWithContext(false);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> patternEncoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern("%d{HH:mm:ss.SSS} %highlight(%-5level) %cyan(%logger{20}) %msg %kvp %mdc%n%ex");
        e.start();
        return e;
    }

    /**
     * Ships the log events of this process to gantry.worker_logs through the worker's shipper:
     * every line but those written while another worker of this JVM ran a job (its MDC names
     * that worker), whose job ids belong to that worker's database.
     */
    public static void shipTo(Consumer<LogRecord> shipper, String workerId) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        WorkerLogAppender appender = new WorkerLogAppender(shipper, workerId, SecretMask.INSTANCE);
        appender.setContext(ctx);
        appender.start();
        // One worker ships a process's logs: a later worker (a restarted server, the next test) replaces the earlier one's.
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        var previous = root.getAppender(appender.getName());
        root.addAppender(appender);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
    }

    public static String level() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        return ctx.getLogger(Logger.ROOT_LOGGER_NAME).getLevel().toString();
    }

    public static void level(String level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
}

package dev.gantry.server.logging;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;

import dev.gantry.client.LogRecord;

/**
 * Hands every log event of the worker process to the worker's log shipping ({@code Gantry.shipLog}): level, message, logger,
 * key-value pairs and MDC as fields, the job id from the MDC, the exception. Secrets are masked.
 * Runs on the logging thread, so it only converts and queues.
 */
final class WorkerLogAppender extends AppenderBase<ILoggingEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<LogRecord> shipper;
    private final String workerId;
    private final SecretMask mask;

    WorkerLogAppender(Consumer<LogRecord> shipper, String workerId, SecretMask mask) {
        this.shipper = shipper;
        this.workerId = workerId;
        this.mask = mask;
        setName("gantry-worker-logs");
    }

    @Override
    protected void append(ILoggingEvent e) {
        Map<String, String> mdc = e.getMDCPropertyMap();
        String jobWorker = mdc.get("worker_id");
        if (jobWorker != null && !jobWorker.equals(workerId)) return;
        ObjectNode fields = JSON.createObjectNode();
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(kv -> fields.put(kv.key, mask.mask(String.valueOf(kv.value))));
        }
        mdc.forEach((k, v) -> {
            if (!k.equals("job_id") && !k.equals("worker_id")) fields.put(k, mask.mask(v));
        });
        Long jobId = null;
        String id = mdc.get("job_id");
        if (id != null) {
            try {
                jobId = Long.parseLong(id);
            } catch (NumberFormatException ignored) {
                // not one of ours; keep it as a field
                fields.put("job_id", id);
            }
        }
        String exception = e.getThrowableProxy() == null ? null : mask.mask(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        shipper.accept(new LogRecord(jobId, e.getLevel().toString(), e.getLoggerName(), mask.mask(e.getFormattedMessage()),
                fields.isEmpty() ? null : fields.toString(), exception, Instant.ofEpochMilli(e.getTimeStamp())));
    }
}

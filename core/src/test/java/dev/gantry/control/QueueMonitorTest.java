package dev.gantry.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.config.SchemaName;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

@ExtendWith(PostgresExtension.class)
class QueueMonitorTest {

    @Test
    void countsEachQueueByStateWithFinishedJobsOfTheWindowOnly(TestDatabase db) {
        db.reset();
        db.execute("""
                INSERT INTO gantry.jobs (queue, kind, state, run_at, finished_at, worker_id, lease_expires_at) VALUES
                  ('mail', 'k', 'available', now() - interval '90 seconds', NULL, NULL, NULL),
                  ('mail', 'k', 'available', now(), NULL, NULL, NULL),
                  ('mail', 'k', 'running', now(), NULL, 'w', now() + interval '1 minute'),
                  ('mail', 'k', 'completed', now(), now() - interval '5 seconds', NULL, NULL),
                  ('mail', 'k', 'completed', now(), now() - interval '5 hours', NULL, NULL),
                  ('mail', 'k', 'discarded', now(), now() - interval '1 second', NULL, NULL),
                  ('web', 'k', 'scheduled', now() + interval '1 hour', NULL, NULL, NULL),
                  ('web', 'k', 'retryable', now() + interval '1 minute', NULL, NULL, NULL)""");
        QueueMonitor monitor = new QueueMonitor(new JobStore(new Db(db.dataSource()), SchemaName.DEFAULT,
                SystemTimeSource.INSTANCE), Duration.ofSeconds(30));

        List<JobStore.QueueCounts> counts = monitor.runOnce();

        assertThat(counts).hasSize(2);
        JobStore.QueueCounts mail = counts.get(0);
        assertThat(mail.queue()).isEqualTo("mail");
        assertThat(List.of(mail.available(), mail.running(), mail.completed(), mail.discarded())).containsExactly(2L, 1L, 1L, 1L);
        assertThat(mail.oldestAvailableSeconds()).isBetween(89.0, 120.0);
        JobStore.QueueCounts web = counts.get(1);
        assertThat(List.of(web.scheduled(), web.retryable(), web.available())).containsExactly(1L, 1L, 0L);
        assertThat(monitor.last()).isEqualTo(counts);
    }
}

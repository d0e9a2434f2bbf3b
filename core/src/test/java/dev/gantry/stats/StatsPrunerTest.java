package dev.gantry.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.maintenance.StatsPruner;
import dev.gantry.store.Db;
import dev.gantry.store.SchemaName;
import dev.gantry.store.StatsStore;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class StatsPrunerTest {

    @Test
    void deletesRollupRowsOlderThanTheRetentionOnly(TestDatabase db) {
        db.execute("TRUNCATE gantry.job_stats");
        db.execute("""
                INSERT INTO gantry.job_stats (bucket, queue, shard, claimed) VALUES
                  ('2024-12-24T23:59:00Z', 'q', 0, 1), ('2024-12-24T23:59:00Z', 'q', 1, 1),
                  ('2024-12-25T00:00:00Z', 'q', 0, 1), ('2025-01-01T00:00:00Z', 'q', 0, 1)""");
        ManualTimeSource time = ManualTimeSource.at("2025-01-01T00:00:00Z");
        StatsPruner pruner = new StatsPruner(new StatsStore(new Db(db.dataSource()), SchemaName.DEFAULT, time),
                Duration.ofDays(7));

        assertThat(pruner.runOnce()).isEqualTo(2);
        assertThat(pruner.runOnce()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.job_stats")).isEqualTo(2);
    }
}

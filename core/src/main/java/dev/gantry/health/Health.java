package dev.gantry.health;

import java.time.Duration;
import java.util.List;

/**
 * What a Gantry process reports on {@code /health}: healthy while the database answers and every
 * supervised component is up. The first problem found is the {@code reason}, naming the
 * component.
 *
 * @param workerId           this process's worker, or null when it runs none
 * @param runningJobs        jobs its worker is running now (0 without a worker)
 * @param sinceLastHeartbeat since its worker last wrote its heartbeat, or null without a worker or before the first
 */
public record Health(boolean healthy, String reason, List<ComponentHealth> components, String workerId,
                     int runningJobs, Duration sinceLastHeartbeat) {
    public Health {
        components = List.copyOf(components);
    }
}

package dev.gantry.backend;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.gantry.client.Limit;
import dev.gantry.client.LimitClient;
import dev.gantry.client.LimitRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.store.LimitStore;

/** {@link LimitClient} on the limit store; the SQL API (gantry.set_limit) checks the values. */
public final class StoreLimitClient implements LimitClient {
    private final LimitStore store;

    public StoreLimitClient(LimitStore store) {
        this.store = store;
    }

    @Override
    public Upserted set(String key, LimitRequest request) {
        if (request == null) throw new InvalidInputException("request", "must not be null");
        Long periodMs = null;
        if (request.period() != null) {
            Duration p = request.period();
            if (p.compareTo(Duration.ofSeconds(1)) < 0 || p.compareTo(Duration.ofDays(31)) > 0) {
                throw new InvalidInputException("period", "must be between 1 second and 31 days, got " + p);
            }
            periodMs = p.toMillis();
        }
        boolean created = store.set(key, request.maxRunning(), request.maxPerPeriod(), periodMs);
        return new Upserted(store.get(key).orElseThrow(), created);
    }

    @Override
    public Optional<Limit> get(String key) {
        return store.get(key);
    }

    @Override
    public List<Limit> list() {
        return store.list();
    }

    @Override
    public boolean delete(String key) {
        return store.delete(key);
    }
}

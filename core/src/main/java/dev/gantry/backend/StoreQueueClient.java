package dev.gantry.backend;

import java.util.List;

import dev.gantry.client.QueueClient;
import dev.gantry.client.QueueSummary;
import dev.gantry.store.QueueStore;

/** {@link QueueClient} on the queue store; names are checked before anything is written. */
public final class StoreQueueClient implements QueueClient {
    private final QueueStore store;

    public StoreQueueClient(QueueStore store) {
        this.store = store;
    }

    @Override
    public List<QueueSummary> list() {
        return store.list();
    }

    @Override
    public QueueSummary get(String name) {
        return store.get(JobRequestValidator.name("queue", name));
    }

    @Override
    public QueueSummary pause(String name, String by) {
        store.pause(JobRequestValidator.name("queue", name), by);
        return store.get(name);
    }

    @Override
    public QueueSummary resume(String name) {
        store.resume(JobRequestValidator.name("queue", name));
        return store.get(name);
    }
}

package dev.gantry.backend;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.gantry.error.UnknownKindException;
import dev.gantry.store.KindStore;

/**
 * The kinds enqueue accepts, cached: a kind is looked up in {@code gantry.kinds} once, the first
 * time it is seen, so the check costs nothing on the enqueue hot path.
 */
final class KindCatalog {
    private final KindStore store;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    KindCatalog(KindStore store) {
        this.store = store;
    }

    void declare(Collection<String> kinds) {
        store.declare(kinds);
        known.addAll(kinds);
    }

    void requireKnown(Collection<String> kinds) {
        Set<String> unseen = new LinkedHashSet<>();
        for (String k : kinds) if (!known.contains(k)) unseen.add(k);
        if (unseen.isEmpty()) return;
        known.addAll(store.known(unseen));
        for (String k : unseen) {
            if (!known.contains(k)) throw new UnknownKindException(k);
        }
    }
}

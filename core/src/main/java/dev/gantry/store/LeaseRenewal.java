package dev.gantry.store;

import java.util.Set;

/** The jobs whose lease this worker still holds, and among them those an operator asked to cancel. */
public record LeaseRenewal(Set<Long> held, Set<Long> cancelRequested) {
}

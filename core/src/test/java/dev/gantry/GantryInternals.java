package dev.gantry;

import java.util.function.Consumer;

import dev.gantry.control.ControlPlane;
import dev.gantry.control.LogShipper;
import dev.gantry.worker.WorkerRuntime;

/**
 * Tests' way to the running worker's internal parts, which the public API does not expose:
 * package-private accessors of {@link Gantry}, reached from this package.
 */
public final class GantryInternals {
    private GantryInternals() {
    }

    /** The running worker's runtime; fails when no worker runs. */
    public static WorkerRuntime worker(Gantry gantry) {
        return assembly(gantry).runtime;
    }

    public static ControlPlane control(Gantry gantry) {
        return assembly(gantry).control;
    }

    public static LogShipper logShipper(Gantry gantry) {
        return assembly(gantry).logShipper;
    }

    /** Makes the builder call {@code hook} with each start step's name before it starts; throw there to fail it. */
    public static Gantry.Builder beforeStart(Gantry.Builder builder, Consumer<String> hook) {
        return builder.beforeStart(hook);
    }

    private static WorkerAssembly assembly(Gantry gantry) {
        WorkerAssembly a = gantry.assembly();
        if (a == null) throw new IllegalStateException("no worker is running");
        return a;
    }
}

package dev.gantry.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.gantry.event.GantryListener;
import dev.gantry.health.ComponentHealth.State;
import dev.gantry.time.SystemTimeSource;

/** The error boundary of every loop: a failure is reported and counted, and the loop goes on. */
class PeriodicLoopTest {
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Component component = new Component("test-loop", SystemTimeSource.INSTANCE, new GantryListener() {
        @Override
        public void componentFailed(String name, Throwable error) {
            failures.add(name + ": " + error.getMessage());
        }
    });

    @Test
    void aThrowingTaskIsReportedAndTheLoopRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        PeriodicLoop loop = new PeriodicLoop(component, Duration.ofMillis(20), () -> {
            if (runs.incrementAndGet() <= 2) throw new IllegalStateException("bug " + runs.get());
        });

        loop.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 5);
        } finally {
            loop.stop(Duration.ofSeconds(1));
        }

        assertThat(failures).containsExactly("test-loop: bug 1", "test-loop: bug 2");
        assertThat(component.health().failures()).isEqualTo(2);
        assertThat(component.health().state()).isEqualTo(State.STOPPED);
    }

    @Test
    void aFailingLoopIsRestartingUntilAnIterationSucceeds() {
        AtomicBoolean broken = new AtomicBoolean(true);
        PeriodicLoop loop = new PeriodicLoop(component, Duration.ofMillis(20), () -> {
            if (broken.get()) throw new IllegalStateException("database away");
        });

        loop.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> component.health().state() == State.RESTARTING);
            assertThat(component.health().detail()).isEqualTo("database away");

            broken.set(false);

            await().atMost(Duration.ofSeconds(10)).until(() -> component.health().state() == State.UP);
        } finally {
            loop.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aStackOverflowIsSurvivedToo() {
        AtomicInteger runs = new AtomicInteger();
        PeriodicLoop loop = new PeriodicLoop(component, Duration.ofMillis(20), () -> {
            if (runs.incrementAndGet() == 1) throw new StackOverflowError("deep");
        });

        loop.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
        } finally {
            loop.stop(Duration.ofSeconds(1));
        }
        assertThat(component.failures()).isEqualTo(1);
    }

    @Test
    void aStallProbeMakesAnUpComponentStalled() {
        AtomicBoolean stalled = new AtomicBoolean();
        component.stallProbe(() -> stalled.get() ? "waiting 12 s" : null);
        component.up();

        assertThat(component.health().state()).isEqualTo(State.UP);
        stalled.set(true);

        assertThat(component.health().state()).isEqualTo(State.STALLED);
        assertThat(component.health().detail()).isEqualTo("waiting 12 s");
    }

    @Test
    void restartingLoopRestartsABodyThatEndsWithoutAStop() {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> RestartingLoop.run(component, stopping::get, () -> {
            if (runs.incrementAndGet() == 3) stopping.set(true);
        }, 50));

        await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive());

        assertThat(runs.get()).isEqualTo(3);
        assertThat(component.failures()).as("the two early ends were failures").isEqualTo(2);
    }
}

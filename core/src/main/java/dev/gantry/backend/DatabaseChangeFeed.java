package dev.gantry.backend;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.client.ChangeFeed;
import dev.gantry.client.ChangeListener;
import dev.gantry.client.CommandDelivery;
import dev.gantry.client.Subscription;
import dev.gantry.client.Worker;
import dev.gantry.event.JobStateChange;
import dev.gantry.lifecycle.Component;
import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.store.CommandStore;
import dev.gantry.store.EventSubscriptionStore;
import dev.gantry.store.WorkerStore;

/**
 * {@link ChangeFeed} from the job events channel (NOTIFY) and a poll of the small worker and
 * command tables every second, compared with the previous poll. Started by the first
 * subscription, stopped with the Gantry. While it has listeners it keeps a job events
 * subscription registered in the database (renewed every {@link #RENEW}), without which the
 * triggers announce nothing (V007); with none left it unregisters.
 */
public final class DatabaseChangeFeed implements ChangeFeed, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseChangeFeed.class);
    static final Duration POLL = Duration.ofSeconds(1);
    /** How long a registration lasts unless renewed, and how often it is renewed. */
    static final Duration TTL = Duration.ofSeconds(60);
    static final Duration RENEW = Duration.ofSeconds(20);
    /** Commands read per round; more are read in the same round. */
    private static final int COMMAND_PAGE = 1000;

    private final WorkerStore workers;
    private final CommandStore commands;
    private final NotificationHub notifications;
    private final EventSubscriptionStore subscriptions;
    private final String subscriber = "changes-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String jobEventsChannel;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final PeriodicLoop poller;
    private Subscription jobEvents;
    private boolean started;
    private boolean closed;
    private boolean registered;
    /** System.nanoTime() of the last successful registration. */
    private long registeredAt;

    // Touched only by the poller thread (and by start, before the poller runs).
    private Map<String, Worker> lastWorkers;
    private long lastCommandId = -1;
    private final Set<Long> pendingCommands = new HashSet<>();

    public DatabaseChangeFeed(WorkerStore workers, CommandStore commands, NotificationHub notifications,
                              EventSubscriptionStore subscriptions, String jobEventsChannel, Component component) {
        this.workers = workers;
        this.commands = commands;
        this.notifications = notifications;
        this.subscriptions = subscriptions;
        this.jobEventsChannel = jobEventsChannel;
        this.poller = new PeriodicLoop(component, POLL, this::poll);
    }

    @Override
    public Subscription subscribe(ChangeListener listener) {
        if (listener == null) throw new NullPointerException("listener");
        listeners.add(listener);
        startOnce();
        try {
            register();
        } catch (RuntimeException e) {
            log.atWarn().setMessage("subscribing to job events failed; the feed retries every second")
                    .addKeyValue("error", e.getMessage()).log();
        }
        return () -> listeners.remove(listener);
    }

    /**
     * While there are listeners, registers the job events subscription, or renews it when due;
     * once there are none, unregisters. A renewal after the previous registration expired tells
     * the listeners of the gap.
     */
    private void register() {
        if (renewRegistration()) each(l -> l.gap("the job events subscription lapsed; job events may have been missed"));
    }

    /** Returns true when the registration had lapsed before this renewal. */
    private synchronized boolean renewRegistration() {
        if (closed) return false;
        long t = System.nanoTime();
        if (listeners.isEmpty()) {
            if (registered) {
                registered = false;
                subscriptions.unsubscribe(subscriber);
            }
            return false;
        }
        if (registered && t - registeredAt < RENEW.toNanos()) return false;
        boolean lapsed = registered && t - registeredAt >= TTL.toNanos();
        subscriptions.subscribe(subscriber, TTL);
        registered = true;
        registeredAt = t;
        return lapsed;
    }

    private synchronized void startOnce() {
        if (closed) throw new IllegalStateException("this Gantry is closed");
        if (started) return;
        started = true;
        // The first picture of workers and commands, so that every later change is an event.
        try {
            poll();
        } catch (RuntimeException e) {
            log.atWarn().setMessage("first read of workers and commands failed; the feed retries every second")
                    .addKeyValue("error", e.getMessage()).log();
        }
        jobEvents = notifications.subscribe(jobEventsChannel, this::onJobEvents);
        poller.start();
    }

    private void onJobEvents(String payload) {
        if (payload == null) {
            each(l -> l.gap("the database listener (re)connected; job events may have been missed"));
            return;
        }
        List<JobStateChange> changes;
        try {
            changes = JobStateChange.parse(payload);
        } catch (RuntimeException e) {
            log.atWarn().setMessage("unreadable job event payload").addKeyValue("error", e.getMessage()).log();
            return;
        }
        if (!changes.isEmpty()) each(l -> l.jobs(changes));
    }

    private void each(Consumer<ChangeListener> call) {
        for (ChangeListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.atWarn().setMessage("change listener failed").setCause(e).log();
            }
        }
    }

    private void poll() {
        register();
        pollWorkers();
        pollCommands();
    }

    private void pollWorkers() {
        Map<String, Worker> current = new HashMap<>();
        for (Worker w : workers.all()) current.put(w.id(), w);
        Map<String, Worker> before = lastWorkers;
        lastWorkers = current;
        if (before == null) return;
        for (Worker w : current.values()) {
            if (!w.equals(before.get(w.id()))) each(l -> l.worker(w));
        }
        for (String gone : before.keySet()) {
            if (!current.containsKey(gone)) each(l -> l.workerRemoved(gone));
        }
    }

    private void pollCommands() {
        boolean first = lastCommandId < 0;
        List<CommandDelivery> changed;
        do {
            changed = commands.changedSince(Math.max(lastCommandId, 0), List.copyOf(pendingCommands));
            for (CommandDelivery c : changed) {
                lastCommandId = Math.max(lastCommandId, c.id());
                boolean wasWatched = pendingCommands.contains(c.id());
                if (c.pending()) pendingCommands.add(c.id());
                else pendingCommands.remove(c.id());
                if (!first && (!wasWatched || !c.pending())) each(l -> l.command(c));
            }
        } while (changed.size() >= COMMAND_PAGE);
        if (lastCommandId < 0) lastCommandId = 0;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (!started) return;
        }
        poller.stop(Duration.ofSeconds(2));
        if (jobEvents != null) jobEvents.close();
        synchronized (this) {
            if (!registered) return;
            registered = false;
        }
        try {
            subscriptions.unsubscribe(subscriber);
        } catch (RuntimeException e) {
            // the registration expires by itself
            log.atDebug().setMessage("unsubscribing from job events failed").addKeyValue("error", e.getMessage()).log();
        }
    }
}

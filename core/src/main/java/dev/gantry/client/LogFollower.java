package dev.gantry.client;

import java.util.List;

/**
 * Receives the lines of a followed log ({@link LogClient#follow}), on the follower's own virtual
 * thread: it may block (a slow reader slows only itself). Throwing stops the following.
 */
public interface LogFollower {
    /** New lines, oldest first. */
    void lines(List<LogEntry> lines) throws Exception;

    /** Nothing new for about a second; a stream may send a keep-alive. */
    default void idle() throws Exception {
    }
}

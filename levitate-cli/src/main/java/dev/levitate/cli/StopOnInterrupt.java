package dev.levitate.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT, or SIGTERM) during a long run: a shutdown hook that asks the run loop to stop,
 * then waits for it to print what it has to say before the JVM goes on exiting.
 *
 * <p>The run loop polls {@link #requested()}, a volatile read, between slices of instructions
 * (never inside the simulator's step loop); once it has stopped, printed and flushed, it calls
 * {@link #close()}, which lets the hook return, and the JVM ends with the signal's status (130 for
 * SIGINT). If the loop does not answer within {@link #GRACE_SECONDS} seconds, the JVM exits
 * without it. Outside {@code try (StopOnInterrupt s = ...)} a Ctrl-C ends the process at once, as usual.
 *
 * <p>Thread-safe: the hook runs on the JVM's shutdown thread, the loop on its own.
 */
final class StopOnInterrupt implements AutoCloseable {
    /** How long the hook waits for the run loop to stop and print. */
    static final long GRACE_SECONDS = 10;

    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "levitate-interrupt");

    /** Installs the hook. */
    StopOnInterrupt() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onShutdown() {
        requested = true;
        try {
            finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Tells whether the process was asked to stop.
     *
     * @return true after Ctrl-C (or SIGTERM)
     */
    boolean requested() {
        return requested;
    }

    /** The run loop has stopped and said what it had to say: lets an exit in progress go on, or removes the hook. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the latch is open
        }
    }
}

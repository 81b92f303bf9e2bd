package dev.levitate.sched.kernel;

/** Receives the kernel's events, in order, on the kernel's thread. */
@FunctionalInterface
public interface KernelListener {
    /**
     * Called for each event.
     *
     * @param event the event
     */
    void event(KernelEvent event);
}

package dev.levitate.sched;

/**
 * Hands out task ids: {@link #BOOT} and {@link #IDLE} are reserved, spawned tasks get
 * 2, 3, 4, … and an id is never handed out twice by one instance.
 *
 * <p>Not thread-safe.
 */
public final class TaskIds {
    /** The boot context's id. */
    public static final int BOOT = 0;
    /** The idle task's id. */
    public static final int IDLE = 1;

    private int next = IDLE + 1;

    /** Creates the counter. */
    public TaskIds() {
    }

    /**
     * Returns a fresh id.
     *
     * @return the id, at least 2
     * @throws IllegalStateException after 2^31 - 3 ids
     */
    public int next() {
        if (next == Integer.MAX_VALUE) {
            throw new IllegalStateException("task ids exhausted");
        }
        return next++;
    }
}

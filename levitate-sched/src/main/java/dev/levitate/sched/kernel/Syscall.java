package dev.levitate.sched.kernel;

/**
 * The system calls a task makes with {@code SVC #0}: number in x8, arguments in x0..x5, result in
 * x0 (negative: an error). Numbers follow Linux on AArch64 where Linux has the call.
 */
public enum Syscall {
    /** write(fd, buf, len): copy len bytes of the task's memory to the console; returns len. */
    WRITE(64),
    /** exit(code): the task ends; it stays a zombie until reaped (join, or the end of the run). */
    EXIT(93),
    /** sleep(ticks): the task sleeps for that many timer ticks (0 or negative: returns at once). */
    SLEEP(101),
    /** yield(): back to the ready queue. */
    YIELD(124),
    /**
     * set_priority(tid, priority): sets a task's base priority (Linux's setpriority is 140 too); tid 0
     * is the caller. A user task may name only itself or its child and never give more than its own
     * base priority ({@link #EPERM} otherwise; see docs/kernel.md); a priority outside the 32-bit
     * range, or a tid naming no live task, is {@link #EINVAL}. If a ready task now outranks the
     * caller, it runs at once.
     */
    SET_PRIORITY(140),
    /** getpid(): the task's id. */
    GETPID(172),
    /** munmap(va, pages): unmaps anonymous pages (tables emptied are reclaimed, TLB invalidated). */
    MUNMAP(215),
    /** mmap(va, pages): maps zeroed anonymous pages read-write at va; returns va. */
    MMAP(222),
    /**
     * join(tid): waits for a task to exit, reaps it, and returns its exit code. A user task may join
     * only its own children ({@link #EPERM} otherwise); the caller itself, a tid naming no task or a
     * reaped one, or a task already joining the caller, is {@link #EINVAL}.
     */
    JOIN(260),
    /** sem_down(id): P on counting semaphore id (blocks at 0). */
    SEM_DOWN(500),
    /** sem_up(id): V on counting semaphore id (wakes the first waiter). */
    SEM_UP(501),
    /** mutex_lock(id): takes mutex id (blocks while held; priority inheritance if configured). */
    MUTEX_LOCK(502),
    /** mutex_unlock(id): releases mutex id (the highest-priority waiter gets it). */
    MUTEX_UNLOCK(503);

    /**
     * The error result of a call the caller may not make on the task it names (-EPERM): a user task
     * joining a task that is not its child, or setting a priority it may not set. Nothing changes.
     */
    public static final long EPERM = -1;
    /** The error result of a bad argument (-EINVAL). */
    public static final long EINVAL = -22;
    /** The error result of an unknown call (-ENOSYS). */
    public static final long ENOSYS = -38;
    /** The error result of an out-of-memory mapping (-ENOMEM). */
    public static final long ENOMEM = -12;
    /** The error result of a bad address (-EFAULT). */
    public static final long EFAULT = -14;

    private final int number;

    Syscall(int number) {
        this.number = number;
    }

    /**
     * Returns the number in x8.
     *
     * @return the number
     */
    public int number() {
        return number;
    }

    /**
     * Finds a call by number.
     *
     * @param n the number
     * @return the call, or null for an unknown number
     */
    public static Syscall of(long n) {
        for (Syscall s : values()) {
            if (s.number == n) {
                return s;
            }
        }
        return null;
    }
}

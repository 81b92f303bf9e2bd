package dev.levitate.sched.kernel;

/**
 * Who may act on whom: the kernel's permission model for the system calls that name another task
 * ({@link Syscall#JOIN} and {@link Syscall#SET_PRIORITY}; docs/kernel.md lists them all). It is
 * Unix's, with a kernel task in the place of a privileged process:
 *
 * <ul>
 *   <li><b>A kernel task (EL1) is privileged.</b> It runs in the kernel's own address space and can
 *       write any kernel memory, so a check against it would protect nothing: it may join any task
 *       and set any task's priority to anything.</li>
 *   <li><b>A user task (EL0) may act only on itself and its children</b> — the tasks spawned with it
 *       as their parent. It may join (wait for and reap) only its children, as {@code waitpid}
 *       reaps only children.</li>
 *   <li><b>A user task never raises a priority above its own base priority</b> (the priority it
 *       was given, without what a mutex lends it). On itself that means it may lower its priority,
 *       never raise it again (Unix without {@code CAP_SYS_NICE}); on a child it may set anything up
 *       to its own, so a parent cannot make a child outrank it.</li>
 * </ul>
 * A refused call returns {@link Syscall#EPERM} and changes nothing. An id that names no live task
 * is {@link Syscall#EINVAL} first: the permission check is only made on a task that exists.
 *
 * <p>Stateless; belongs to the kernel's thread like everything it looks at.
 */
final class Permissions {
    private Permissions() {
    }

    /**
     * Tells whether {@code caller} may join {@code target}: wait for it to exit and reap it.
     *
     * @param caller the task making the call
     * @param target the task it names (not the caller)
     * @return true for a kernel task, or a user task naming its own child
     */
    static boolean mayJoin(TaskControlBlock caller, TaskControlBlock target) {
        return !caller.user || target.parent == caller;
    }

    /**
     * Tells whether {@code caller} may give {@code target} the base priority {@code priority}.
     *
     * @param caller the task making the call
     * @param target the task it names (possibly itself)
     * @param priority the priority asked for
     * @return true for a kernel task; for a user task, true if the target is itself or its child
     *     and the priority is at most the caller's own base priority
     */
    static boolean maySetPriority(TaskControlBlock caller, TaskControlBlock target, int priority) {
        if (!caller.user) {
            return true;
        }
        return (target == caller || target.parent == caller) && priority <= caller.basePriority;
    }
}

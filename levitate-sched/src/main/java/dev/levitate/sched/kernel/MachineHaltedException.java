package dev.levitate.sched.kernel;

import dev.levitate.core.LevitateException;
import dev.levitate.core.spi.StopReason;

/**
 * The machine stopped for good while a <em>kernel</em> task (EL1) ran: it asked for a semihosting
 * exit or a PSCI SYSTEM_OFF, or waited for an interrupt nothing could send
 * ({@link StopReason.Kind#HALTED}). Kernel code is trusted, so its stop is the machine's: the kernel
 * records it (a {@link KernelEvent.Kind#HALT} event; the task ends as EXITED with the halt's status
 * as its exit code) and {@link Kernel#run(long)} throws this, now and on every later call. What
 * the tasks did before (console, exit codes and reasons) stays readable; {@link Kernel#close()}
 * releases the machine.
 *
 * <p>A user task (EL0) cannot end the kernel this way: any stop it causes kills only that task.
 * Unlike a {@link LevitateException}, this reports an event, not refused input: the run before it
 * happened.
 */
public final class MachineHaltedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The id of the kernel task that stopped the machine. */
    private final int taskId;
    /** The PC the machine stopped at. */
    private final long pc;
    /** The status the machine stopped with. */
    private final long status;

    MachineHaltedException(int taskId, String taskName, StopReason reason) {
        super("kernel task '" + taskName + "' (id " + taskId + ") stopped the machine at pc " + LevitateException.hex(reason.pc())
                + " with status " + reason.value() + ": " + reason.detail() + "; the kernel runs no more");
        this.taskId = taskId;
        this.pc = reason.pc();
        this.status = reason.value();
    }

    /**
     * Returns the id of the kernel task that stopped the machine.
     *
     * @return the task id
     */
    public int taskId() {
        return taskId;
    }

    /**
     * Returns the PC the machine stopped at.
     *
     * @return the virtual address
     */
    public long pc() {
        return pc;
    }

    /**
     * Returns the status the machine stopped with (a semihosting exit's code; 0 otherwise).
     *
     * @return the status
     */
    public long status() {
        return status;
    }
}

package dev.levitate.sched.kernel;

import dev.levitate.core.spi.ContextId;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.SavedContextLayout;
import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's record of a task: the public {@link Task} handle, its backend context (whose saved
 * context — x19..x28 at 0..72, x29 at 80, lr at 88, sp at 96 — the backend keeps in memory), its
 * kernel stack, its address space, and what it waits for.
 *
 * <p>Belongs to the kernel's thread.
 */
public final class TaskControlBlock {
    final Task task;
    final boolean user;
    ContextId context;
    /** The kernel stack: its frames' physical block (order {@link Kernel#STACK_ORDER}) and the VA slot it is mapped at. */
    long stackPa;
    long stackSlotVa;
    /** Code frames: their physical block and order. */
    long codePa;
    int codeOrder = -1;
    AddressSpace space;
    int basePriority;
    long wakeTick = -1;
    long readySince;
    int ticksLeft;
    long sliceCycles;
    String exitReason = "";
    final List<TaskControlBlock> joiners = new ArrayList<>();
    TaskControlBlock joining;
    /** The task that spawned this one, or null for the kernel (boot-time tasks, and orphans after their parent exited). */
    TaskControlBlock parent;
    /** The tasks this one spawned that it has not reaped (they go to the kernel when it exits). */
    final List<TaskControlBlock> children = new ArrayList<>();

    TaskControlBlock(Task task, boolean user) {
        this.task = task;
        this.user = user;
        this.basePriority = task.priority();
    }

    /**
     * Returns the task.
     *
     * @return the handle
     */
    public Task task() {
        return task;
    }

    /**
     * Tells whether this is a user task (EL0, its own address space).
     *
     * @return true for a user task
     */
    public boolean isUser() {
        return user;
    }

    /**
     * Returns the address space of a user task.
     *
     * @return the space, or null for a kernel task (or after reaping)
     */
    public AddressSpace addressSpace() {
        return space;
    }

    /**
     * Returns the id of this task's parent: the task it was spawned for (see
     * {@link Kernel#spawnUser(dev.levitate.sched.Task, String, GuestProgram, long)}), or
     * {@link dev.levitate.sched.TaskIds#BOOT} (0) when its parent is the kernel itself: a task spawned
     * at boot, or an orphan whose parent exited (Unix reparents orphans to init).
     *
     * @return the parent's id, or 0 for the kernel
     */
    public int parentId() {
        return parent == null ? dev.levitate.sched.TaskIds.BOOT : parent.task.id();
    }

    /**
     * Returns the VA of the top of the kernel stack.
     *
     * @return the VA
     */
    public long kernelStackTop() {
        return stackSlotVa + Kernel.STACK_GUARD + Kernel.STACK_SIZE;
    }

    /**
     * Returns the cycles this task spent READY, waiting for the CPU.
     *
     * @return cycles
     */
    public long waitCycles() {
        return task.waitCycles();
    }

    /**
     * Returns why the task ended ("exit(0)", or the fault that killed it), empty while it lives.
     *
     * @return the reason
     */
    public String exitReason() {
        return exitReason;
    }

    /**
     * Reads one register of the saved context (what {@code cpu_switch_to} stored when the task last
     * left the CPU).
     *
     * @param backend the kernel's backend
     * @param name x19..x30, fp, lr or sp
     * @return the value
     * @throws IllegalArgumentException if the name is not in the layout
     * @throws IllegalStateException if the task has been reaped
     */
    public long savedRegister(CpuBackend backend, String name) {
        if (context == null) {
            throw new IllegalStateException(task + " has been reaped: its context is gone");
        }
        return backend.readSavedContext(context, SavedContextLayout.offsetOf(name));
    }

    @Override
    public String toString() {
        return "TCB[" + task + (user ? ", user, asid " + (space == null ? "-" : space.asid()) : ", kernel") + "]";
    }
}

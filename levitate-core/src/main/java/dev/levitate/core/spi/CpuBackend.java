package dev.levitate.core.spi;

import dev.levitate.core.tlb.TlbMaintenance;

/**
 * A CPU the kernel runs tasks on. The backend owns all register state; the kernel never touches
 * registers directly.
 *
 * <h2>The shape (xv6's {@code swtch} into a task and back into the scheduler)</h2>
 * <ol>
 *   <li>{@link #createContext(ContextSpec)} prepares a context whose first resume enters the
 *       backend's entry trampoline, which calls {@code entry(argument)} and exits with its
 *       return value.</li>
 *   <li>{@link #resume(ContextId, long)} switches from the scheduler into the context with real
 *       code ({@code cpu_switch_to}: x19–x30 and sp saved in the {@link SavedContextLayout}), runs
 *       it until it stops, switches back, and says why in a {@link StopReason}.</li>
 *   <li>For a {@link StopReason.Kind#SYSCALL}, the kernel reads arguments with
 *       {@link #readRegister(ContextId, int)}, writes the result with
 *       {@link #writeRegister(ContextId, int, long)} and resumes.</li>
 *   <li>{@link #destroyContext(ContextId)} releases what the backend holds for the context.</li>
 * </ol>
 * The kernel decides <em>who</em> runs; the backend's code does <em>how</em>. TLB maintenance
 * ({@link #tlb()}) and the cycle clock ({@link #cycles()}) are the other things it provides.
 *
 * <h2>Threads</h2>
 * A backend belongs to one thread, the kernel's, unless an implementation says otherwise.
 */
public interface CpuBackend extends AutoCloseable {

    /**
     * Returns the backend's name, as {@link CpuBackends#open} knows it ("sim", "native").
     *
     * @return the name
     */
    String name();

    /**
     * Creates a context that has not run yet.
     *
     * @param spec where and how it starts
     * @return its id, valid for this backend only
     * @throws UnsupportedOperationException if the backend cannot run at the spec's level or in a
     *     translated address space
     */
    ContextId createContext(ContextSpec spec);

    /**
     * Runs a context until it stops.
     *
     * @param context the context to run
     * @param quantumCycles after how many cycles the timer preempts it; 0 for no preemption
     * @return why it stopped
     * @throws UnknownContextException if the context is unknown, foreign or already destroyed
     * @throws IllegalStateException if the context has exited or faulted and cannot be resumed
     */
    StopReason resume(ContextId context, long quantumCycles);

    /**
     * Reads a general-purpose register of a stopped context: x0..x30, or 31 for its stack pointer.
     *
     * @param context the context
     * @param register 0..31
     * @return the register's value
     * @throws UnknownContextException if the context is unknown
     * @throws IllegalArgumentException if the register number is outside 0..31
     */
    long readRegister(ContextId context, int register);

    /**
     * Writes a general-purpose register of a stopped context (x0 carries a system call's result).
     *
     * @param context the context
     * @param register 0..31 (31 is the stack pointer)
     * @param value the value
     * @throws UnknownContextException if the context is unknown
     * @throws IllegalArgumentException if the register number is outside 0..31
     */
    void writeRegister(ContextId context, int register, long value);

    /**
     * Reads one slot of the context's saved {@code cpu_switch_to} frame (see
     * {@link SavedContextLayout}) as the switch code left it in memory.
     *
     * @param context the context
     * @param offset a {@link SavedContextLayout} offset
     * @return the saved value
     * @throws UnknownContextException if the context is unknown
     * @throws IllegalArgumentException if the offset is not a slot of the layout
     */
    long readSavedContext(ContextId context, int offset);

    /**
     * Releases a context. A destroyed id is unknown afterwards.
     *
     * @param context the context
     * @throws UnknownContextException if the context is unknown or already destroyed
     */
    void destroyContext(ContextId context);

    /**
     * Changes the user translation a context runs with: the TTBR0 table and the ASID loaded when it
     * is next resumed. A kernel calls it when an address space's ASID changes (after an ASID
     * rollover, as Linux's {@code check_and_switch_context} does before loading TTBR0), or to give
     * a context created before its address space had an ASID its first one. The kernel is
     * responsible for the TLB: entries of the old ASID must be gone (a rollover's VMALLE1) before
     * the context runs with a new one.
     *
     * @param context a context created with a translated address space (an EL0 context)
     * @param translationRoot physical address of its TTBR0 table, 4 KiB aligned
     * @param asid its ASID, 0..65535
     * @throws UnknownContextException if the context is unknown
     * @throws IllegalArgumentException if the root is not page aligned, the ASID is out of range,
     *     or the context has no translated address space
     * @throws UnsupportedOperationException if the backend does not model translation (the default)
     */
    default void setTranslation(ContextId context, long translationRoot, int asid) {
        throw new UnsupportedOperationException("the '" + name() + "' backend does not model translation");
    }

    /**
     * Tells a backend that models translation where the kernel lives: the TTBR1 table the kernel
     * built (its upper-half map of RAM and devices) and the offset of its linear map (kernel VA =
     * PA + offset). Contexts' stacks and entry points are then kernel VAs. A backend that runs on
     * the host's own memory (native) ignores it.
     *
     * @param ttbr1Root physical address of the TTBR1 level-0 table
     * @param linearMapOffset kernel VA minus PA for RAM
     * @throws IllegalStateException if contexts already exist
     */
    default void setKernelTranslation(long ttbr1Root, long linearMapOffset) {
    }

    /**
     * Returns the physical memory this backend keeps for itself (its vectors, switch code and
     * scheduler stack), which the kernel must reserve in its allocator; empty by default.
     *
     * @return pairs of [base, size) as two-element arrays
     */
    default java.util.List<long[]> reservedMemory() {
        return java.util.List.of();
    }

    /**
     * Tells whether contexts run guest code the kernel provides (entry points in memory; the
     * simulator) or only the backend's own bodies and scripts (the native backend).
     *
     * @return true for guest code
     */
    default boolean runsGuestCode() {
        return true;
    }

    /**
     * Creates a context that runs a script of steps (see {@link ScriptStep}), for backends that do
     * not run guest code.
     *
     * @param name a name for traces
     * @param steps the steps, ending with EXIT
     * @return the context
     * @throws UnsupportedOperationException if this backend runs guest code instead
     * @throws IllegalArgumentException if the script is empty or does not end with EXIT
     */
    default ContextId createScripted(String name, java.util.List<ScriptStep> steps) {
        throw new UnsupportedOperationException("the '" + name() + "' backend runs guest code: compile the script for it instead");
    }

    /**
     * Returns the port that invalidates this CPU's TLB.
     *
     * @return the TLB maintenance port
     */
    TlbMaintenance tlb();

    /**
     * Returns the backend's clock: elapsed CPU cycles (simulated) or a host counter (native).
     *
     * @return cycles so far
     */
    long cycles();

    /**
     * Releases the backend and every context it still holds.
     */
    @Override
    void close();
}

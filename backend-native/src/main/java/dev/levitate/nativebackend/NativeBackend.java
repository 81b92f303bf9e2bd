package dev.levitate.nativebackend;

import dev.levitate.core.LevitateException;
import dev.levitate.core.spi.ContextId;
import dev.levitate.core.spi.ContextSpec;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.ExceptionLevel;
import dev.levitate.core.spi.SavedContextLayout;
import dev.levitate.core.spi.StopReason;
import dev.levitate.core.spi.UnknownContextException;
import dev.levitate.core.tlb.TlbMaintenance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CpuBackend} that switches real host registers: {@code cpu_switch_to} in AArch64 or
 * x86-64 assembly (SC3), called through JNA on Java 17..21 and through the JDK's foreign-function
 * API ({@code java.lang.foreign}) on Java 22+ when the jar carries that binding: see
 * {@link #binding()}.
 *
 * <h2>The xv6 shape</h2>
 * {@link #resume} calls the shim on the calling Java thread; the shim saves that thread's
 * callee-saved registers (the scheduler context), switches to the task's stack (mmap'd, with a
 * PROT_NONE guard page below it), and runs the task's built-in body until it yields, sleeps or
 * exits; the switch back returns to Java. No JVM frame ever lives on a task stack.
 *
 * <h2>What differs from the simulator</h2>
 * Tasks run built-in native bodies ({@link NativeBody}, {@link Script}), not guest code: a
 * {@link ContextSpec}'s {@code entry} names a body as {@code 4 * ordinal} (entries are
 * instruction-aligned) and its {@code argument} is the body's first argument. There is no timer: the quantum passed to {@link #resume} is ignored and
 * scheduling is cooperative. The host TLB is not ours: {@link #tlb()} is a no-op. Contexts run in
 * the host address space, at "EL1" only.
 *
 * <h2>Threads</h2>
 * Not thread-safe: one backend belongs to one thread, and a context must be resumed from one
 * thread at a time.
 */
public final class NativeBackend implements CpuBackend {

    /** The backend's name for {@link dev.levitate.core.spi.CpuBackends#open}. */
    public static final String NAME = "native";
    /** The system-call number a SLEEP step stops with; {@code readRegister(ctx, 0)} gives the ticks. */
    public static final long SYSCALL_SLEEP = dev.levitate.core.spi.ScriptStep.SLEEP_SYSCALL;
    /** Default stack size of a task, 16 KiB (the original kernel's plan). */
    public static final long DEFAULT_STACK = 16 * 1024;

    /** The binding every call goes through (chosen once per JVM; a constant the JIT folds). */
    static final ShimCalls CALLS = Bindings.CALLS;

    /** The shim's slot count; an id is generation &lt;&lt; 12 | slot. */
    private static final int SLOTS = 4096;
    /** The ids this backend created and has not destroyed, by slot (-1: none). */
    private final int[] live = new int[SLOTS];
    private int liveCount;

    /**
     * Creates the backend.
     *
     * @throws dev.levitate.core.spi.UnsupportedBackendException if the shim is not available here
     */
    public NativeBackend() {
        Shim.unavailableReason().ifPresent(r -> {
            throw new dev.levitate.core.spi.UnsupportedBackendException(NAME, r);
        });
        java.util.Arrays.fill(live, -1);
    }

    /**
     * Returns the binding the native calls go through in this JVM: {@code "ffm"} (Java 22+ and the
     * multi-release jar's FFM classes present) or {@code "jna"}. {@code -Dlevitate.native.binding=jna}
     * forces JNA; {@link #bindingNote()} says why FFM was not chosen.
     *
     * @return "ffm" or "jna"
     */
    public static String binding() {
        return CALLS.name();
    }

    /**
     * Says why the FFM binding is not in use, or that it is.
     *
     * @return a one-line explanation
     */
    public static String bindingNote() {
        return Bindings.WHY_NOT_FFM == null ? "ffm: java.lang.foreign downcalls" : "jna: " + Bindings.WHY_NOT_FFM;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Returns the host architecture the shim was built for.
     *
     * @return "x86-64" or "aarch64"
     */
    public String architecture() {
        return CALLS.arch();
    }

    /**
     * Creates a context running a built-in body: {@code spec.entry()} is {@code 4 *} the body's
     * ordinal in {@link NativeBody} and {@code spec.argument()} its first argument.
     *
     * @param spec the context spec (EL1, no translation root)
     * @return the context id
     * @throws UnsupportedOperationException for EL0, a translation root, or {@link NativeBody#SCRIPT}
     *     (use {@link #createScript})
     * @throws IllegalArgumentException if the entry is not 4 * a body ordinal
     */
    @Override
    public ContextId createContext(ContextSpec spec) {
        if (spec.level() != ExceptionLevel.EL1 || spec.translationRoot() != 0) {
            throw new UnsupportedOperationException("native contexts run in the host's address space at EL1 only; '"
                    + spec.name() + "' asks for " + spec.level() + " with a translation root");
        }
        long index = spec.entry() / 4;
        if (spec.entry() < 0 || index >= NativeBody.values().length) {
            throw new IllegalArgumentException("entry " + spec.entry() + " is not a native body (4 * 0.." + (NativeBody.values().length - 1) + ")");
        }
        NativeBody body = NativeBody.values()[(int) index];
        if (body == NativeBody.SCRIPT) {
            throw new UnsupportedOperationException("use createScript for scripted workloads");
        }
        return createTask(body, spec.argument(), 0, DEFAULT_STACK);
    }

    /**
     * Creates a context running a built-in body.
     *
     * @param body the body
     * @param a0 its first argument
     * @param a1 its second argument
     * @param stackBytes the stack size, 4 KiB .. 64 MiB (a guard page is added below)
     * @return the context id
     * @throws IllegalArgumentException for a bad stack size or {@link NativeBody#SCRIPT}
     * @throws IllegalStateException if the host refused the stack (mmap) or 4096 contexts exist
     */
    public ContextId createTask(NativeBody body, long a0, long a1, long stackBytes) {
        if (body == NativeBody.SCRIPT) {
            throw new IllegalArgumentException("use createScript for scripted workloads");
        }
        return register(CALLS.create(body.ordinal(), a0, a1, null, 0, stackBytes), body.name());
    }

    /**
     * Creates a context running a scripted workload.
     *
     * @param script the steps
     * @return the context id
     * @throws IllegalArgumentException if the script is empty
     */
    public ContextId createScript(Script script) {
        return createScriptContext(script);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs the steps in the shim's script body: COMPUTE loops in native code, YIELD switches
     * back, SLEEP stops with the kernel's sleep call, EXIT ends.
     */
    @Override
    public ContextId createScripted(String name, java.util.List<dev.levitate.core.spi.ScriptStep> steps) {
        if (steps.isEmpty() || steps.get(steps.size() - 1).kind() != dev.levitate.core.spi.ScriptStep.Kind.EXIT) {
            throw new IllegalArgumentException("script '" + name + "' must end with EXIT, got " + steps);
        }
        Script s = Script.create();
        for (dev.levitate.core.spi.ScriptStep step : steps) {
            switch (step.kind()) {
                case COMPUTE: s.compute(step.value()); break;
                case YIELD: s.yieldCpu(); break;
                case SLEEP: s.sleep(step.value()); break;
                default: s.exit(step.value()); break;
            }
        }
        return createScriptContext(s);
    }

    /**
     * Native contexts run the shim's bodies and scripts, not guest code.
     *
     * @return false
     */
    @Override
    public boolean runsGuestCode() {
        return false;
    }

    private ContextId createScriptContext(Script script) {
        if (script.steps() == 0) {
            throw new IllegalArgumentException("a script needs at least one step");
        }
        return register(CALLS.create(NativeBody.SCRIPT.ordinal(), 0, 0, script.encode(), script.steps(), DEFAULT_STACK), "script");
    }

    private ContextId register(int id, String what) {
        if (id == Shim.ERR_ARG) {
            throw new IllegalArgumentException("the shim refused the " + what + " context: bad argument (stack 4 KiB .. 64 MiB)");
        }
        if (id < 0) {
            throw new IllegalStateException("the shim could not create a " + what + " context (error " + id
                    + ": out of memory or 4096 contexts live)");
        }
        live[id & (SLOTS - 1)] = id;
        liveCount++;
        return new ContextId(NAME, id);
    }

    private int idOf(ContextId c) {
        if (c == null || !NAME.equals(c.backendName()) || c.value() < 0 || c.value() > Integer.MAX_VALUE
                || live[(int) c.value() & (SLOTS - 1)] != (int) c.value()) {
            throw new UnknownContextException(NAME, c);
        }
        return (int) c.value();
    }

    /** A yield carries nothing but its kind: one shared instance, no allocation per switch. */
    private static final StopReason YIELDED = StopReason.yielded(0);

    /**
     * {@inheritDoc}
     *
     * <p>The quantum is ignored: the native backend has no timer, tasks give up the CPU by yielding.
     * A native task has no guest PC: the reasons carry pc 0 (the saved return address is
     * {@code readSavedContext(context, SavedContextLayout.LR)}). One native call per resume.
     */
    @Override
    public StopReason resume(ContextId context, long quantumCycles) {
        int id = idOf(context);
        int r = CALLS.resume(id);
        long pc = 0;
        switch (r) {
            case Shim.STOP_YIELDED:
                return YIELDED;
            case Shim.STOP_EXITED:
                return StopReason.exited(pc, CALLS.value(id));
            case Shim.STOP_SLEEP:
                return StopReason.syscall(pc, SYSCALL_SLEEP, 0);
            case Shim.STOP_FAULTED:
                return StopReason.faulted(pc, 0, CALLS.stackLow(id),
                        "stack overflow: the task would have reached its guard page below "
                                + LevitateException.hex(CALLS.stackLow(id)) + " at depth " + CALLS.value(id));
            case Shim.ERR_FINISHED:
                throw new IllegalStateException("context " + context + " has exited or faulted; it cannot be resumed");
            case Shim.ERR_NESTED:
                throw new IllegalStateException("resume was called from inside a task");
            default:
                throw new UnknownContextException(NAME, context);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Only what a switch preserves is readable: the callee-saved registers (19..30 and 31 for
     * sp, from the saved context). Register 0 of a context stopped by a SLEEP step holds its ticks.
     *
     * @throws UnsupportedOperationException for registers 1..18, which a switch does not preserve
     */
    @Override
    public long readRegister(ContextId context, int register) {
        int id = idOf(context);
        if (register < 0 || register > 31) {
            throw new IllegalArgumentException("register " + register + " is outside 0..31");
        }
        if (register == 0) {
            return CALLS.value(id);
        }
        if (register == 31) {
            return CALLS.saved(id, SavedContextLayout.SP);
        }
        if (register >= 19) {
            return CALLS.saved(id, SavedContextLayout.offsetOfX(register));
        }
        throw new UnsupportedOperationException("x" + register + " is caller-saved: a native switch does not preserve it");
    }

    /**
     * Not supported: a native task's registers belong to its native code.
     *
     * @throws UnsupportedOperationException always (after validating the context)
     */
    @Override
    public void writeRegister(ContextId context, int register, long value) {
        idOf(context);
        throw new UnsupportedOperationException("the native backend does not write task registers");
    }

    @Override
    public long readSavedContext(ContextId context, int offset) {
        int id = idOf(context);
        if (offset < 0 || offset >= SavedContextLayout.SIZE || offset % SavedContextLayout.SLOT != 0) {
            throw new IllegalArgumentException("offset " + offset + " is not a slot of the 104-byte saved context");
        }
        return CALLS.saved(id, offset);
    }

    /**
     * Returns the saved context by register name, in layout order, with the host's names
     * (x19..x30 and sp on AArch64; rbx, r12..r15, rbp, the return address and rsp on x86-64).
     *
     * @param context the context
     * @return name to value
     * @throws UnknownContextException if the context is unknown
     */
    public Map<String, Long> savedRegisters(ContextId context) {
        int id = idOf(context);
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> names = "x86-64".equals(architecture())
                ? List.of("rbx", "r12", "r13", "r14", "r15", "-", "-", "-", "-", "-", "rbp", "return", "rsp")
                : SavedContextLayout.NAMES;
        for (int i = 0; i < names.size(); i++) {
            if (!"-".equals(names.get(i))) {
                out.put(names.get(i), CALLS.saved(id, i * SavedContextLayout.SLOT));
            }
        }
        return out;
    }

    /**
     * Returns the usable stack range of a context: {@code [low, high)}; the guard page lies just
     * below {@code low}.
     *
     * @param context the context
     * @return {low, high}
     * @throws UnknownContextException if the context is unknown
     */
    public long[] stackRange(ContextId context) {
        int id = idOf(context);
        return new long[] {CALLS.stackLow(id), CALLS.stackHigh(id)};
    }

    @Override
    public void destroyContext(ContextId context) {
        int id = idOf(context);
        int r = CALLS.destroy(id);
        if (r != 0) {
            throw new IllegalStateException("the shim refused to destroy " + context + " (error " + r + ")");
        }
        live[id & (SLOTS - 1)] = -1;
        liveCount--;
    }

    /**
     * Returns how many contexts of all native backends in this process the shim holds (for leak
     * checks).
     *
     * @return the count
     */
    public static int liveContextsInShim() {
        return CALLS.live();
    }

    @Override
    public TlbMaintenance tlb() {
        return TlbMaintenance.none();
    }

    /**
     * Returns the host's counter: TSC on x86-64, CNTVCT_EL0 on AArch64.
     *
     * @return the counter value
     */
    @Override
    public long cycles() {
        return CALLS.cycles();
    }

    /**
     * Times {@code switches} switches of {@code cpu_switch_to} between two contexts inside native
     * code (no JNA in the loop).
     *
     * @param switches how many
     * @return nanoseconds in all
     */
    public static long benchSwitchNanos(long switches) {
        return CALLS.benchSwitchNanos(switches);
    }

    /**
     * Times the same ping-pong with glibc's {@code swapcontext}.
     *
     * @param switches how many
     * @return nanoseconds in all
     */
    public static long benchSwapcontextNanos(long switches) {
        return CALLS.benchSwapcontextNanos(switches);
    }

    @Override
    public void close() {
        for (int i = 0; i < SLOTS && liveCount > 0; i++) {
            if (live[i] >= 0) {
                CALLS.destroy(live[i]);
                live[i] = -1;
                liveCount--;
            }
        }
    }
}

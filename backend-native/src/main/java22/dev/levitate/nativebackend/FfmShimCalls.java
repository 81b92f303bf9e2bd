package dev.levitate.nativebackend;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@link ShimCalls} through {@code java.lang.foreign} downcalls (Java 22+). Compiled with
 * {@code --release 22} into {@code META-INF/versions/22/} of the multi-release jar, so a Java 17
 * JVM never sees it; {@link Bindings} loads it by name on a 22+ JVM.
 *
 * <p>The library is the one JNA already loaded ({@link Shim}'s static initializer): the symbol
 * addresses come from that {@link NativeLibrary}, so both bindings share one copy of the shim's
 * state. The method handles are static finals: the JIT folds them and inlines the downcall stub.
 *
 * <p>No downcall uses {@code Linker.Option.critical}: {@code lv_resume} runs a task body for as
 * long as the task runs (a {@code compute} step spins for as many iterations as it was given), and
 * a critical call holds off every safepoint of the JVM until it returns. See
 * docs/native-backend.md for the measured difference.
 */
final class FfmShimCalls implements ShimCalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final NativeLibrary LIB = NativeLibrary.getInstance("levitate_native", Shim.class.getClassLoader());
    /** Opt-in for measurement only: {@code -Dlevitate.native.critical=true} links lv_resume as critical. */
    private static final boolean CRITICAL_RESUME = Boolean.getBoolean("levitate.native.critical");

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;

    private static final MethodHandle ABI_VERSION = handle("lv_abi_version", FunctionDescriptor.of(I));
    private static final MethodHandle ARCH = handle("lv_arch", FunctionDescriptor.of(ValueLayout.ADDRESS));
    private static final MethodHandle LAYOUT = handle("lv_layout", FunctionDescriptor.of(I, I));
    private static final MethodHandle CREATE = handle("lv_create", FunctionDescriptor.of(I, I, J, J, ValueLayout.ADDRESS, I, J));
    private static final MethodHandle RESUME = CRITICAL_RESUME
            ? handle("lv_resume", FunctionDescriptor.of(I, I), Linker.Option.critical(false))
            : handle("lv_resume", FunctionDescriptor.of(I, I));
    private static final MethodHandle VALUE = handle("lv_value", FunctionDescriptor.of(J, I));
    private static final MethodHandle SAVED = handle("lv_saved", FunctionDescriptor.of(J, I, I));
    private static final MethodHandle STACK_LOW = handle("lv_stack_low", FunctionDescriptor.of(J, I));
    private static final MethodHandle STACK_HIGH = handle("lv_stack_high", FunctionDescriptor.of(J, I));
    private static final MethodHandle DESTROY = handle("lv_destroy", FunctionDescriptor.of(I, I));
    private static final MethodHandle LIVE = handle("lv_live", FunctionDescriptor.of(I));
    private static final MethodHandle CYCLES = handle("lv_cycles", FunctionDescriptor.of(J));
    private static final MethodHandle BENCH_SWITCH = handle("lv_bench_switch_ns", FunctionDescriptor.of(J, J));
    private static final MethodHandle BENCH_SWAPCONTEXT = handle("lv_bench_swapcontext_ns", FunctionDescriptor.of(J, J));

    private static MethodHandle handle(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        Function f = LIB.getFunction(symbol);
        MemorySegment address = MemorySegment.ofAddress(Pointer.nativeValue(f));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    /** Public for {@link Bindings}' reflective construction. */
    public FfmShimCalls() {
        if (abiVersion() != Shim.ABI_VERSION) {
            throw new IllegalStateException("liblevitate_native has ABI " + abiVersion() + ", this jar needs " + Shim.ABI_VERSION);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    @Override
    public String name() {
        return "ffm";
    }

    @Override
    public int abiVersion() {
        try {
            return (int) ABI_VERSION.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public String arch() {
        try {
            MemorySegment s = (MemorySegment) ARCH.invokeExact();
            return s.reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int layout(int what) {
        try {
            return (int) LAYOUT.invokeExact(what);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int create(int body, long a0, long a1, long[] program, int programPairs, long stackSize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = program == null || program.length == 0
                    ? MemorySegment.NULL
                    : arena.allocateFrom(J, program);
            return (int) CREATE.invokeExact(body, a0, a1, p, programPairs, stackSize);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int resume(int id) {
        try {
            return (int) RESUME.invokeExact(id);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long value(int id) {
        try {
            return (long) VALUE.invokeExact(id);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long saved(int id, int offset) {
        try {
            return (long) SAVED.invokeExact(id, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long stackLow(int id) {
        try {
            return (long) STACK_LOW.invokeExact(id);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long stackHigh(int id) {
        try {
            return (long) STACK_HIGH.invokeExact(id);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int destroy(int id) {
        try {
            return (int) DESTROY.invokeExact(id);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int live() {
        try {
            return (int) LIVE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long cycles() {
        try {
            return (long) CYCLES.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long benchSwitchNanos(long switches) {
        try {
            return (long) BENCH_SWITCH.invokeExact(switches);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long benchSwapcontextNanos(long switches) {
        try {
            return (long) BENCH_SWAPCONTEXT.invokeExact(switches);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}

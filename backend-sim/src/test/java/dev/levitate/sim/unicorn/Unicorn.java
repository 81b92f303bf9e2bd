package dev.levitate.sim.unicorn;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Optional;

/**
 * A minimal JNA binding of Unicorn 2 (Debian's libunicorn2) for differential tests of the A64
 * core: one AArch64 engine, flat memory, registers by number, run N instructions.
 *
 * <p>Test support only. Not thread-safe: one engine per test thread.
 */
public final class Unicorn implements AutoCloseable {

    /** Unicorn's register ids for AArch64 (unicorn/arm64.h, version 2.0). */
    public static final int REG_X29 = 1;
    /** x30 (lr). */
    public static final int REG_X30 = 2;
    /** NZCV in bits [31:28]. */
    public static final int REG_NZCV = 3;
    /** SP (the current stack pointer). */
    public static final int REG_SP = 4;
    /** x0; x0..x28 are consecutive. */
    public static final int REG_X0 = 199;
    /** PC. */
    public static final int REG_PC = 260;

    private static final int UC_ARCH_ARM64 = 2;
    private static final int UC_MODE_ARM = 0;
    private static final int UC_PROT_ALL = 7;

    private static final String LOAD_ERROR;

    static {
        String error = null;
        try {
            NativeLibrary lib;
            try {
                lib = NativeLibrary.getInstance("unicorn");
            } catch (UnsatisfiedLinkError e) {
                lib = NativeLibrary.getInstance("libunicorn.so.2");
            }
            Native.register(Unicorn.class, lib);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            error = "Unicorn 2 (libunicorn.so.2) is not installed: " + e.getMessage().lines().findFirst().orElse("");
        }
        LOAD_ERROR = error;
    }

    private static native int uc_open(int arch, int mode, PointerByReference uc);

    private static native int uc_close(Pointer uc);

    private static native int uc_mem_map(Pointer uc, long address, long size, int perms);

    private static native int uc_mem_write(Pointer uc, long address, byte[] bytes, long size);

    private static native int uc_mem_read(Pointer uc, long address, byte[] bytes, long size);

    private static native int uc_reg_write(Pointer uc, int regid, long[] value);

    private static native int uc_reg_read(Pointer uc, int regid, long[] value);

    private static native int uc_emu_start(Pointer uc, long begin, long until, long timeout, long count);

    private static native String uc_strerror(int code);

    /**
     * uc_ctl is variadic; UC_CTL_TB_REMOVE_CACHE takes two 64-bit arguments, which the x86-64 and
     * AArch64 calling conventions pass exactly as fixed arguments.
     */
    private static native int uc_ctl(Pointer uc, int control, long begin, long end);

    /** UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2): type 9, two arguments, write. */
    private static final int UC_CTL_TB_REMOVE_CACHE_WRITE = 9 | (2 << 26) | (1 << 30);

    /**
     * Says why Unicorn cannot be used here, if it cannot.
     *
     * @return empty when the library loaded, else the reason
     */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(LOAD_ERROR);
    }

    private Pointer uc;
    private final long[] one = new long[1];

    /**
     * Opens an AArch64 engine.
     *
     * @throws IllegalStateException if Unicorn is not installed or refuses
     */
    public Unicorn() {
        this(-1);
    }

    /** Unicorn's "max" AArch64 CPU model (UC_CPU_ARM64_MAX): ARMv8.x with the LSE atomics. */
    public static final int CPU_MAX = 3;

    /** UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1): type 7, one argument, write. */
    private static final int UC_CTL_CPU_MODEL_WRITE = 7 | (1 << 26) | (1 << 30);

    /**
     * Opens an AArch64 engine of a given CPU model.
     *
     * @param cpuModel a UC_CPU_ARM64_* model, or -1 for Unicorn's default (a Cortex-A72, ARMv8.0)
     * @throws IllegalStateException if Unicorn is not installed or refuses
     */
    public Unicorn(int cpuModel) {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException(LOAD_ERROR);
        }
        PointerByReference ref = new PointerByReference();
        check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, ref), "uc_open");
        uc = ref.getValue();
        if (cpuModel >= 0) {
            check(uc_ctl(uc, UC_CTL_CPU_MODEL_WRITE, cpuModel, 0), "uc_ctl(UC_CTL_CPU_MODEL)");
        }
    }

    private static void check(int err, String what) {
        if (err != 0) {
            throw new IllegalStateException(what + ": " + uc_strerror(err) + " (" + err + ")");
        }
    }

    /**
     * Maps read/write/execute memory.
     *
     * @param address 4 KiB aligned
     * @param size multiple of 4 KiB
     */
    public void map(long address, long size) {
        check(uc_mem_map(uc, address, size, UC_PROT_ALL), "uc_mem_map");
    }

    /**
     * Writes bytes into mapped memory.
     *
     * @param address where
     * @param bytes what
     */
    public void write(long address, byte[] bytes) {
        check(uc_mem_write(uc, address, bytes, bytes.length), "uc_mem_write");
    }

    /**
     * Reads bytes from mapped memory.
     *
     * @param address where
     * @param length how many
     * @return the bytes
     */
    public byte[] read(long address, int length) {
        byte[] out = new byte[length];
        check(uc_mem_read(uc, address, out, length), "uc_mem_read");
        return out;
    }

    /**
     * Writes a register.
     *
     * @param reg a REG_ id
     * @param value the value
     */
    public void setReg(int reg, long value) {
        one[0] = value;
        check(uc_reg_write(uc, reg, one), "uc_reg_write");
    }

    /**
     * Reads a register.
     *
     * @param reg a REG_ id
     * @return the value
     */
    public long reg(int reg) {
        one[0] = 0;
        check(uc_reg_read(uc, reg, one), "uc_reg_read");
        return one[0];
    }

    /**
     * Returns the id of x{@code n} for n in 0..30.
     *
     * @param n register number
     * @return Unicorn's id
     */
    public static int x(int n) {
        if (n <= 28) {
            return REG_X0 + n;
        }
        return n == 29 ? REG_X29 : REG_X30;
    }

    /**
     * Runs from {@code pc} until {@code count} instructions have executed or {@code until} is
     * reached.
     *
     * @param pc start
     * @param until stop address
     * @param count instruction count
     * @return 0 on success, else Unicorn's error code (unmapped access, invalid instruction, …)
     */
    public int run(long pc, long until, long count) {
        return uc_emu_start(uc, pc, until, 0, count);
    }

    /**
     * Drops the translated blocks of {@code [begin, end)}, so code written there since is
     * translated afresh (uc_mem_write does not invalidate translations in Unicorn 2.0.1).
     *
     * @param begin first address
     * @param end first address past the range
     */
    public void removeTranslations(long begin, long end) {
        check(uc_ctl(uc, UC_CTL_TB_REMOVE_CACHE_WRITE, begin, end), "uc_ctl(UC_CTL_TB_REMOVE_CACHE)");
    }

    /**
     * Describes a Unicorn error code.
     *
     * @param err the code
     * @return Unicorn's text
     */
    public static String describe(int err) {
        return uc_strerror(err);
    }

    @Override
    public void close() {
        if (uc != null) {
            uc_close(uc);
            uc = null;
        }
    }
}

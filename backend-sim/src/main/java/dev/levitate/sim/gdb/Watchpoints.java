package dev.levitate.sim.gdb;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.mmu.Mmu;
import java.util.ArrayList;
import java.util.List;

/**
 * Watchpoints on virtual addresses, write ({@code Z2}), read ({@code Z3}) and access ({@code Z4}),
 * reported <em>before</em> the instruction that hits them, as an AArch64 hardware watchpoint is
 * (ARM ARM D2.10, "Watchpoint exceptions": the instruction does not complete; GDB then removes
 * the watchpoints, steps it itself and shows the value).
 *
 * <h2>Steps, per instruction</h2>
 * <ol>
 *   <li>{@link #arm(Cpu)}: copy the registers, PC and NZCV, the count of exceptions taken, and each
 *       watchpoint's window: the watched VA range widened by {@link #MAX_ACCESS_BYTES} on both
 *       sides, each page translated as the core sees it now ({@link Mmu#translateForDebugger}),
 *       the RAM bytes behind it copied. Any single access that touches the watched range lies
 *       inside the window.</li>
 *   <li>The caller runs one instruction; the core's own watchpoints ({@link Cpu#addWatchpoint})
 *       note an access that touches a watched range, of the watched kind.</li>
 *   <li>{@link #check(Cpu)}: if the core noted a hit ({@link Cpu#takeWatchHit()}) and the
 *       instruction took no exception, write the windows back (only the bytes that differ),
 *       restore the registers, and report which watchpoint and where.</li>
 * </ol>
 * The core sees loads and stores of the same value alike, so a {@code watch} stops on a store of
 * the value already there too (GDB compares the values and continues silently).
 *
 * <h2>Limits, stated</h2>
 * At most {@value #MAX_WATCHPOINTS} watchpoints, as a Cortex-A53 has four watchpoint registers
 * (DBGWVR0..3_EL1), each of at most {@value #MAX_LENGTH} bytes: the work per instruction is then at
 * most 4 x (4 KiB + 128) bytes copied and compared. One more gets an error reply, as gdbserver
 * gives when the hardware has no free register. Undoing an instruction does not undo the
 * retired-instruction count or the exclusive monitor, so a store-exclusive that hits a
 * watchpoint fails once when it is re-run; a read of a device register is not undone either.
 *
 * <p>Not thread-safe: the stub's thread owns it.
 */
final class Watchpoints {
    /** The widest single access in A64 (DC ZVA's 64-byte block; LDP/STP of Q registers is 32). */
    static final int MAX_ACCESS_BYTES = 64;
    /** The longest watched range accepted. */
    static final int MAX_LENGTH = 4096;
    /** The most watchpoints at once: a Cortex-A53's watchpoint registers. */
    static final int MAX_WATCHPOINTS = 4;
    /** {@code Z2}: stop before a store. */
    static final int WRITE = 2;
    /** {@code Z3}: stop before a load. */
    static final int READ = 3;
    /** {@code Z4}: stop before either. */
    static final int ACCESS = 4;
    /** Bytes of window per unit of work in {@link #costPerInstruction()}. */
    private static final int BYTES_PER_WORK_UNIT = 256;

    private static final int REGISTERS = 32;

    private final PhysicalMemory ram;
    private final List<Watch> watches = new ArrayList<>();
    private final long[] savedRegs = new long[REGISTERS];
    private long savedPc;
    private int savedNzcv;
    private long savedExceptions;
    private int windowBytes;

    /** One watchpoint and its window: {@code pa[i]} is where VA {@code windowStart + i} was, or -1. */
    private static final class Watch {
        final int type;
        final long address;
        final int length;
        final long windowStart;
        final byte[] window;
        final long[] pa;

        Watch(int type, long address, int length) {
            this.type = type;
            this.address = address;
            this.length = length;
            // clipped at 0 and at the top of the address space (add() refuses a range that wraps)
            this.windowStart = Long.compareUnsigned(address, MAX_ACCESS_BYTES) < 0 ? 0 : address - MAX_ACCESS_BYTES;
            long end = Long.compareUnsigned(address + length, -1L - MAX_ACCESS_BYTES) > 0 ? -1L : address + length + MAX_ACCESS_BYTES;
            this.window = new byte[(int) (end - windowStart)];
            this.pa = new long[window.length];
        }
    }

    /** A watchpoint hit: the kind ({@link #WRITE}, {@link #READ}, {@link #ACCESS}) and the address to report. */
    record Hit(int type, long address) {
        /** The stop reply: {@code T05watch:ADDR;}, {@code T05rwatch:ADDR;} or {@code T05awatch:ADDR;}. */
        String reply() {
            return "T05" + (type == WRITE ? "watch" : type == READ ? "rwatch" : "awatch") + ":" + Long.toHexString(address) + ";";
        }
    }

    /**
     * Creates an empty set.
     *
     * @param ram the memory behind the windows
     */
    Watchpoints(PhysicalMemory ram) {
        this.ram = ram;
    }

    /**
     * Tells whether there are none (then the stub need not step one instruction at a time).
     *
     * @return true if empty
     */
    boolean isEmpty() {
        return watches.isEmpty();
    }

    /**
     * Adds a watchpoint (the same range twice is two watchpoints, as GDB counts them) and sets it
     * on the core.
     *
     * @param cpu the core
     * @param type {@link #WRITE}, {@link #READ} or {@link #ACCESS}
     * @param address the first watched byte (a VA)
     * @param length 1 to {@link #MAX_LENGTH} bytes
     * @return false if the length is out of range, the range wraps past the top of the address
     *     space, or there are already
     *     {@link #MAX_WATCHPOINTS} (nothing added)
     */
    boolean add(Cpu cpu, int type, long address, long length) {
        if (watches.size() >= MAX_WATCHPOINTS || length < 1 || length > MAX_LENGTH
                || Long.compareUnsigned(address, -1L - length) > 0) {
            return false;
        }
        Watch w = new Watch(type, address, (int) length);
        watches.add(w);
        windowBytes += w.window.length;
        cpu.addWatchpoint(address, length, type != WRITE, type != READ);
        return true;
    }

    /**
     * Removes one watchpoint of that kind on exactly that range.
     *
     * @param cpu the core
     * @param type its kind
     * @param address the first watched byte
     * @param length its length
     * @return false if there was none
     */
    boolean remove(Cpu cpu, int type, long address, long length) {
        for (int i = 0; i < watches.size(); i++) {
            Watch w = watches.get(i);
            if (w.type == type && w.address == address && w.length == length) {
                watches.remove(i);
                windowBytes -= w.window.length;
                cpu.clearDebugPoints(); // the core has no per-watchpoint removal: set the rest again
                for (Watch rest : watches) {
                    cpu.addWatchpoint(rest.address, rest.length, rest.type != WRITE, rest.type != READ);
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Removes every watchpoint (a new debugger starts with none).
     *
     * @param cpu the core
     */
    void clear(Cpu cpu) {
        watches.clear();
        windowBytes = 0;
        cpu.clearDebugPoints();
    }

    /**
     * Says how much work one instruction run under these watchpoints costs, in plain
     * instructions: 1 plus one per {@value #BYTES_PER_WORK_UNIT} bytes copied and compared. The
     * stub counts it towards its next poll for Ctrl-C, so that the poll comes after about the same
     * work, whatever the watchpoints.
     *
     * @return at least 1
     */
    int costPerInstruction() {
        return 1 + windowBytes / BYTES_PER_WORK_UNIT;
    }

    /**
     * Copies what {@link #check(Cpu)} restores from.
     *
     * @param cpu the CPU about to run one instruction
     */
    void arm(Cpu cpu) {
        for (int r = 0; r < REGISTERS; r++) {
            savedRegs[r] = cpu.reg(r);
        }
        savedPc = cpu.pc();
        savedNzcv = cpu.nzcv();
        savedExceptions = cpu.exceptionsTaken();
        cpu.takeWatchHit(); // a hit left from before is not this instruction's
        Mmu mmu = cpu.mmu();
        for (Watch w : watches) {
            int i = 0;
            while (i < w.window.length) {
                long va = w.windowStart + i;
                int run = (int) Math.min(w.window.length - i, 0x1000 - (va & 0xFFF));
                long pagePa = mmu.translateForDebugger(va);
                if (pagePa != Mmu.FAULT && ram.contains(pagePa, run)) {
                    ram.read(pagePa, w.window, i, run);
                    for (int k = 0; k < run; k++) {
                        w.pa[i + k] = pagePa + k;
                    }
                } else {
                    java.util.Arrays.fill(w.pa, i, i + run, -1L);
                }
                i += run;
            }
        }
    }

    /**
     * After one instruction: finds the watchpoint it hit and, if there is one, undoes the
     * instruction. A hit by an access that took an exception (a fault) is not reported: the
     * access did not happen.
     *
     * @param cpu the CPU that ran it
     * @return the hit, or null if none
     */
    Hit check(Cpu cpu) {
        long at = cpu.takeWatchHit();
        if (at == -1 || cpu.exceptionsTaken() != savedExceptions) { // an upper-half VA is negative
            return null;
        }
        Watch hit = null;
        for (Watch w : watches) {
            if (Long.compareUnsigned(at - w.windowStart, w.window.length) < 0) {
                hit = w;
                break;
            }
        }
        if (hit == null) {
            return null; // not one of ours
        }
        undo(cpu);
        long reported = Long.compareUnsigned(at, hit.address) < 0 ? hit.address : at;
        return new Hit(hit.type, reported);
    }

    private void undo(Cpu cpu) {
        for (Watch w : watches) {
            for (int i = 0; i < w.window.length; i++) {
                long pa = w.pa[i];
                if (pa != -1 && (byte) ram.read8(pa) != w.window[i]) {
                    ram.write8(pa, w.window[i]);
                }
            }
        }
        for (int r = 0; r < REGISTERS; r++) {
            cpu.setReg(r, savedRegs[r]);
        }
        cpu.setPc(savedPc);
        cpu.setNzcv(savedNzcv);
    }
}

package dev.levitate.sim.gdb;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import java.util.ArrayList;
import java.util.List;

/**
 * Write watchpoints by comparison: around each single-stepped instruction, the watched bytes are
 * compared before and after; when they changed, the instruction is undone so that the stop is
 * reported <em>before</em> it, as an AArch64 hardware watchpoint would be (GDB then removes the
 * watchpoints, steps that instruction itself and shows the old and new values).
 *
 * <h2>Steps, per instruction</h2>
 * <ol>
 *   <li>{@link #arm(Cpu)}: copy the registers, PC and NZCV, and each watchpoint's window: the
 *       watched range widened by {@link #MAX_STORE_BYTES} on both sides, clipped to RAM. Any
 *       single store that touches the watched range lies inside the window.</li>
 *   <li>The caller runs one instruction.</li>
 *   <li>{@link #check(Cpu)}: if a watched byte differs from its copy, write the window back (only
 *       the bytes that differ), restore the registers, and return the first changed address.</li>
 * </ol>
 *
 * <h2>Limits, stated</h2>
 * At most {@value #MAX_WATCHPOINTS} watchpoints of at most {@value #MAX_LENGTH} bytes each (a
 * Cortex-A53 has four watchpoint registers; a software stub can afford more, but each one is
 * compared around every instruction, so the number is bounded: the work per instruction is at
 * most 16 x (4 KiB + 128) bytes copied and 16 x 4 KiB compared, in bulk). One more gets an error
 * reply, as gdbserver gives when the hardware has no free register. A store of the value already there is not seen (GDB reports only changes for write
 * watchpoints anyway). Undoing an instruction does not undo the retired-instruction count or the
 * exclusive monitor, so a store-exclusive that hits a watchpoint fails once when it is re-run.
 *
 * <p>Not thread-safe: the stub's thread owns it.
 */
final class WriteWatchpoints {
    /** The widest single store in A64 (DC ZVA's 64-byte block; STP of Q registers is 32). */
    static final int MAX_STORE_BYTES = 64;
    /** The longest watched range accepted. */
    static final int MAX_LENGTH = 4096;
    /** The most watchpoints at once. */
    static final int MAX_WATCHPOINTS = 16;
    /** Bytes of window per unit of work in {@link #costPerInstruction()}. */
    private static final int BYTES_PER_WORK_UNIT = 256;

    private static final int REGISTERS = 32;

    private final PhysicalMemory ram;
    private final List<Watch> watches = new ArrayList<>();
    private final long[] savedRegs = new long[REGISTERS];
    private long savedPc;
    private int savedNzcv;
    private final byte[] scratch = new byte[MAX_LENGTH];
    private int windowBytes;

    private static final class Watch {
        final long address;
        final int length;
        final long windowStart;
        final byte[] window;

        Watch(long address, int length, long windowStart, int windowLength) {
            this.address = address;
            this.length = length;
            this.windowStart = windowStart;
            this.window = new byte[windowLength];
        }
    }

    /**
     * Creates an empty set.
     *
     * @param ram the memory watched
     */
    WriteWatchpoints(PhysicalMemory ram) {
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
     * Adds a watchpoint (the same range twice is two watchpoints, as GDB counts them).
     *
     * @param address the first watched byte
     * @param length 1 to {@link #MAX_LENGTH} bytes
     * @return false if the range is not wholly in RAM or too long, or there are already
     *     {@link #MAX_WATCHPOINTS} (nothing added)
     */
    boolean add(long address, long length) {
        if (watches.size() >= MAX_WATCHPOINTS || length < 1 || length > MAX_LENGTH || !ram.contains(address, length)) {
            return false;
        }
        long start = address;
        while (start > address - MAX_STORE_BYTES && ram.contains(start - 1, 1)) {
            start--;
        }
        long end = address + length;
        while (end < address + length + MAX_STORE_BYTES && ram.contains(end, 1)) {
            end++;
        }
        watches.add(new Watch(address, (int) length, start, (int) (end - start)));
        windowBytes += (int) (end - start);
        return true;
    }

    /**
     * Removes one watchpoint on exactly that range.
     *
     * @param address the first watched byte
     * @param length its length
     * @return false if there was none
     */
    boolean remove(long address, long length) {
        for (int i = 0; i < watches.size(); i++) {
            Watch w = watches.get(i);
            if (w.address == address && w.length == length) {
                watches.remove(i);
                windowBytes -= w.window.length;
                return true;
            }
        }
        return false;
    }

    /** Removes every watchpoint (a new debugger starts with none). */
    void clear() {
        watches.clear();
        windowBytes = 0;
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
     * Copies what {@link #check(Cpu)} compares with and restores from.
     *
     * @param cpu the CPU about to run one instruction
     */
    void arm(Cpu cpu) {
        for (int r = 0; r < REGISTERS; r++) {
            savedRegs[r] = cpu.reg(r);
        }
        savedPc = cpu.pc();
        savedNzcv = cpu.nzcv();
        for (Watch w : watches) {
            ram.read(w.windowStart, w.window, 0, w.window.length);
        }
    }

    /**
     * After one retired instruction: finds a changed watched byte and, if there is one, undoes
     * the instruction.
     *
     * @param cpu the CPU that ran it
     * @return the address of the first changed watched byte, or -1 if none changed
     */
    long check(Cpu cpu) {
        long hit = -1;
        for (Watch w : watches) {
            int from = (int) (w.address - w.windowStart);
            ram.read(w.address, scratch, 0, w.length);
            int differs = java.util.Arrays.mismatch(scratch, 0, w.length, w.window, from, from + w.length);
            if (differs >= 0) {
                hit = w.address + differs;
                break;
            }
        }
        if (hit >= 0) {
            undo(cpu);
        }
        return hit;
    }

    private void undo(Cpu cpu) {
        for (Watch w : watches) {
            for (int i = 0; i < w.window.length; i++) {
                long a = w.windowStart + i;
                if ((byte) ram.read8(a) != w.window[i]) {
                    ram.write8(a, w.window[i]);
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

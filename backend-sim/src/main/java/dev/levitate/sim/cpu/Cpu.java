package dev.levitate.sim.cpu;

import dev.levitate.sim.isa.A64;
import dev.levitate.sim.isa.BitMasks;
import dev.levitate.sim.isa.Decoder;

/**
 * The A64 integer core: registers, PSTATE.NZCV, and the execute loop over decoded rows of
 * {@link A64} (ARM ARM C6, "A64 Base Instruction Descriptions").
 *
 * <h2>State</h2>
 * <pre>
 *   x[0..30]  general registers; x[31] is SP (register 31 reads as XZR except in SP forms)
 *   pc        program counter
 *   n, z, c, v  the condition flags, one int each (0 or 1)
 * </pre>
 * 32-bit forms write the low 32 bits and zero the upper half (C1.2.5).
 *
 * <h2>The loop</h2>
 * {@link #run(long)} fetches through the {@link DecodeCache} (decode once per word), executes with
 * one switch over the row, and stops on a {@link StopKind} with the PC, the word and a value. No
 * allocation per instruction; guest errors never throw.
 *
 * <h2>Threads</h2>
 * Not thread-safe: a CPU belongs to the thread that runs its machine.
 */
public final class Cpu {
    /** The special register number that means SP or ZR depending on the encoding. */
    public static final int SP = 31;

    private static final A64[] ROWS = A64.values();

    final long[] x = new long[32];
    long pc;
    int n;
    int z;
    int c;
    int v;

    private final Bus bus;
    private final DecodeCache cache;
    private SemihostingHandler semihosting;
    private long instructions;
    private StopKind stop = StopKind.NONE;
    private long stopPc;
    private int stopWord;
    private long stopValue;
    private long breakpoint = -1;
    /** The exclusive monitor of this single core (B2.9): the address LDXR marked, or -1 (open). */
    private long exclusiveAddress = -1;
    private int exclusiveSize;

    /** Services HLT #0xF000 (Arm semihosting) and PSCI calls for the machine. */
    public interface SemihostingHandler {
        /**
         * Handles a semihosting call: operation in w0, parameter in x1, result to x0.
         *
         * @param cpu the CPU (read and write x0/x1 through it)
         * @return a stop to take (EXIT, with {@link Cpu#stopWith}), or NONE to continue
         */
        StopKind semihost(Cpu cpu);

        /**
         * Handles HVC/SMC #0 (PSCI function id in w0).
         *
         * @param cpu the CPU
         * @return POWER_OFF for SYSTEM_OFF, or EXCEPTION_CALL if not a PSCI call served here
         */
        StopKind psci(Cpu cpu);
    }

    /**
     * Creates a CPU on a bus.
     *
     * @param bus the memory it executes from and accesses
     * @param onNewDecodedPage told the address of each page whose instructions get cached, so the
     *     owner can watch it for writes and call {@link #invalidateDecoded(long, int)}
     */
    public Cpu(Bus bus, java.util.function.LongConsumer onNewDecodedPage) {
        this.bus = bus;
        this.cache = new DecodeCache(onNewDecodedPage);
    }

    /**
     * Sets the semihosting and PSCI handler.
     *
     * @param h the handler
     */
    public void setSemihosting(SemihostingHandler h) {
        this.semihosting = h;
    }

    /**
     * Drops the decoded instructions that {@code [pa, pa + length)} overlaps (it was written).
     *
     * @param pa the first byte written
     * @param length the number of bytes written, within one page
     */
    public void invalidateDecoded(long pa, int length) {
        cache.invalidate(pa, length);
    }

    // ------------------------------------------------------------------ registers

    /**
     * Reads x{@code r} (0..30), or SP for 31.
     *
     * @param r 0..31
     * @return the value
     */
    public long reg(int r) {
        return x[r];
    }

    /**
     * Writes x{@code r} (0..30), or SP for 31.
     *
     * @param r 0..31
     * @param value the value
     */
    public void setReg(int r, long value) {
        x[r] = value;
    }

    /**
     * Returns the PC.
     *
     * @return the program counter
     */
    public long pc() {
        return pc;
    }

    /**
     * Sets the PC.
     *
     * @param value the new PC
     */
    public void setPc(long value) {
        pc = value;
    }

    /**
     * Returns NZCV as bits [31:28].
     *
     * @return the flags
     */
    public int nzcv() {
        return n << 31 | z << 30 | c << 29 | v << 28;
    }

    /**
     * Sets NZCV from bits [31:28].
     *
     * @param bits the flags
     */
    public void setNzcv(int bits) {
        n = bits >>> 31 & 1;
        z = bits >>> 30 & 1;
        c = bits >>> 29 & 1;
        v = bits >>> 28 & 1;
    }

    /**
     * Returns the number of instructions retired.
     *
     * @return the count
     */
    public long instructions() {
        return instructions;
    }

    /**
     * Stops at {@code address} before executing it (one debugger breakpoint), or -1 for none.
     *
     * @param address the address
     */
    public void setBreakpoint(long address) {
        breakpoint = address;
    }

    /**
     * Returns why the last run stopped.
     *
     * @return the kind
     */
    public StopKind stop() {
        return stop;
    }

    /**
     * Returns the PC of the last stop.
     *
     * @return the address
     */
    public long stopPc() {
        return stopPc;
    }

    /**
     * Returns the instruction word at the last stop (for UNDEFINED).
     *
     * @return the word
     */
    public int stopWord() {
        return stopWord;
    }

    /**
     * Returns the value of the last stop (exit code, BRK immediate, fault address).
     *
     * @return the value
     */
    public long stopValue() {
        return stopValue;
    }

    /**
     * Records a stop (used by the semihosting handler for EXIT).
     *
     * @param kind the kind
     * @param value its value
     */
    public void stopWith(StopKind kind, long value) {
        stop = kind;
        stopPc = pc;
        stopValue = value;
    }

    private void halt(StopKind kind, int word, long value) {
        stop = kind;
        stopPc = pc;
        stopWord = word;
        stopValue = value;
    }

    // ------------------------------------------------------------------ the loop

    /**
     * Runs until a stop or until {@code budget} instructions have retired.
     *
     * @param budget the most instructions to run
     * @return why it stopped
     */
    public StopKind run(long budget) {
        stop = StopKind.NONE;
        long left = budget;
        while (left > 0) {
            if (pc == breakpoint && left != budget) {
                halt(StopKind.DEBUG_BREAK, 0, pc);
                return stop;
            }
            if ((pc & 3) != 0) {
                halt(StopKind.ALIGNMENT, 0, pc);
                return stop;
            }
            DecodeCache.Page page = cache.page(pc);
            int slot = DecodeCache.slot(pc);
            int id = page.ids[slot];
            int word;
            if (id == DecodeCache.NOT_DECODED) {
                word = bus.fetch(pc);
                if (bus.faulted()) {
                    halt(StopKind.ABORT, 0, pc);
                    return stop;
                }
                id = DecodeCache.decode(page, slot, word);
            } else {
                word = page.words[slot];
            }
            if (id == Decoder.UNDEFINED) {
                halt(StopKind.UNDEFINED, word, word);
                return stop;
            }
            if (!execute(ROWS[id], word)) {
                return stop;
            }
            instructions++;
            left--;
        }
        halt(StopKind.BUDGET, 0, 0);
        return stop;
    }

    // ------------------------------------------------------------------ helpers

    private long rz(int r) {
        return r == 31 ? 0 : x[r];
    }

    private void wz(int r, long value, boolean is64) {
        if (r != 31) {
            x[r] = is64 ? value : value & 0xFFFF_FFFFL;
        }
    }

    private void wsp(int r, long value, boolean is64) {
        x[r] = is64 ? value : value & 0xFFFF_FFFFL;
    }

    private static int bits(int w, int lo, int len) {
        return (w >>> lo) & ((1 << len) - 1);
    }

    private static long sext(long value, int width) {
        return value << (64 - width) >> (64 - width);
    }

    private boolean condition(int cond) {
        boolean r;
        switch (cond >>> 1) {
            case 0: r = z == 1; break;
            case 1: r = c == 1; break;
            case 2: r = n == 1; break;
            case 3: r = v == 1; break;
            case 4: r = c == 1 && z == 0; break;
            case 5: r = n == v; break;
            case 6: r = n == v && z == 0; break;
            default: r = true; break;
        }
        return (cond & 1) == 1 && cond != 15 ? !r : r;
    }

    /** AddWithCarry (J1.1): returns the result, sets NZCV when {@code setFlags}. */
    private long addWithCarry(long a, long b, int carryIn, boolean is64, boolean setFlags) {
        if (is64) {
            long r = a + b + carryIn;
            if (setFlags) {
                n = (int) (r >>> 63);
                z = r == 0 ? 1 : 0;
                // unsigned carry out of bit 63
                long lo = (a & 0xFFFF_FFFFL) + (b & 0xFFFF_FFFFL) + carryIn;
                long hi = (a >>> 32) + (b >>> 32) + (lo >>> 32);
                c = (int) (hi >>> 32) & 1;
                v = (int) ((~(a ^ b) & (a ^ r)) >>> 63);
            }
            return r;
        }
        long ua = a & 0xFFFF_FFFFL;
        long ub = b & 0xFFFF_FFFFL;
        long r = ua + ub + carryIn;
        int r32 = (int) r;
        if (setFlags) {
            n = r32 >>> 31;
            z = r32 == 0 ? 1 : 0;
            c = (int) (r >>> 32) & 1;
            v = ((~((int) a ^ (int) b) & ((int) a ^ r32)) >>> 31);
        }
        return r & 0xFFFF_FFFFL;
    }

    /** ExtendReg (C6.2): UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX by option. */
    private static long extend(long value, int option) {
        switch (option) {
            case 0: return value & 0xFF;
            case 1: return value & 0xFFFF;
            case 2: return value & 0xFFFF_FFFFL;
            case 3: return value;
            case 4: return (byte) value;
            case 5: return (short) value;
            case 6: return (int) value;
            default: return value;
        }
    }

    private static long shift(long value, int type, int amount, boolean is64) {
        if (!is64) {
            int w = (int) value;
            switch (type) {
                case 0: return (w << amount) & 0xFFFF_FFFFL;
                case 1: return (w >>> amount) & 0xFFFF_FFFFL;
                case 2: return (w >> amount) & 0xFFFF_FFFFL;
                default: return Integer.rotateRight(w, amount) & 0xFFFF_FFFFL;
            }
        }
        switch (type) {
            case 0: return value << amount;
            case 1: return value >>> amount;
            case 2: return value >> amount;
            default: return Long.rotateRight(value, amount);
        }
    }

    private boolean load(int rt, long address, int size, boolean signed, boolean to64) {
        long value = bus.read(address, size);
        if (bus.faulted()) {
            halt(StopKind.ABORT, 0, address);
            return false;
        }
        if (signed) {
            value = sext(value, size * 8);
            if (!to64) {
                value &= 0xFFFF_FFFFL;
            }
        }
        wz(rt, value, true);
        return true;
    }

    private boolean store(long address, int size, long value) {
        bus.write(address, size, value);
        if (bus.faulted()) {
            halt(StopKind.ABORT, 0, address);
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ execute

    /** Which handler executes each row: small methods that the JIT compiles and inlines well. */
    private static final byte[] GROUP = new byte[ROWS.length];
    private static final byte G_IMM = 0;
    private static final byte G_BRANCH = 1;
    private static final byte G_SYSTEM = 2;
    private static final byte G_REG = 3;
    private static final byte G_MEM = 4;

    static {
        for (A64 r : ROWS) {
            String n = r.name();
            byte g;
            if (n.matches("(ADD|ADDS|SUB|SUBS|AND|ORR|EOR|ANDS)_imm|MOV[NZK]|S?BFM|UBFM|ADRP?")) {
                g = G_IMM;
            } else if (n.matches("B|BL|B_cond|CBN?Z|TBN?Z|BR|BLR|RET")) {
                g = G_BRANCH;
            } else if (n.matches("SVC|HVC|SMC|BRK|HLT|HINT|BARRIER")) {
                g = G_SYSTEM;
            } else if (n.matches("(LD|ST).*")) {
                g = G_MEM;
            } else {
                g = G_REG;
            }
            GROUP[r.ordinal()] = g;
        }
    }

    /** Executes one instruction; false when it stopped the CPU. */
    private boolean execute(A64 row, int w) {
        switch (GROUP[row.ordinal()]) {
            case G_IMM: return dataProcessingImmediate(row, w);
            case G_BRANCH: return branch(row, w);
            case G_SYSTEM: return system(row, w);
            case G_REG: return dataProcessingRegister(row, w);
            default: return loadStore(row, w);
        }
    }

    /** Data processing — immediate (C4.1.86). */
    private boolean dataProcessingImmediate(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row) {
            // ---- add/sub immediate
            case ADD_imm:
            case ADDS_imm:
            case SUB_imm:
            case SUBS_imm: {
                long imm = (long) bits(w, 10, 12) << (bits(w, 22, 1) * 12);
                boolean sub = row == A64.SUB_imm || row == A64.SUBS_imm;
                boolean flags = row == A64.ADDS_imm || row == A64.SUBS_imm;
                long r = sub ? addWithCarry(x[rn], ~imm, 1, sf, flags) : addWithCarry(x[rn], imm, 0, sf, flags);
                if (flags) {
                    wz(rd, r, sf);
                } else {
                    wsp(rd, r, sf);
                }
                break;
            }
            // ---- logical immediate
            case AND_imm:
            case ORR_imm:
            case EOR_imm:
            case ANDS_imm: {
                int nBit = bits(w, 22, 1);
                if (!sf && nBit == 1) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long imm = BitMasks.logicalImmediate(nBit, bits(w, 10, 6), bits(w, 16, 6), sf ? 64 : 32);
                if (imm == BitMasks.INVALID) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long a = rz(rn);
                long r = row == A64.ORR_imm ? a | imm : row == A64.EOR_imm ? a ^ imm : a & imm;
                if (!sf) {
                    r &= 0xFFFF_FFFFL;
                }
                if (row == A64.ANDS_imm) {
                    setLogicFlags(r, sf);
                    wz(rd, r, sf);
                } else {
                    wsp(rd, r, sf);
                }
                break;
            }
            // ---- move wide
            case MOVN:
            case MOVZ:
            case MOVK: {
                int hw = bits(w, 21, 2);
                if (!sf && hw > 1) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long imm = (long) bits(w, 5, 16) << (hw * 16);
                long r;
                if (row == A64.MOVK) {
                    r = (rz(rd) & ~(0xFFFFL << (hw * 16))) | imm;
                } else {
                    r = row == A64.MOVN ? ~imm : imm;
                }
                wz(rd, r, sf);
                break;
            }
            // ---- bitfield
            case SBFM:
            case BFM:
            case UBFM: {
                int nBit = bits(w, 22, 1);
                int datasize = sf ? 64 : 32;
                int immr = bits(w, 16, 6);
                int imms = bits(w, 10, 6);
                if ((sf ? 1 : 0) != nBit || (!sf && (immr > 31 || imms > 31))) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long wmask = BitMasks.bitfieldWmask(nBit, imms, immr, datasize);
                long tmask = BitMasks.bitfieldTmask(nBit, imms, immr, datasize);
                long src = rz(rn);
                long bot = rotateRight(src, immr, datasize) & wmask;
                long r;
                if (row == A64.UBFM) {
                    r = bot & tmask;
                } else if (row == A64.SBFM) {
                    long top = ((src >>> imms) & 1) == 1 ? -1L : 0;
                    r = (top & ~tmask) | (bot & tmask);
                } else {
                    long dst = rz(rd);
                    long b = (dst & ~wmask) | bot;
                    r = (dst & ~tmask) | (b & tmask);
                }
                wz(rd, r, sf);
                break;
            }
            case ADR:
            case ADRP: {
                long imm = sext(((long) bits(w, 5, 19) << 2) | bits(w, 29, 2), 21);
                wz(rd, row == A64.ADR ? pc + imm : (pc & ~0xFFFL) + (imm << 12), true);
                break;
            }
            default:
                halt(StopKind.UNDEFINED, w, w);
                return false;
        }
        pc = next;
        return true;
    }

    /** Branches (C4.1.87). */
    private boolean branch(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row) {
            // ---- branches
            case B:
            case BL: {
                if (row == A64.BL) {
                    x[30] = pc + 4;
                }
                next = pc + (sext(w & 0x3FF_FFFF, 26) << 2);
                break;
            }
            case B_cond:
                if (condition(w & 15)) {
                    next = pc + (sext(bits(w, 5, 19), 19) << 2);
                }
                break;
            case CBZ:
            case CBNZ: {
                long val = sf ? rz(rd) : rz(rd) & 0xFFFF_FFFFL;
                if ((val == 0) == (row == A64.CBZ)) {
                    next = pc + (sext(bits(w, 5, 19), 19) << 2);
                }
                break;
            }
            case TBZ:
            case TBNZ: {
                int bit = (bits(w, 31, 1) << 5) | bits(w, 19, 5);
                long set = (rz(rd) >>> bit) & 1;
                if ((set == 0) == (row == A64.TBZ)) {
                    next = pc + (sext(bits(w, 5, 14), 14) << 2);
                }
                break;
            }
            case BR:
            case BLR:
            case RET: {
                long target = rz(rn);
                if (row == A64.BLR) {
                    x[30] = pc + 4;
                }
                next = target;
                break;
            }
            default:
                halt(StopKind.UNDEFINED, w, w);
                return false;
        }
        pc = next;
        return true;
    }

    /** Exception generation, hints and barriers (C4.1.87). */
    private boolean system(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row) {
            // ---- exceptions and system
            case SVC:
                halt(StopKind.EXCEPTION_CALL, w, bits(w, 5, 16));
                return false;
            case HVC:
            case SMC: {
                StopKind k = semihosting == null ? StopKind.EXCEPTION_CALL : semihosting.psci(this);
                if (k != StopKind.NONE) {
                    halt(k, w, bits(w, 5, 16));
                    return false;
                }
                break;
            }
            case BRK:
                halt(StopKind.BREAKPOINT, w, bits(w, 5, 16));
                return false;
            case HLT: {
                if (bits(w, 5, 16) == 0xF000 && semihosting != null) {
                    StopKind k = semihosting.semihost(this);
                    if (k != StopKind.NONE) {
                        stopPc = pc;
                        stopWord = w;
                        return false;
                    }
                    break;
                }
                halt(StopKind.BREAKPOINT, w, bits(w, 5, 16));
                return false;
            }
            case HINT: {
                int op = bits(w, 5, 7);
                if (op == 3 || op == 2) { // WFI, WFE: nothing can wake us yet
                    pc = next;
                    halt(StopKind.WAIT, w, op);
                    return false;
                }
                break; // NOP, YIELD, SEV, SEVL, PAC/BTI hints and the rest of the space: no-ops
            }
            case BARRIER:
                break; // one in-order core, no caches modelled: DMB/DSB/ISB complete at once
            default:
                halt(StopKind.UNDEFINED, w, w);
                return false;
        }
        pc = next;
        return true;
    }

    /** Data processing — register (C4.1.89). */
    private boolean dataProcessingRegister(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row) {
            // ---- logical shifted register
            case AND_shift:
            case BIC_shift:
            case ORR_shift:
            case ORN_shift:
            case EOR_shift:
            case EON_shift:
            case ANDS_shift:
            case BICS_shift: {
                int amount = bits(w, 10, 6);
                if (!sf && amount > 31) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long b = shift(rz(rm), bits(w, 22, 2), amount, sf);
                if (bits(w, 21, 1) == 1) {
                    b = ~b;
                }
                long a = rz(rn);
                int opc = bits(w, 29, 2);
                long r = opc == 1 ? a | b : opc == 2 ? a ^ b : a & b;
                if (!sf) {
                    r &= 0xFFFF_FFFFL;
                }
                if (opc == 3) {
                    setLogicFlags(r, sf);
                }
                wz(rd, r, sf);
                break;
            }
            case ADD_shift:
            case ADDS_shift:
            case SUB_shift:
            case SUBS_shift: {
                int type = bits(w, 22, 2);
                int amount = bits(w, 10, 6);
                if (type == 3 || (!sf && amount > 31)) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long b = shift(rz(rm), type, amount, sf);
                boolean sub = row == A64.SUB_shift || row == A64.SUBS_shift;
                boolean flags = row == A64.ADDS_shift || row == A64.SUBS_shift;
                long r = sub ? addWithCarry(rz(rn), ~b, 1, sf, flags) : addWithCarry(rz(rn), b, 0, sf, flags);
                wz(rd, r, sf);
                break;
            }
            case CSEL:
            case CSINC:
            case CSINV:
            case CSNEG: {
                long r;
                if (condition(bits(w, 12, 4))) {
                    r = rz(rn);
                } else {
                    long b = rz(rm);
                    r = row == A64.CSEL ? b : row == A64.CSINC ? b + 1 : row == A64.CSINV ? ~b : -b;
                }
                wz(rd, r, sf);
                break;
            }
            case UDIV:
            case SDIV: {
                long a = rz(rn);
                long b = rz(rm);
                long r;
                if (sf) {
                    r = b == 0 ? 0 : row == A64.UDIV ? Long.divideUnsigned(a, b) : (a == Long.MIN_VALUE && b == -1 ? a : a / b);
                } else {
                    int ai = (int) a;
                    int bi = (int) b;
                    r = bi == 0 ? 0 : row == A64.UDIV ? Integer.toUnsignedLong(Integer.divideUnsigned(ai, bi))
                            : (ai == Integer.MIN_VALUE && bi == -1 ? ai : ai / bi);
                }
                wz(rd, r, sf);
                break;
            }
            case LSLV:
            case LSRV:
            case ASRV:
            case RORV: {
                int amount = (int) (rz(rm) & (sf ? 63 : 31));
                wz(rd, shift(rz(rn), row.ordinal() - A64.LSLV.ordinal(), amount, sf), sf);
                break;
            }
            // ---- add/sub extended register
            case ADD_ext:
            case ADDS_ext:
            case SUB_ext:
            case SUBS_ext: {
                int amount = bits(w, 10, 3);
                if (amount > 4) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long b = extend(rz(rm), bits(w, 13, 3)) << amount;
                boolean sub = row == A64.SUB_ext || row == A64.SUBS_ext;
                boolean flags = row == A64.ADDS_ext || row == A64.SUBS_ext;
                long r = sub ? addWithCarry(x[rn], ~b, 1, sf, flags) : addWithCarry(x[rn], b, 0, sf, flags);
                if (flags) {
                    wz(rd, r, sf);
                } else {
                    wsp(rd, r, sf);
                }
                break;
            }
            case EXTR: {
                int lsb = bits(w, 10, 6);
                if ((sf ? 1 : 0) != bits(w, 22, 1) || (!sf && lsb > 31)) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                long hi = rz(rn);
                long lo = rz(rm);
                long r;
                if (sf) {
                    r = lsb == 0 ? lo : (lo >>> lsb) | (hi << (64 - lsb));
                } else {
                    long concat = ((hi & 0xFFFF_FFFFL) << 32) | (lo & 0xFFFF_FFFFL);
                    r = concat >>> lsb;
                }
                wz(rd, r, sf);
                break;
            }
            case CCMN_reg:
            case CCMN_imm:
            case CCMP_reg:
            case CCMP_imm: {
                if (condition(bits(w, 12, 4))) {
                    long b = row == A64.CCMN_imm || row == A64.CCMP_imm ? rm : rz(rm);
                    if (row == A64.CCMP_reg || row == A64.CCMP_imm) {
                        addWithCarry(rz(rn), ~b, 1, sf, true);
                    } else {
                        addWithCarry(rz(rn), b, 0, sf, true);
                    }
                } else {
                    setNzcv(bits(w, 0, 4) << 28);
                }
                break;
            }
            case RBIT:
                wz(rd, sf ? Long.reverse(rz(rn)) : Integer.reverse((int) rz(rn)), sf);
                break;
            case REV16: {
                long a = rz(rn);
                wz(rd, ((a & 0x00FF_00FF_00FF_00FFL) << 8) | ((a >>> 8) & 0x00FF_00FF_00FF_00FFL), sf);
                break;
            }
            case REV32: {
                long a = rz(rn);
                wz(rd, ((long) Integer.reverseBytes((int) (a >>> 32)) << 32) | (Integer.reverseBytes((int) a) & 0xFFFF_FFFFL), true);
                break;
            }
            case REV_w:
                wz(rd, Integer.reverseBytes((int) rz(rn)), false);
                break;
            case REV_x:
                wz(rd, Long.reverseBytes(rz(rn)), true);
                break;
            case CLZ:
                wz(rd, sf ? Long.numberOfLeadingZeros(rz(rn)) : Integer.numberOfLeadingZeros((int) rz(rn)), sf);
                break;
            case CLS: {
                long a = rz(rn);
                wz(rd, sf ? Long.numberOfLeadingZeros(a ^ (a >> 1)) - 1
                        : Integer.numberOfLeadingZeros((int) a ^ ((int) a >> 1)) - 1, sf);
                break;
            }
            case SMADDL:
            case SMSUBL:
            case UMADDL:
            case UMSUBL: {
                boolean signed = row == A64.SMADDL || row == A64.SMSUBL;
                long a = signed ? (long) (int) rz(rn) : rz(rn) & 0xFFFF_FFFFL;
                long b = signed ? (long) (int) rz(rm) : rz(rm) & 0xFFFF_FFFFL;
                long acc = rz((w >>> 10) & 31);
                wz(rd, row == A64.SMADDL || row == A64.UMADDL ? acc + a * b : acc - a * b, true);
                break;
            }
            case SMULH:
                wz(rd, Math.multiplyHigh(rz(rn), rz(rm)), true);
                break;
            case UMULH: {
                long a = rz(rn);
                long b = rz(rm);
                long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
                wz(rd, hi, true);
                break;
            }
            case MADD:
            case MSUB: {
                long prod = rz(rn) * rz(rm);
                long a = rz((w >>> 10) & 31);
                wz(rd, row == A64.MADD ? a + prod : a - prod, sf);
                break;
            }
            default:
                halt(StopKind.UNDEFINED, w, w);
                return false;
        }
        pc = next;
        return true;
    }

    /** Loads and stores (C4.1.88). */
    private boolean loadStore(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row) {
            // ---- loads and stores
            case STRB_uimm:
            case STRH_uimm:
            case STRW_uimm:
            case STRX_uimm: {
                int size = row.encoding().scale();
                if (!store(x[rn] + (long) bits(w, 10, 12) * size, size, rz(rd))) {
                    return false;
                }
                break;
            }
            case LDRB_uimm:
            case LDRH_uimm:
            case LDRW_uimm:
            case LDRX_uimm:
            case LDRSB_uimm:
            case LDRSH_uimm:
            case LDRSW_uimm: {
                int size = row.encoding().scale();
                boolean signed = row == A64.LDRSB_uimm || row == A64.LDRSH_uimm || row == A64.LDRSW_uimm;
                if (!load(rd, x[rn] + (long) bits(w, 10, 12) * size, size, signed, true)) {
                    return false;
                }
                break;
            }
            case STRB_reg:
            case STRH_reg:
            case STRW_reg:
            case STRX_reg:
            case LDRB_reg:
            case LDRH_reg:
            case LDRW_reg:
            case LDRSW_reg:
            case LDRX_reg: {
                int option = bits(w, 13, 3);
                if ((option & 2) == 0) {
                    halt(StopKind.UNDEFINED, w, w);
                    return false;
                }
                int size = row.encoding().scale();
                long off = extend(rz(rm), option) << (bits(w, 12, 1) == 1 ? Integer.numberOfTrailingZeros(size) : 0);
                long address = x[rn] + off;
                boolean ok = row.name().startsWith("ST") ? store(address, size, rz(rd))
                        : load(rd, address, size, row == A64.LDRSW_reg, true);
                if (!ok) {
                    return false;
                }
                break;
            }
            case STURB:
            case STURH:
            case STURW:
            case STURX:
            case LDURB:
            case LDURH:
            case LDURW:
            case LDURX: {
                int size = row.encoding().scale();
                long address = x[rn] + sext(bits(w, 12, 9), 9);
                boolean ok = row.name().startsWith("ST") ? store(address, size, rz(rd)) : load(rd, address, size, false, true);
                if (!ok) {
                    return false;
                }
                break;
            }
            case LDRW_lit:
            case LDRX_lit:
            case LDRSW_lit: {
                long address = pc + (sext(bits(w, 5, 19), 19) << 2);
                if (!load(rd, address, row.encoding().scale(), row == A64.LDRSW_lit, true)) {
                    return false;
                }
                break;
            }
            case STPW_off:
            case LDPW_off:
            case STPW_pre:
            case LDPW_pre:
            case STPW_post:
            case LDPW_post:
            case LDPSW_off: {
                long off = sext(bits(w, 15, 7), 7) * 4;
                int rt2 = (w >>> 10) & 31;
                boolean post = row == A64.STPW_post || row == A64.LDPW_post;
                boolean writeback = post || row == A64.STPW_pre || row == A64.LDPW_pre;
                boolean isLoad = row.name().startsWith("LD");
                long address = post ? x[rn] : x[rn] + off;
                if (isLoad) {
                    long a = bus.read(address, 4);
                    long b = bus.read(address + 4, 4);
                    if (bus.faulted()) {
                        halt(StopKind.ABORT, 0, address);
                        return false;
                    }
                    if (row == A64.LDPSW_off) {
                        a = (long) (int) a;
                        b = (long) (int) b;
                    }
                    wz(rd, a, true);
                    wz(rt2, b, true);
                } else if (!store(address, 4, rz(rd)) || !store(address + 4, 4, rz(rt2))) {
                    return false;
                }
                if (writeback) {
                    x[rn] = x[rn] + off;
                }
                break;
            }
            case LDXR_w:
            case LDXR_x:
            case LDAXR_w:
            case LDAXR_x:
            case LDAR_w:
            case LDAR_x: {
                int size = row.encoding().scale();
                long address = x[rn];
                if ((address & (size - 1)) != 0) {
                    halt(StopKind.ALIGNMENT, w, address);
                    return false;
                }
                if (!load(rd, address, size, false, true)) {
                    return false;
                }
                if (row != A64.LDAR_w && row != A64.LDAR_x) {
                    exclusiveAddress = address;
                    exclusiveSize = size;
                }
                break;
            }
            case STXR_w:
            case STXR_x:
            case STLXR_w:
            case STLXR_x: {
                int size = row.encoding().scale();
                long address = x[rn];
                if ((address & (size - 1)) != 0) {
                    halt(StopKind.ALIGNMENT, w, address);
                    return false;
                }
                boolean pass = exclusiveAddress == address && exclusiveSize == size;
                exclusiveAddress = -1;
                if (pass && !store(address, size, rz(rd))) {
                    return false;
                }
                wz(rm, pass ? 0 : 1, false);
                break;
            }
            case STLR_w:
            case STLR_x: {
                int size = row.encoding().scale();
                long address = x[rn];
                if ((address & (size - 1)) != 0) {
                    halt(StopKind.ALIGNMENT, w, address);
                    return false;
                }
                if (!store(address, size, rz(rd))) {
                    return false;
                }
                break;
            }
            case STRX_pre:
            case LDRX_pre:
            case STRX_post:
            case LDRX_post: {
                long off = sext(bits(w, 12, 9), 9);
                boolean pre = row == A64.STRX_pre || row == A64.LDRX_pre;
                long address = pre ? x[rn] + off : x[rn];
                boolean ok = row == A64.STRX_pre || row == A64.STRX_post ? store(address, 8, rz(rd)) : load(rd, address, 8, false, true);
                if (!ok) {
                    return false;
                }
                if (!(rd == rn && rn != 31 && (row == A64.LDRX_pre || row == A64.LDRX_post))) {
                    x[rn] = x[rn] + off;
                }
                break;
            }
            case STP_off:
            case LDP_off:
            case STP_pre:
            case LDP_pre:
            case STP_post:
            case LDP_post: {
                long off = sext(bits(w, 15, 7), 7) * 8;
                int rt2 = (w >>> 10) & 31;
                boolean post = row == A64.STP_post || row == A64.LDP_post;
                boolean writeback = post || row == A64.STP_pre || row == A64.LDP_pre;
                boolean isLoad = row == A64.LDP_off || row == A64.LDP_pre || row == A64.LDP_post;
                long address = post ? x[rn] : x[rn] + off;
                if (isLoad) {
                    long a = bus.read(address, 8);
                    long b = bus.read(address + 8, 8);
                    if (bus.faulted()) {
                        halt(StopKind.ABORT, 0, address);
                        return false;
                    }
                    wz(rd, a, true);
                    wz(rt2, b, true);
                } else {
                    long a = rz(rd);
                    long b = rz(rt2);
                    if (!store(address, 8, a) || !store(address + 8, 8, b)) {
                        return false;
                    }
                }
                if (writeback) {
                    x[rn] = x[rn] + off;
                }
                break;
            }
            default:
                halt(StopKind.UNDEFINED, w, w);
                return false;
        }
        pc = next;
        return true;
    }


    private void setLogicFlags(long r, boolean is64) {
        n = (int) (is64 ? r >>> 63 : (r >>> 31) & 1);
        z = r == 0 ? 1 : 0;
        c = 0;
        v = 0;
    }

    private static long rotateRight(long value, int amount, int width) {
        if (width == 64) {
            return Long.rotateRight(value, amount);
        }
        return Integer.rotateRight((int) value, amount) & 0xFFFF_FFFFL;
    }
}

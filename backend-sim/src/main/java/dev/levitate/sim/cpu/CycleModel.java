package dev.levitate.sim.cpu;

import dev.levitate.a64.A64;
import dev.levitate.a64.Encoding;
import dev.levitate.a64.Field;

/**
 * The cycles each instruction and event costs: a timing model of an in-order, dual-issue,
 * Cortex-A53-like core. The cycle count it returns is the simulator's clock, and so the timer's.
 *
 * <h2>Parameters</h2>
 * All of them, in one place (docs/cycle-model.md repeats this table and explains the sources: Arm's
 * Cortex-A53 TRM and the Cortex-A53 pipeline description Arm contributed to GCC, cortex-a53.md):
 * <table>
 *   <caption>Cycle-model parameters</caption>
 *   <tr><th>constant</th><th>value</th><th>meaning</th></tr>
 *   <tr><td>{@link #ISSUE_WIDTH}</td><td>2</td><td>instructions issued per cycle, in order</td></tr>
 *   <tr><td>{@link #ALU}</td><td>1</td><td>latency of ALU, logical, move, ADR(P), CSEL, CLZ/RBIT/REV, CCMP</td></tr>
 *   <tr><td>{@link #ALU_SHIFTED}</td><td>2</td><td>latency with a shifted or extended register operand, bitfield
 *       moves (LSL/LSR/ASR #imm, UBFX, SXTW …), EXTR, variable shifts</td></tr>
 *   <tr><td>{@link #MUL_W}</td><td>3</td><td>MUL/MADD/MSUB (32-bit), SMADDL/UMADDL/…; the multiplier is pipelined</td></tr>
 *   <tr><td>{@link #MUL_X}</td><td>4</td><td>MUL/MADD/MSUB (64-bit)</td></tr>
 *   <tr><td>{@link #MULH}</td><td>5</td><td>SMULH/UMULH</td></tr>
 *   <tr><td>{@link #DIV_W}</td><td>12</td><td>UDIV/SDIV (32-bit): latency, and the cycles the iterative divider stays busy</td></tr>
 *   <tr><td>{@link #DIV_X}</td><td>20</td><td>UDIV/SDIV (64-bit), likewise (worst cases: the model does not see operand values)</td></tr>
 *   <tr><td>{@link #LOAD_USE}</td><td>3</td><td>load to use, every load form, both registers of LDP, exclusive and atomic results</td></tr>
 *   <tr><td>{@link #LDP_X_BUSY}</td><td>2</td><td>cycles LDP of X registers holds the load/store unit (64 bits per cycle)</td></tr>
 *   <tr><td>{@link #ATOMIC_BUSY}</td><td>2</td><td>cycles CAS and the LSE atomics hold the load/store unit (a read and a write)</td></tr>
 *   <tr><td>{@link #LATE_READ}</td><td>1</td><td>how much later a store reads its data, and a conditional branch its flags or
 *       register, than other operands are read (A53's forwarding into those stages)</td></tr>
 *   <tr><td>{@link #MISPREDICT}</td><td>8</td><td>cycles lost when a branch was mispredicted</td></tr>
 *   <tr><td>{@link #CONDITIONAL_ENTRIES}</td><td>512</td><td>two-bit counters of the bimodal predictor (static
 *       backward-taken/forward-not-taken on first sight)</td></tr>
 *   <tr><td>{@link #RETURN_ENTRIES}</td><td>8</td><td>return-stack entries</td></tr>
 *   <tr><td>{@link #INDIRECT_ENTRIES}</td><td>64</td><td>last-target entries for BR/BLR</td></tr>
 *   <tr><td>{@link #BARRIER}</td><td>8</td><td>extra cycles after DMB/DSB/ISB (a pipeline refill)</td></tr>
 *   <tr><td>{@link #EXCEPTION_ENTRY}</td><td>12</td><td>taking an exception (flush, vector fetch)</td></tr>
 *   <tr><td>{@link #EXCEPTION_RETURN}</td><td>8</td><td>extra cycles after ERET (a pipeline refill)</td></tr>
 *   <tr><td>{@link #TLBI_COST}</td><td>8</td><td>a TLB invalidation</td></tr>
 *   <tr><td>{@link #WALK_READ}</td><td>20</td><td>one descriptor read of a table walk (charged through the MMU)</td></tr>
 * </table>
 *
 * <h2>Pairing (dual issue)</h2>
 * An instruction issues in the same cycle as the one before it when all of these hold: that one
 * issued in the cycle just ended and left its second slot open (it was not single-issue, not a
 * taken branch, not mispredicted); neither is single-issue (system instructions, barriers,
 * exclusives and acquire/release, atomics, LDP of X registers, exception generating); they do not
 * both need the load/store unit, both the multiply/divide unit, or both be branches; and every
 * operand of the second is ready in that cycle, which rules out depending on the first (ALU results
 * are ready a cycle later), except through the late reads above: an ALU op can pair with the store
 * of its result and a flag-setting op with the conditional branch on its flags.
 *
 * <h2>Notation and state</h2>
 * <pre>
 *   now         the core's cycle count when an instruction retires: the cycle it may issue in, unless
 *               it pairs with the previous one (which issued in now - 1)
 *   ready[r]    the first cycle in which an instruction reading r may issue; r = 0..30 the X
 *               registers, 31 SP, 32 XZR (always 0), 33 a sink for writes to XZR, 34 NZCV
 *   busy[u]     the first cycle unit u (load/store, multiplier, divider) accepts an instruction;
 *               busy[0] stands for "no unit" and never exceeds the last issue cycle
 *   v           a row's variant: id &lt;&lt; 1 | one bit of the word that changes its timing (sf of
 *               MADD/UDIV, store-vs-load of the general load/store rows, a non-zero shift amount)
 * </pre>
 *
 * <h2>Retiring an instruction ({@link #retire})</h2>
 * <ol>
 *   <li>Once per decoded word ({@link #describe}): pick the variant; look up its flags, latency and
 *       unit occupancy (primitive arrays, built once from the {@link A64} table: which of Rd, Rn, Rm,
 *       Ra a row reads and writes, whether 31 means SP or XZR), and pack the scoreboard slots it
 *       reads and writes, with those numbers, into one long. Per retired instruction the model reads
 *       that long: no decoding and no branch per operand (an unused source reads the always-ready
 *       XZR slot, an unused result writes the sink).</li>
 *   <li>need = the latest ready[] over the operands read (late reads one cycle early) and busy[] of
 *       its unit.</li>
 *   <li>If it can pair, it issues in now - 1; else in max(now, need). Cycles between now and issue
 *       are stalls.</li>
 *   <li>Write ready[] of the registers written (issue + latency; base writeback and BL's X30:
 *       issue + {@link #ALU}) and busy[] of the unit.</li>
 *   <li>Branches consult the {@link BranchPredictor}; a misprediction adds {@link #MISPREDICT}.</li>
 *   <li>Return the new count: issue + 1 (+ penalty or refill), never less than now.</li>
 * </ol>
 * Cycles added by others (table walks, exception entry, WFI) move now forward: ready[] and busy[]
 * are absolute cycles, so they simply stop mattering, and nothing pairs across such a gap.
 *
 * <h2>Determinism and cost</h2>
 * The state depends only on the instructions retired, their words, addresses and outcomes, so the
 * same image gives the same cycles on every run. Per instruction: a handful of array loads and
 * compares, no allocation.
 *
 * <h2>What it leaves out</h2>
 * Caches (every access hits), the fetch and decode stages (fetch never starves issue), the store
 * buffer, data-dependent divide times, and forwarding subtleties finer than one cycle (the
 * multiply-accumulate forwarding path, which operand of a shifted-register op is shifted).
 */
final class CycleModel {
    /** Instructions issued per cycle. */
    static final int ISSUE_WIDTH = 2;
    /** Latency of simple integer operations. */
    static final int ALU = 1;
    /** Latency of operations with a shifted or extended register, bitfield moves, EXTR, variable shifts. */
    static final int ALU_SHIFTED = 2;
    /** Latency of 32-bit and widening multiplies. */
    static final int MUL_W = 3;
    /** Latency of 64-bit multiplies. */
    static final int MUL_X = 4;
    /** Latency of SMULH/UMULH. */
    static final int MULH = 5;
    /** Latency and divider occupancy of a 32-bit divide. */
    static final int DIV_W = 12;
    /** Latency and divider occupancy of a 64-bit divide. */
    static final int DIV_X = 20;
    /** Load-to-use latency. */
    static final int LOAD_USE = 3;
    /** Cycles an LDP of X registers holds the load/store unit. */
    static final int LDP_X_BUSY = 2;
    /** Cycles an atomic holds the load/store unit. */
    static final int ATOMIC_BUSY = 2;
    /** How much later store data and conditional-branch operands are read. */
    static final int LATE_READ = 1;
    /** Cycles lost to a mispredicted branch. */
    static final int MISPREDICT = 8;
    /** Two-bit counters of the conditional predictor. */
    static final int CONDITIONAL_ENTRIES = 512;
    /** Return-stack entries. */
    static final int RETURN_ENTRIES = 8;
    /** Last-target entries for indirect branches. */
    static final int INDIRECT_ENTRIES = 64;
    /** Extra cycles after a barrier. */
    static final int BARRIER = 8;
    /** Cycles to take an exception. */
    static final int EXCEPTION_ENTRY = 12;
    /** Extra cycles after ERET. */
    static final int EXCEPTION_RETURN = 8;
    /** Cycles of a TLB invalidation. */
    static final int TLBI_COST = 8;
    /** Cycles per descriptor read during a table walk. */
    static final int WALK_READ = 20;

    // ---- the flags of a variant (one int each)
    private static final int READ_D = 1;
    private static final int READ_N = 1 << 1;
    private static final int READ_M = 1 << 2;
    private static final int READ_A = 1 << 3;
    private static final int WRITE_D = 1 << 4;
    private static final int WRITE_N = 1 << 5;
    private static final int WRITE_M = 1 << 6;
    private static final int WRITE_A = 1 << 7;
    private static final int READ_FLAGS = 1 << 8;
    private static final int WRITE_FLAGS = 1 << 9;
    private static final int WRITE_LR = 1 << 10;
    /** Rd, Ra and the flags are read {@link #LATE_READ} late (store data, branch conditions). */
    private static final int LATE = 1 << 11;
    /** Register 31 in Rd means SP (else XZR). */
    private static final int SP_D = 1 << 12;
    /** Register 31 in Rn means SP (else XZR). */
    private static final int SP_N = 1 << 13;
    private static final int SINGLE = 1 << 14;
    private static final int USES_LS = 1 << 15;
    private static final int USES_MAC = 1 << 16;
    private static final int USES_BRANCH = 1 << 17;
    private static final int PAIR_RESOURCES = USES_LS | USES_MAC | USES_BRANCH;
    /** The branch kind, in three bits from {@link #BRANCH_SHIFT}. */
    private static final int BRANCH_SHIFT = 18;
    private static final int BRANCH_WIDTH = 3;
    private static final int BRANCH_MASK = (1 << BRANCH_WIDTH) - 1;
    private static final int NOT_BRANCH = 0;
    private static final int DIRECT = 1;
    private static final int CONDITIONAL = 2;
    private static final int INDIRECT = 3;
    private static final int RETURN = 4;
    /** The unit whose busy[] the variant checks and sets, in two bits from {@link #UNIT_SHIFT}. */
    private static final int UNIT_SHIFT = BRANCH_SHIFT + BRANCH_WIDTH;
    private static final int UNIT_WIDTH = 2;
    private static final int UNIT_MASK = (1 << UNIT_WIDTH) - 1;
    private static final int NO_UNIT = 0;
    private static final int LS_UNIT = 1;
    private static final int MAC_UNIT = 2;
    private static final int DIV_UNIT = 3;

    // ---- the word bit that selects a row's variant
    private static final int SEL_NONE = 0;
    private static final int SEL_SF = 1;
    private static final int SEL_STORE = 2;
    private static final int SEL_SHIFTED = 3;
    /**
     * A selector packed for the hot path: variant bit = ((word &gt;&gt;&gt; shift) &amp; mask) != 0, XOR invert.
     * Bits [4:0] shift, [11:5] mask, [12] invert; mask 0 (SEL_NONE) always gives variant 0.
     */
    private static final int SELECT_SHIFT_WIDTH = 5;
    private static final int SELECT_SHIFT_MASK = (1 << SELECT_SHIFT_WIDTH) - 1;
    private static final int SELECT_MASK_SHIFT = SELECT_SHIFT_WIDTH;
    private static final int SELECT_MASK_WIDTH = 7;
    private static final int SELECT_INVERT_SHIFT = SELECT_MASK_SHIFT + SELECT_MASK_WIDTH;

    // ---- scoreboard indices beyond the 31 X registers
    private static final int SP_INDEX = 31;
    private static final int ZR = 32;
    private static final int SINK = 33;
    private static final int FLAGS = 34;

    private static final int REG_MASK = 31;
    private static final int LINK_REGISTER = 30;

    // ---- field positions, derived from the table (and checked against every row in build())
    private static final int RD_SHIFT = shiftOf(A64.MADD.encoding(), Field.RD);
    private static final int RN_SHIFT = shiftOf(A64.MADD.encoding(), Field.RN);
    private static final int RM_SHIFT = shiftOf(A64.MADD.encoding(), Field.RM);
    private static final int RA_SHIFT = shiftOf(A64.MADD.encoding(), Field.RA);
    private static final int SF_SHIFT = shiftOf(A64.MADD.encoding(), Field.SF);
    private static final int SHIFT_AMOUNT_SHIFT = shiftOf(A64.ADD_shift.encoding(), Field.IMM);
    private static final int SHIFT_AMOUNT_MASK = (1 << A64.ADD_shift.encoding().width(Field.IMM)) - 1;
    private static final int LDST_OPC_SHIFT = shiftOf(A64.LDST_uimm.encoding(), Field.LDST_OPC);
    private static final int LDST_OPC_MASK = (1 << A64.LDST_uimm.encoding().width(Field.LDST_OPC)) - 1;

    private static final int ROWS = A64.values().length;
    /** Per row: the packed selector of its variant bit (see SELECT_SHIFT_WIDTH). */
    private static final int[] SELECT = new int[ROWS];
    /** Per row: the bit that holds the sign of a conditional branch's offset, or -1. */
    private static final byte[] SIGN_BIT = new byte[ROWS];
    /** Per variant: flags, result latency, unit occupancy, extra cycles after issue. */
    private static final int[] FLAGS_OF = new int[2 * ROWS];
    private static final byte[] LATENCY = new byte[2 * ROWS];
    private static final byte[] OCCUPANCY = new byte[2 * ROWS];
    private static final byte[] AFTER = new byte[2 * ROWS];

    static {
        for (A64 r : A64.values()) {
            build(r);
        }
        for (int v = 0; v < 2 * ROWS; v++) {
            checkFitsDescriptor(v);
        }
    }

    /** Every variant's operands, results and counts fit the fixed fields of a timing descriptor. */
    private static void checkFitsDescriptor(int v) {
        final int f = FLAGS_OF[v];
        final int reads = Integer.bitCount(f & (READ_N | READ_M | READ_A | READ_D | READ_FLAGS));
        final int results = Integer.bitCount(f & (WRITE_D | WRITE_A | WRITE_M | WRITE_FLAGS));
        final int early = Integer.bitCount(f & (WRITE_N | WRITE_LR));
        if (reads > 3 || results > 2 || early > 1 || LATENCY[v] > 31 || OCCUPANCY[v] > 31 || AFTER[v] > 15) {
            throw new IllegalStateException(A64.values()[v >> 1] + " variant " + (v & 1) + " does not fit a timing descriptor: "
                    + reads + " sources, " + results + " results, " + early + " early results, latency " + LATENCY[v]
                    + ", occupancy " + OCCUPANCY[v] + ", after " + AFTER[v]);
        }
    }

    // ---- a timing descriptor: one long per decoded instruction ({@link #describe}), so that
    // retire() reads its operands and results by index arithmetic instead of decoding the word.
    // Unused sources point at the always-ready ZR slot, unused results at the SINK slot.
    private static final int SLOT_BITS = 6;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    /**
     * Three source slots at bits 0, 6 and 12; at 18, 19 and 20 how much earlier each may be ready
     * (0 or {@link #LATE_READ}: one bit each, so LATE_READ must be 1; the static check says so).
     */
    private static final int SOURCES = 3;
    private static final int LATE_AT = SOURCES * SLOT_BITS;
    /** Two results ready at issue + latency (bits 21, 27), one at issue + {@link #ALU} (bit 33). */
    private static final int DONE_AT = LATE_AT + SOURCES;
    private static final int RESULTS = 2;
    private static final int EARLY_AT = DONE_AT + RESULTS * SLOT_BITS;
    private static final int LATENCY_AT = EARLY_AT + SLOT_BITS;
    private static final int LATENCY_BITS = 5;
    private static final int OCCUPANCY_AT = LATENCY_AT + LATENCY_BITS;
    private static final int OCCUPANCY_BITS = 5;
    private static final int AFTER_AT = OCCUPANCY_AT + OCCUPANCY_BITS;
    private static final int AFTER_BITS = 4;
    private static final int UNIT_AT = AFTER_AT + AFTER_BITS;
    /**
     * What an instruction cannot share an issue cycle with, four bits: the load/store unit, the
     * multiply/divide unit, the branch unit, and "single issue", which the first of a pair always
     * claims so that a single-issue instruction never pairs as the second.
     */
    private static final int RESOURCES_AT = UNIT_AT + UNIT_WIDTH;
    private static final int RESOURCE_SHIFT = Integer.numberOfTrailingZeros(USES_LS);
    private static final int SINGLE_RESOURCE = 1 << 3;
    private static final int KIND_AT = RESOURCES_AT + 4;
    /** A conditional branch whose offset is negative (static prediction: taken). */
    private static final int BACKWARD_AT = KIND_AT + BRANCH_WIDTH;
    private static final int LINK_AT = BACKWARD_AT + 1;
    private static final long KIND_BITS = (long) BRANCH_MASK << KIND_AT;
    /** {@link #openIssue} when no instruction can pair with the last one. */
    static final long CLOSED = Long.MIN_VALUE;
    /** The layout of the scoreboard ({@link #ready}) beyond the registers: not parameters of the model. */
    static final class Board {
        /** Where busy[] of the four units starts. */
        static final int BUSY = 40;
        /** The slot of the always-ready zero register. */
        static final int ZERO = ZR;
        /** The slot that unused results and writes to XZR go to (never read). */
        static final int DISCARD = SINK;

        private Board() {
        }
    }

    static {
        if (LINK_AT >= Long.SIZE || LATE_READ != 1 || Board.BUSY + UNIT_MASK > SLOT_MASK || Board.BUSY <= FLAGS || (USES_BRANCH >>> RESOURCE_SHIFT) != 4 || (USES_MAC >>> RESOURCE_SHIFT) != 2) {
            throw new IllegalStateException("the timing descriptor's fields do not fit its layout");
        }
    }


    /**
     * The scoreboard: ready[] at slots 0..34 (X0..X30, SP, XZR, the sink, NZCV) and busy[] of the
     * units at {@link Board#BUSY}..BUSY+3, indexed by a descriptor's 6-bit fields (64 entries).
     */
    final long[] ready = new long[1 << SLOT_BITS];
    private final BranchPredictor predictor = new BranchPredictor();
    /** The cycle the last instruction issued in if its second slot is still open, else {@link #CLOSED}. */
    long openIssue = CLOSED;
    /** The resources of the first instruction of the open pair, with {@link #SINGLE_RESOURCE}. */
    int firstResources;
    long pairs;
    private long mispredicts;

    CycleModel(CpuConfig config) {
        // the parameters are fixed; the configuration is for later variants (other cores)
    }

    /**
     * The timing descriptor of one instruction: its variant's operands and results as scoreboard
     * slots, latency, unit occupancy, pairing class and branch kind, packed in a long. Computed
     * once, when the word is decoded (the {@link DecodeCache} keeps it beside the word).
     *
     * @param id its row (an {@link A64} ordinal)
     * @param word the instruction
     * @return the descriptor {@link #retire} takes
     */
    static long describe(int id, int word) {
        final int sel = SELECT[id];
        final int bits = (word >>> (sel & SELECT_SHIFT_MASK)) & (sel >>> SELECT_MASK_SHIFT);
        final int v = (id << 1) | ((bits != 0 ? 1 : 0) ^ ((sel >>> SELECT_INVERT_SHIFT) & 1));
        final int f = FLAGS_OF[v];
        final int late = (f & LATE) != 0 ? 1 : 0;
        // sources in the order n, m (early), a, d, flags (late when the row says so); unused: XZR
        long t = (long) ZR | (long) ZR << SLOT_BITS | (long) ZR << (2 * SLOT_BITS);
        int sources = 0;
        if ((f & READ_N) != 0) {
            t = withField(t, sources++ * SLOT_BITS, source(word >>> RN_SHIFT, f & SP_N));
        }
        if ((f & READ_M) != 0) {
            t = withField(t, sources++ * SLOT_BITS, source(word >>> RM_SHIFT, 0));
        }
        if ((f & READ_A) != 0) {
            t |= (long) late << (LATE_AT + sources);
            t = withField(t, sources++ * SLOT_BITS, source(word >>> RA_SHIFT, 0));
        }
        if ((f & READ_D) != 0) {
            t |= (long) late << (LATE_AT + sources);
            t = withField(t, sources++ * SLOT_BITS, source(word >>> RD_SHIFT, f & SP_D));
        }
        if ((f & READ_FLAGS) != 0) {
            t |= (long) late << (LATE_AT + sources);
            t = withField(t, sources * SLOT_BITS, FLAGS);
        }
        // results at issue + latency, in the order the scoreboard is written: d, a, m, flags; unused: the sink
        t |= (long) SINK << DONE_AT | (long) SINK << (DONE_AT + SLOT_BITS);
        int results = 0;
        if ((f & WRITE_D) != 0) {
            t = withField(t, DONE_AT + results++ * SLOT_BITS, destination(word >>> RD_SHIFT, f & SP_D));
        }
        if ((f & WRITE_A) != 0) {
            t = withField(t, DONE_AT + results++ * SLOT_BITS, destination(word >>> RA_SHIFT, 0));
        }
        if ((f & WRITE_M) != 0) {
            t = withField(t, DONE_AT + results++ * SLOT_BITS, destination(word >>> RM_SHIFT, 0));
        }
        if ((f & WRITE_FLAGS) != 0) {
            t = withField(t, DONE_AT + results * SLOT_BITS, FLAGS);
        }
        // the one result at issue + ALU, written last: base writeback or the link register
        final int early = (f & WRITE_N) != 0 ? destination(word >>> RN_SHIFT, f & SP_N) : (f & WRITE_LR) != 0 ? LINK_REGISTER : SINK;
        t |= (long) early << EARLY_AT;
        t |= (long) LATENCY[v] << LATENCY_AT | (long) OCCUPANCY[v] << OCCUPANCY_AT | (long) AFTER[v] << AFTER_AT;
        t |= (long) ((f >>> UNIT_SHIFT) & UNIT_MASK) << UNIT_AT;
        t |= (long) ((f & PAIR_RESOURCES) >>> RESOURCE_SHIFT | ((f & SINGLE) != 0 ? SINGLE_RESOURCE : 0)) << RESOURCES_AT;
        t |= (long) ((f >>> BRANCH_SHIFT) & BRANCH_MASK) << KIND_AT;
        t |= (long) (SIGN_BIT[id] >= 0 ? (word >>> SIGN_BIT[id]) & 1 : 0) << BACKWARD_AT;
        t |= (long) ((f & WRITE_LR) != 0 ? 1 : 0) << LINK_AT;
        return t;
    }

    /**
     * Accounts for one retired instruction.
     *
     * @param now the cycle count before it
     * @param t its {@link #describe timing descriptor}
     * @param va its virtual address (the branch predictor's index)
     * @param nextPc the PC after it (where a branch went)
     * @return the cycle count after it
     */
    long retire(long now, long t, long va, long nextPc) {
        final long end = issue(now, t);
        return Math.max(now, (t & KIND_BITS) == 0 || !mispredicted(t, va, nextPc) ? end : end + MISPREDICT);
    }

    /**
     * Steps 2 to 4 and 6 of {@link #retire}: issues one instruction and marks its results, without
     * the branch predictor.
     *
     * @param now the cycle count before it
     * @param t its {@link #describe timing descriptor}
     * @return issue + 1 + the cycles it adds after issue (before any misprediction penalty)
     */
    long issue(long now, long t) {
        final long[] r = ready;
        final int unit = (int) (t >>> UNIT_AT) & UNIT_MASK;
        // operands: a late read (store data, branch condition) may be ready LATE_READ later
        long need = Math.max(r[(int) t & SLOT_MASK] - ((t >>> LATE_AT) & 1), r[(int) (t >>> SLOT_BITS) & SLOT_MASK] - ((t >>> (LATE_AT + 1)) & 1));
        need = Math.max(Math.max(need, r[(int) (t >>> (2 * SLOT_BITS)) & SLOT_MASK] - ((t >>> (LATE_AT + 2)) & 1)), r[Board.BUSY + unit]);
        final int resources = (int) (t >>> RESOURCES_AT) & 15;
        final long issue;
        if (openIssue == now - 1 && need <= openIssue && (resources & firstResources) == 0) {
            issue = openIssue;
            openIssue = CLOSED;
            pairs++;
        } else {
            issue = Math.max(now, need);
            openIssue = (resources & SINGLE_RESOURCE) == 0 ? issue : CLOSED;
            firstResources = resources | SINGLE_RESOURCE;
        }
        final long done = issue + ((t >>> LATENCY_AT) & ((1 << LATENCY_BITS) - 1));
        r[(int) (t >>> DONE_AT) & SLOT_MASK] = done;
        r[(int) (t >>> (DONE_AT + SLOT_BITS)) & SLOT_MASK] = done;
        r[(int) (t >>> EARLY_AT) & SLOT_MASK] = issue + ALU;
        r[Board.BUSY + unit] = issue + ((t >>> OCCUPANCY_AT) & ((1 << OCCUPANCY_BITS) - 1));
        return issue + 1 + ((t >>> AFTER_AT) & ((1 << AFTER_BITS) - 1));
    }

    /**
     * Step 5 of {@link #retire} for a branch that has issued: predicts it, trains the predictor,
     * and closes the issue group if it was taken or mispredicted.
     *
     * @param t the branch's {@link #describe timing descriptor}
     * @param va its virtual address
     * @param nextPc where it went
     * @return whether it was mispredicted (the caller adds {@link #MISPREDICT})
     */
    boolean mispredicted(long t, long va, long nextPc) {
        final boolean taken = nextPc != va + 4;
        final boolean wrong;
        switch ((int) (t >>> KIND_AT) & BRANCH_MASK) {
            case CONDITIONAL:
                wrong = predictor.conditional(va, ((t >>> BACKWARD_AT) & 1) != 0, taken);
                break;
            case RETURN:
                wrong = predictor.ret(va, nextPc);
                break;
            case INDIRECT:
                wrong = predictor.indirect(va, nextPc);
                break;
            default:
                wrong = false;
                break;
        }
        if (((t >>> LINK_AT) & 1) != 0) {
            predictor.call(va + 4);
        }
        if (taken || wrong) {
            openIssue = CLOSED; // a taken branch ends the issue group
        }
        if (wrong) {
            mispredicts++;
        }
        return wrong;
    }

    /** {@code t} with the 6-bit slot field at bit {@code at} set to {@code slot} (checkFitsDescriptor bounds the fields). */
    private static long withField(long t, int at, int slot) {
        return t & ~((long) SLOT_MASK << at) | (long) slot << at;
    }

    /**
     * Whether the branch {@code t} at {@code va}, taken, is predicted taken and leaves the predictor
     * exactly as it is: a direct branch without a link, or a conditional one whose counter is
     * saturated at strongly taken. {@link #mispredicted} would then change nothing but close the
     * issue group.
     *
     * @param t the branch's {@link #describe timing descriptor}
     * @param va its virtual address
     * @return true if retiring it taken again needs no predictor update
     */
    boolean takenAsBefore(long t, long va) {
        if (((t >>> LINK_AT) & 1) != 0) {
            return false;
        }
        switch ((int) (t >>> KIND_AT) & BRANCH_MASK) {
            case DIRECT:
                return true;
            case CONDITIONAL:
                return predictor.stronglyTaken(va);
            default:
                return false;
        }
    }

    /** Whether a descriptor is a branch's (its timing depends on the predictor). */
    static boolean isBranch(long t) {
        return (t & KIND_BITS) != 0;
    }

    /** The board slot a descriptor's source {@code i} (0..2) reads; {@link Board#ZERO} when unused. */
    static int sourceSlot(long t, int i) {
        return (int) (t >>> (i * SLOT_BITS)) & SLOT_MASK;
    }

    /** The board slot of a descriptor's result {@code i} (0, 1: at issue + latency; 2: at issue + ALU). */
    static int resultSlot(long t, int i) {
        return (int) (t >>> (DONE_AT + i * SLOT_BITS)) & SLOT_MASK;
    }

    /** The board slot of the busy[] entry a descriptor reads and writes. */
    static int unitSlot(long t) {
        return Board.BUSY + ((int) (t >>> UNIT_AT) & UNIT_MASK);
    }

    /** How much earlier than its ready[] cycle a descriptor's source {@code i} (0..2) may be read: 0 or {@link #LATE_READ}. */
    static int lateRead(long t, int i) {
        return (int) (t >>> (LATE_AT + i)) & 1;
    }

    /** A descriptor's latency: its results at slots 0 and 1 are ready at issue + this. */
    static int latency(long t) {
        return (int) (t >>> LATENCY_AT) & ((1 << LATENCY_BITS) - 1);
    }

    /** How long a descriptor keeps its unit busy: busy[] becomes issue + this. */
    static int occupancy(long t) {
        return (int) (t >>> OCCUPANCY_AT) & ((1 << OCCUPANCY_BITS) - 1);
    }

    /** The cycles a descriptor adds after its issue cycle (the time is then issue + 1 + this). */
    static int after(long t) {
        return (int) (t >>> AFTER_AT) & ((1 << AFTER_BITS) - 1);
    }

    /**
     * What a descriptor cannot share an issue cycle with, as {@link #issue} compares it with the
     * first of an open pair ({@link #firstResources}); {@link #SINGLE_RESOURCE} set means it never
     * issues second.
     */
    static int resources(long t) {
        return (int) (t >>> RESOURCES_AT) & 15;
    }

    /** What {@link #firstResources} becomes when a descriptor issues first of a group. */
    static int asFirst(long t) {
        return resources(t) | SINGLE_RESOURCE;
    }

    /** Whether a descriptor issues alone (nothing may pair with it as its second). */
    static boolean issuesAlone(long t) {
        return (resources(t) & SINGLE_RESOURCE) != 0;
    }

    /** Whether a descriptor has a link (BL, BLR: the predictor's return stack is pushed). */
    static boolean links(long t) {
        return ((t >>> LINK_AT) & 1) != 0;
    }

    /**
     * The fixed cost per row of {@link CpuConfig.Timing#FIXED}: 1 for most instructions, 3 for
     * multiply-add, 5 for SMULH/UMULH, 12 for divides, 2 for pairs, exclusives and acquire/release.
     */
    static byte[] fixedCosts() {
        A64[] rows = A64.values();
        byte[] cost = new byte[rows.length];
        for (A64 r : rows) {
            String n = r.name();
            int c = 1;
            if (n.matches("MADD|MSUB|[SU]M(ADD|SUB)L")) {
                c = 3;
            } else if (n.matches("[SU]MULH")) {
                c = 5;
            } else if (n.matches("[SU]DIV")) {
                c = 12;
            } else if (n.matches("(LD|ST)P.*|LD[A]?XR.*|ST[L]?XR.*|LDAR.*|STLR.*|CAS|ATOMIC")) {
                c = 2;
            }
            cost[r.ordinal()] = (byte) c;
        }
        return cost;
    }

    /**
     * The cycles taken by exception entry; also closes the open issue slot (the pipeline is flushed).
     *
     * @return the cycles
     */
    int exceptionEntry() {
        openIssue = CLOSED;
        return EXCEPTION_ENTRY;
    }

    /**
     * The cycles taken by a TLB invalidation.
     *
     * @return the cycles
     */
    int tlbi() {
        return TLBI_COST;
    }

    /**
     * How many instructions issued as the second of a pair.
     *
     * @return the count since reset
     */
    long pairs() {
        return pairs;
    }

    /**
     * How many branches were mispredicted.
     *
     * @return the count since reset
     */
    long mispredicts() {
        return mispredicts;
    }

    /** The scoreboard index a register field reads: 31 is SP or XZR. */
    private static int source(int field, int sp) {
        final int reg = field & REG_MASK;
        return reg != REG_MASK ? reg : sp != 0 ? SP_INDEX : ZR;
    }

    /** The scoreboard index a register field writes: 31 is SP or the sink. */
    private static int destination(int field, int sp) {
        final int reg = field & REG_MASK;
        return reg != REG_MASK ? reg : sp != 0 ? SP_INDEX : SINK;
    }

    // ------------------------------------------------------------------ the per-row tables

    /** The lowest bit of a field, found by asking the encoding. */
    private static int shiftOf(Encoding e, Field f) {
        for (int b = 0; b < Integer.SIZE; b++) {
            if (e.get(1 << b, f) != 0) {
                return b;
            }
        }
        throw new IllegalStateException(e.name() + ": field " + f + " has no bits");
    }

    /** The highest bit of a field. */
    private static int topOf(Encoding e, Field f) {
        return shiftOf(e, f) + e.width(f) - 1;
    }

    private static void check(Encoding e, Field f, int expectedShift) {
        if (e.has(f) && shiftOf(e, f) != expectedShift) {
            throw new IllegalStateException(e.name() + ": " + f + " is not at bit " + expectedShift + "; the cycle model assumes it is");
        }
    }

    /** Classifies one row into its two variants (the A53 class of each is in the comments). */
    private static void build(A64 row) {
        final Encoding e = row.encoding();
        final String n = row.name();
        final String syntax = e.syntax();
        check(e, Field.RD, RD_SHIFT);
        check(e, Field.RN, RN_SHIFT);
        check(e, Field.RM, RM_SHIFT);
        check(e, Field.RA, RA_SHIFT);
        final int id = row.ordinal();
        final boolean memory = e.has(Field.RN) && (n.startsWith("LD") || n.startsWith("ST") || n.equals("CAS") || n.equals("ATOMIC"))
                || n.endsWith("_lit");
        int f = 0;
        int latency = ALU;
        int occupancy = 1;
        int after = 0;
        int selector = SEL_NONE;
        int latency1 = -1;
        int f1 = -1;
        SIGN_BIT[id] = -1;
        if (e.has(Field.RN)) {
            f |= READ_N;
        }
        if (e.has(Field.RM)) {
            f |= READ_M;
        }
        if (e.has(Field.RA)) {
            f |= READ_A;
        }
        if (e.has(Field.RD)) {
            f |= WRITE_D;
        }
        if (syntax.contains("{Rd|sp}")) {
            f |= SP_D;
        }
        if (syntax.contains("{Rn|sp}") || syntax.contains("{Xn|sp}") || memory) {
            f |= SP_N;
        }
        switch (n) {
            // ---- branches: no result but X30; conditions read late (flag forwarding to branches)
            case "B":
                f = USES_BRANCH | DIRECT << BRANCH_SHIFT;
                break;
            case "BL":
                f = USES_BRANCH | DIRECT << BRANCH_SHIFT | WRITE_LR;
                break;
            case "B_cond":
                f = USES_BRANCH | CONDITIONAL << BRANCH_SHIFT | READ_FLAGS | LATE;
                SIGN_BIT[id] = (byte) topOf(e, Field.IMM);
                break;
            case "CBZ":
            case "CBNZ":
            case "TBZ":
            case "TBNZ":
                f = USES_BRANCH | CONDITIONAL << BRANCH_SHIFT | READ_D | LATE;
                SIGN_BIT[id] = (byte) topOf(e, Field.IMM);
                break;
            case "BR":
                f = USES_BRANCH | INDIRECT << BRANCH_SHIFT | READ_N;
                break;
            case "BLR":
                f = USES_BRANCH | INDIRECT << BRANCH_SHIFT | READ_N | WRITE_LR;
                break;
            case "RET":
                f = USES_BRANCH | RETURN << BRANCH_SHIFT | READ_N;
                break;
            // ---- exception generating and system: single issue
            case "SVC":
            case "HVC":
            case "SMC":
            case "BRK":
            case "HLT":
            case "MSR_imm":
                f = SINGLE;
                break;
            case "HINT":
                f = 0; // NOP, YIELD, WFI …: an issue slot, no operands
                break;
            case "BARRIER":
                f = SINGLE;
                after = BARRIER;
                break;
            case "SYS":
            case "MSR_reg":
                f = SINGLE | READ_D;
                break;
            case "MRS":
                f = SINGLE | WRITE_D;
                break;
            case "ERET":
                f = SINGLE;
                after = EXCEPTION_RETURN;
                break;
            // ---- multiply and divide
            case "MADD":
            case "MSUB":
                f |= USES_MAC | MAC_UNIT << UNIT_SHIFT;
                latency = MUL_W;
                selector = SEL_SF;
                latency1 = MUL_X;
                break;
            case "SMADDL":
            case "SMSUBL":
            case "UMADDL":
            case "UMSUBL":
                f |= USES_MAC | MAC_UNIT << UNIT_SHIFT;
                latency = MUL_W;
                break;
            case "SMULH":
            case "UMULH":
                f |= USES_MAC | MAC_UNIT << UNIT_SHIFT;
                latency = MULH;
                break;
            case "UDIV":
            case "SDIV":
                f |= USES_MAC | DIV_UNIT << UNIT_SHIFT;
                latency = DIV_W;
                occupancy = DIV_W;
                selector = SEL_SF;
                latency1 = DIV_X;
                break;
            default:
                break;
        }
        if (memory) {
            final boolean atomic = n.equals("CAS") || n.equals("ATOMIC");
            final boolean pair = n.startsWith("LDP") || n.startsWith("STP") || n.startsWith("LDNP") || n.startsWith("STNP");
            final boolean ordered = n.contains("XR") || n.startsWith("LDAR") || n.startsWith("STLR");
            f |= USES_LS | LS_UNIT << UNIT_SHIFT;
            latency = LOAD_USE;
            if (n.endsWith("_pre") || n.endsWith("_post")) {
                f |= WRITE_N;
            }
            if (atomic || ordered) {
                f |= SINGLE;
            }
            if (atomic) {
                occupancy = ATOMIC_BUSY;
                if (n.equals("CAS")) {
                    f = (f & ~WRITE_D) | READ_D | WRITE_M; // compare Rs, store Rt, old value to Rs
                }
            } else if (n.startsWith("LDST_")) {
                selector = SEL_STORE; // variant 1: opc == 00, a store
                f1 = asStore(f);
                latency1 = LOAD_USE;
            } else if (n.startsWith("ST")) {
                f = asStore(f);
                if (n.startsWith("STXR") || n.startsWith("STLXR")) {
                    f = (f & ~READ_M) | WRITE_M; // Rs receives the status
                }
            } else if (pair) {
                f = (f & ~READ_A) | WRITE_A;
                if (e.scale() == Long.BYTES && !n.startsWith("LDPSW")) {
                    f |= SINGLE;
                    occupancy = LDP_X_BUSY;
                }
            }
        } else if (n.endsWith("_shift")) {
            selector = SEL_SHIFTED; // variant 1: a non-zero shift amount
            latency1 = ALU_SHIFTED;
        } else if (n.endsWith("_ext") || n.equals("SBFM") || n.equals("BFM") || n.equals("UBFM") || n.equals("EXTR")
                || n.equals("LSLV") || n.equals("LSRV") || n.equals("ASRV") || n.equals("RORV")) {
            latency = ALU_SHIFTED;
        }
        if (n.equals("MOVK") || n.equals("BFM")) {
            f |= READ_D; // they keep the other bits of Rd
        }
        if (n.startsWith("CCMN") || n.startsWith("CCMP")) {
            f |= READ_FLAGS | WRITE_FLAGS;
        } else if (n.startsWith("CS")) {
            f |= READ_FLAGS;
        } else if (n.startsWith("ADDS") || n.startsWith("SUBS") || n.startsWith("ANDS") || n.startsWith("BICS")) {
            f |= WRITE_FLAGS;
        }
        if (((f >>> UNIT_SHIFT) & UNIT_MASK) == NO_UNIT) {
            occupancy = 0; // busy[NO_UNIT] then never exceeds the last issue cycle: no constraint
        }
        SELECT[id] = select(selector);
        FLAGS_OF[2 * id] = f;
        FLAGS_OF[2 * id + 1] = f1 >= 0 ? f1 : f;
        LATENCY[2 * id] = (byte) latency;
        LATENCY[2 * id + 1] = (byte) (latency1 >= 0 ? latency1 : latency);
        OCCUPANCY[2 * id] = (byte) occupancy;
        OCCUPANCY[2 * id + 1] = (byte) (selector == SEL_SF && occupancy > 1 ? latency1 : occupancy);
        AFTER[2 * id] = (byte) after;
        AFTER[2 * id + 1] = (byte) after;
    }

    /** Packs a SEL_ kind into shift, mask and invert (the masks come from the table's field widths). */
    private static int select(int selector) {
        switch (selector) {
            case SEL_SF:
                return SF_SHIFT | 1 << SELECT_MASK_SHIFT;
            case SEL_STORE:
                return LDST_OPC_SHIFT | LDST_OPC_MASK << SELECT_MASK_SHIFT | 1 << SELECT_INVERT_SHIFT;
            case SEL_SHIFTED:
                return SHIFT_AMOUNT_SHIFT | SHIFT_AMOUNT_MASK << SELECT_MASK_SHIFT;
            default:
                return 0;
        }
    }

    /** A load's flags turned into a store's: Rd and Ra are read (late), nothing but the base is written. */
    private static int asStore(int f) {
        int s = f & ~(WRITE_D | WRITE_A);
        s |= READ_D | LATE;
        return s;
    }
}

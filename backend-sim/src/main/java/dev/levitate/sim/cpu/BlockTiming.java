package dev.levitate.sim.cpu;

import java.util.Arrays;

/**
 * Block-level memoization of the {@link CycleModel}: the cycles a run of straight-line instructions
 * takes, computed once per entry state and then applied in one step, so that the fast tier does not
 * walk the scoreboard instruction by instruction in a loop it has timed before.
 *
 * <h2>Why it is exact</h2>
 * A <em>block</em> here is the run of fast-form instructions from an entry slot of a code page up
 * to the next branch (included), or up to an instruction without a fast form or the page's end. Its
 * timing is a function of the descriptors (fixed while the page is decoded) and of the
 * entry state <em>relative to the entry cycle</em> {@code now}, and only of the parts it reads
 * before writing them: the {@code ready[]} slots and {@code busy[]} units it reads first (its
 * <em>live-ins</em>) and whether the previous instruction left its pair slot open at {@code now - 1}
 * (and with which resources). No instruction of a block can issue before {@code now - 1}, and the
 * model compares operand times only with issue cycles, so every value at or before {@code now - 1}
 * acts alike: the <em>signature</em> of an entry state is its live-in values minus {@code now},
 * clamped at -1, with the pairing state. Only the last instruction can be a branch, and a branch
 * changes nothing but the cycle count and the pairing state after it: its prediction is made live,
 * in {@link #apply}, with the real predictor.
 *
 * <p>For a signature, {@link #compute} runs the model's own {@link CycleModel#issue} over the block
 * on a scratch board that holds exactly the signature (every other slot "long ago", -1), from cycle
 * 0, and records the outcome relative to the entry: the cycles taken, the cycle before the last
 * instruction, every slot the block writes, the pairing state after it, and the pairs it formed.
 * {@link #apply} then adds those offsets to the real entry cycle. Same signature, same outcome: the
 * result is the one retiring the instructions one by one would give, which
 * {@code BlockTimingProperties} checks on random blocks and entry states, and
 * {@code FastLoopEquivalenceProperties} checks against the general interpreter.
 *
 * <h2>Driving the fast tier</h2>
 * The {@link FastLoop} calls {@link #begin} when it starts on a page, {@link #step} after every
 * instruction and {@link #end} when it stops; where it is (the block running untimed, where it
 * ends, the budget) lives in fields here, not in the fast loop's locals, so
 * that the loop the fixed timing runs carries nothing for this class (one more live value in that
 * loop measurably slows it). At a block's start ({@link #begin}, or after a block's last
 * instruction on the same page) the memo is looked up, and used only if the block ends before the
 * next timer or interrupt event ({@link #beforeLast}) and within the budget; if the fast tier stops
 * inside a block anyway (a load that misses the data-page cache), {@link #end} retires the
 * instructions of it that ran one by one.
 *
 * <h2>Loops</h2>
 * A block that branches back to its own start and, taken and predicted, meets the same signature
 * again (worked out when its memo is computed: every live-in it writes ends as old, relative to the
 * next entry, as it was at this one, and the others only age) is in a steady state: while that
 * keeps happening the fast tier re-enters it without the lookup ({@link #chained}).
 *
 * <h2>Storage</h2>
 * Memos live in one {@code long[]} pool: a header, then one entry per live-in (slot | expected
 * value &lt;&lt; 8), then one per written slot (slot | offset &lt;&lt; 8). A block's shape (length,
 * live-ins, written slots) never changes while its page stays decoded, so a new signature rewrites
 * its memo in place. {@link DecodeCache.Page#memo} maps slots to memos; a page's map is valid while
 * its {@code memoGeneration} equals the pool's, and decoding a word or writing code clears it. When
 * the pool is full it starts over under a new generation. Blocks shorter than {@link #MIN_LENGTH}
 * and blocks whose signature keeps changing are left to the per-instruction path.
 */
final class BlockTiming {
    /** Shorter blocks are cheaper to retire one by one than to check. */
    static final int MIN_LENGTH = 2;
    /** The memo pool's size limit in longs; then it starts over. */
    private static final int POOL_LIMIT = 1 << 20;
    /** page.memo value of a block that is not memoized. */
    private static final int NOT_WORTH = -1;
    /** A signature value no state has: the memo was never computed. */
    private static final long NEVER = -2;
    /** After this many signature changes, a block whose memo missed on over a quarter of its uses is given up. */
    private static final int PATIENCE = 64;

    // ---- header fields, at offsets from a memo's start
    private static final int SHAPE = 0; // length | live-ins << 12 | writes << 24
    private static final int TAKES = 1; // cycles from entry to after the last instruction
    private static final int BEFORE_LAST = 2; // cycles from entry to before the last instruction
    private static final int PAIRING_IN = 3; // the entry's pairing signature (0: closed, else first's resources)
    private static final int OPEN_OUT = 4; // openIssue after, relative, or CLOSED
    private static final int FIRST_OUT = 5; // firstResources after
    private static final int PAIRS = 6; // instructions that issued as a second of a pair
    private static final int USES = 7;
    private static final int MISSES = 8;
    private static final int BRANCH = 9; // the closing branch's descriptor, or 0
    private static final int STABLE = 10; // 1: taken back to its start, correctly predicted, it meets the same signature
    private static final int HEADER = 11;
    private static final int FIELD = 12;
    private static final int FIELD_MASK = (1 << FIELD) - 1;
    private static final int SLOT_MASK = 0xFF;
    private static final int VALUE_SHIFT = 8;
    private static final int BOARD = 64;
    private static final long PAGE_OFFSET = 0xFFF;
    /** {@link #memoLastVa} when no block runs untimed: no instruction has an odd address. */
    private static final long NONE = 1;

    private final CycleModel model;
    private final CycleModel scratch = new CycleModel(null);
    private long[] pool = new long[1 << 12];
    private int top = 1;
    private int generation = 1;
    private boolean chained;
    /** The block running untimed was entered again from its own steady-state loop (pending is it). */
    private boolean steady;
    /** The steady loop's memo, unpacked: its branch, cycles, pairs, cycles before its last instruction, length. */
    private long steadyBranch;
    private long steadyTakes;
    private long steadyPairs;
    private long steadyBeforeLast;
    private int steadyLength;
    /** A chained memo whose scoreboard writes wait for {@link #settle}, and its entry cycle; 0: none. */
    private int pending;
    private long pendingStart;
    // scratch lists for create(): no allocation per block
    private final boolean[] written = new boolean[BOARD];
    private final boolean[] live = new boolean[BOARD];
    private final int[] liveList = new int[BOARD];
    private final int[] writeList = new int[BOARD];

    // the fast tier's position: the block being run untimed (begin, step, end)
    private final boolean enabled;
    private int memo;
    /** The address of the last instruction of the block running untimed, or {@link #NONE}. */
    private long memoLastVa = NONE;
    private long memoStart;
    private long memoStartVa;
    private DecodeCache.Page page;
    private long eventAt;
    /** How many instructions the fast tier may run, and how many it has run (counted per block). */
    private long budget;
    private long ran;

    /**
     * A driver for {@code model} with block memoization on.
     *
     * @param model the cycle model it times for
     */
    BlockTiming(CycleModel model) {
        this(model, true);
    }

    /**
     * A driver for {@code model}.
     *
     * @param model the cycle model it times for
     * @param enabled false: every instruction retires one by one (the reference behaviour)
     */
    BlockTiming(CycleModel model, boolean enabled) {
        this.model = model;
        this.enabled = enabled;
    }

    /**
     * The fast tier starts running {@code page} from {@code va}, at most {@code budget}
     * instructions, until the cycle count reaches {@code eventAt}: enters the block at {@code va}.
     *
     * @param page the decoded code page of {@code va}
     * @param va the first instruction's address
     * @param now the cycle count
     * @param eventAt the cycle of the next timer or interrupt event (the fast tier stops there)
     * @param budget how many instructions the fast tier may run
     */
    void begin(DecodeCache.Page page, long va, long now, long eventAt, long budget) {
        this.page = page;
        this.eventAt = eventAt;
        this.budget = budget;
        this.ran = 0;
        chained = false;
        steady = false;
        enter(va, now);
    }

    /**
     * A block starts at {@code va}: look up its memo and, if the block fits before the next event
     * and within the budget, run it untimed.
     */
    private void enter(long va, long now) {
        final boolean again = chained && va == memoStartVa;
        final int o = again ? memo : enabled ? lookup(page, (int) (va & PAGE_OFFSET) >>> 2, now) : 0;
        chained = false;
        steady = false;
        if (o != 0 && now + beforeLast(o) < eventAt && length(o) <= budget - ran) {
            memo = o;
            memoLastVa = va + ((long) (length(o) - 1) << 2);
            memoStart = now;
            memoStartVa = va;
            steady = again;
            if (again) {
                final long[] p = pool;
                steadyBranch = p[o + BRANCH];
                steadyTakes = p[o + TAKES];
                steadyPairs = p[o + PAIRS];
                steadyBeforeLast = p[o + BEFORE_LAST];
                steadyLength = length(o);
            }
        } else {
            memoLastVa = NONE;
            settle(); // these instructions retire one by one
        }
    }

    /**
     * Times the instruction the fast tier just ran: nothing inside a memoized block until its last
     * instruction, which applies the memo; else {@link CycleModel#retire}. After a block's closing
     * branch, enters the next block if it is on the same page.
     *
     * @param now the cycle count before it
     * @param va its address
     * @param nextPc the PC after it
     * @return the cycle count after it
     */
    long step(long now, long va, long nextPc) {
        final long last = memoLastVa;
        if (va != last) {
            if (last != NONE) {
                return now; // inside a memoized block: its entry check covered the events in it
            }
        } else if (steady && nextPc == memoStartVa && model.takenAsBefore(steadyBranch, va)) {
            return again(); // a loop in its steady state goes round once more
        }
        return stepOut(now, va, nextPc);
    }

    /** {@link #step} for a block's last instruction, or one that retires one by one (kept out of line). */
    private long stepOut(long now, long va, long nextPc) {
        final long cycles;
        if (memoLastVa == va) {
            memoLastVa = NONE;
            ran += length(memo);
            cycles = apply(memo, memoStart, va, nextPc, memoStartVa);
        } else {
            ran++;
            final long t = page.timings[(int) (va & PAGE_OFFSET) >>> 2];
            cycles = model.retire(now, t, va, nextPc);
            if (!CycleModel.isBranch(t)) {
                return cycles;
            }
        }
        if (((nextPc ^ va) & ~PAGE_OFFSET) == 0 && (nextPc & 3) == 0) {
            enter(nextPc, cycles);
        }
        return cycles;
    }

    /**
     * What {@link #apply} and then {@link #enter} do for a steady loop whose branch went back to its
     * start again as predicted, leaving the predictor as it was: the pairing state is closed
     * already, the scoreboard writes wait (for this iteration's start now), and the next entry
     * needs no lookup.
     */
    private long again() {
        final long start = memoStart;
        final long cycles = start + steadyTakes;
        model.pairs += steadyPairs;
        pendingStart = start;
        ran += steadyLength;
        if (cycles + steadyBeforeLast < eventAt && steadyLength <= budget - ran) {
            memoStart = cycles;
        } else {
            memoLastVa = NONE;
            steady = false;
            settle();
        }
        return cycles;
    }

    /**
     * The length of the block that starts at {@code va} if the fast tier has just entered it and
     * runs it untimed (memoized, ending before the next event and within the budget: {@link #step}
     * then times it at its last instruction alone), else 0: its instructions retire one by one. The
     * {@link BlockJit compiled tier} runs a loop of one compiled block under the block timing only
     * in the first case.
     *
     * @param va the address of the block's first instruction
     * @return the memoized block's length, or 0
     */
    int untimedLength(long va) {
        return memoLastVa != NONE && memoStartVa == va ? (int) ((memoLastVa - va) >>> 2) + 1 : 0;
    }

    /**
     * The fast tier stops: if it stopped inside a memoized block, the instructions of it that ran
     * retire one by one; the scoreboard is brought up to date.
     *
     * @param now the cycle count the fast tier reached
     * @param pc the address of the next instruction, which did not run
     * @return the cycle count after them
     */
    long end(long now, long pc) {
        settle();
        long cycles = now;
        if (memoLastVa != NONE) {
            final int first = (int) (memoStartVa & PAGE_OFFSET) >>> 2;
            final int executed = (int) (pc - memoStartVa) >>> 2;
            for (int i = 0; i < executed; i++) {
                final long va = memoStartVa + ((long) i << 2);
                cycles = model.retire(cycles, page.timings[first + i], va, va + 4);
            }
            memoLastVa = NONE;
        }
        chained = false;
        steady = false;
        page = null;
        return cycles;
    }

    /**
     * The memo of the block that starts at {@code slot} of {@code page}, made valid for the model's
     * state at cycle {@code now} (computed now if its signature changed), or 0 when the block is
     * left to the per-instruction path.
     *
     * @param page the decoded code page
     * @param slot the block's first slot
     * @param now the cycle count at the block's entry
     * @return a memo handle for {@link #length}, {@link #beforeLast} and {@link #apply}, or 0
     */
    int lookup(DecodeCache.Page page, int slot, long now) {
        settle();
        if (slot >= page.memo.length) {
            return 0; // the sentinel past the page's end
        }
        if (page.memoGeneration != generation) {
            Arrays.fill(page.memo, 0);
            page.memoGeneration = generation;
        }
        int o = page.memo[slot];
        if (o == 0) {
            o = create(page, slot);
            if (page.memoGeneration != generation) { // the pool started over while creating
                Arrays.fill(page.memo, 0);
                page.memoGeneration = generation;
            }
            page.memo[slot] = o;
        }
        if (o < 0) {
            return 0;
        }
        final long[] p = pool;
        p[o + USES]++;
        if (!matches(o, now)) {
            if (++p[o + MISSES] > PATIENCE && p[o + MISSES] * 4 > p[o + USES]) {
                page.memo[slot] = NOT_WORTH;
                return 0;
            }
            compute(o, page.timings, slot, now);
        }
        return o;
    }

    /** How many instructions a memo covers. */
    int length(int o) {
        return (int) pool[o + SHAPE] & FIELD_MASK;
    }

    /** The cycles from a block's entry to just before its last instruction (for the event check). */
    long beforeLast(int o) {
        return pool[o + BEFORE_LAST];
    }

    /**
     * Applies a memo to the model as if its instructions had retired one by one from cycle {@code start}:
     * the scoreboard, the pairing state and the pair count, then the closing branch (if the block
     * has one) through the real predictor.
     *
     * @param o the memo
     * @param start the cycle count at the block's entry
     * @param va the address of the block's last instruction
     * @param nextPc the PC after it
     * @param startVa the address of the block's first instruction
     * @return the cycle count after the block
     */
    long apply(int o, long start, long va, long nextPc, long startVa) {
        final long[] p = pool;
        final long branch = p[o + BRANCH];
        model.pairs += p[o + PAIRS];
        if (branch == 0) {
            chained = false;
            board(o, start, false);
            return start + p[o + TAKES];
        }
        final boolean wrong = model.mispredicted(branch, va, nextPc);
        if (!wrong && nextPc == startVa && p[o + STABLE] != 0) {
            // a steady loop: the next entry needs no lookup, and the scoreboard only its last iteration
            chained = true;
            pending = o;
            pendingStart = start;
        } else {
            chained = false;
            board(o, start, wrong || nextPc != va + 4);
        }
        return start + p[o + TAKES] + (wrong ? CycleModel.MISPREDICT : 0);
    }

    /**
     * Writes what a memo applied at {@code start} leaves on the scoreboard, and the pairing state
     * ({@code closed}: a taken or mispredicted branch ended the issue group).
     */
    private void board(int o, long start, boolean closed) {
        final long[] p = pool;
        final long[] r = model.ready;
        pending = 0;
        final int liveIns = (int) (p[o + SHAPE] >>> FIELD) & FIELD_MASK;
        final int writes = (int) (p[o + SHAPE] >>> (2 * FIELD)) & FIELD_MASK;
        for (int i = o + HEADER + liveIns, end = i + writes; i < end; i++) {
            final long e = p[i];
            r[(int) e & SLOT_MASK] = start + (e >> VALUE_SHIFT);
        }
        final long open = p[o + OPEN_OUT];
        model.openIssue = closed || open == CycleModel.CLOSED ? CycleModel.CLOSED : start + open;
        model.firstResources = (int) p[o + FIRST_OUT];
    }

    /**
     * Brings the model's scoreboard up to date after a run of {@link #chained} entries, whose
     * writes wait until something reads it: the fast tier calls this before any other use of the
     * model ({@link CycleModel#retire}, the general interpreter), and {@link #lookup} does itself.
     */
    void settle() {
        if (pending != 0) {
            board(pending, pendingStart, true);
        }
    }

    /**
     * Whether the last {@link #apply} ended with a correctly predicted branch back to the block's
     * own start, from which the block meets the signature its memo holds (a loop in its steady
     * state): the next entry may then use the memo without {@link #lookup}.
     *
     * @return true to skip the lookup at the block's next entry
     */
    boolean chained() {
        return chained;
    }

    /** Whether the model's state at {@code now} has the signature the memo was computed for. */
    private boolean matches(int o, long now) {
        final long[] p = pool;
        final long[] r = model.ready;
        if (pairing(model, now) != p[o + PAIRING_IN]) {
            return false;
        }
        final int liveIns = (int) (p[o + SHAPE] >>> FIELD) & FIELD_MASK;
        for (int i = o + HEADER, end = i + liveIns; i < end; i++) {
            final long e = p[i];
            if (Math.max(r[(int) e & SLOT_MASK] - now, -1) != e >> VALUE_SHIFT) {
                return false;
            }
        }
        return true;
    }

    /** The pairing part of a signature: the open pair's resources, or 0 when nothing can pair at now. */
    private static long pairing(CycleModel m, long now) {
        return m.openIssue == now - 1 ? m.firstResources : 0;
    }

    /** Records the signature of the state at {@code now} and the block's outcome from it. */
    private void compute(int o, long[] timings, int slot, long now) {
        final long[] p = pool;
        final long[] r = model.ready;
        final CycleModel s = scratch;
        final long[] b = s.ready;
        Arrays.fill(b, -1);
        final long pairing = pairing(model, now);
        p[o + PAIRING_IN] = pairing;
        s.openIssue = pairing != 0 ? -1 : CycleModel.CLOSED;
        s.firstResources = (int) pairing;
        s.pairs = 0;
        final long shape = p[o + SHAPE];
        final int length = (int) shape & FIELD_MASK;
        final int liveIns = (int) (shape >>> FIELD) & FIELD_MASK;
        final int writes = (int) (shape >>> (2 * FIELD)) & FIELD_MASK;
        for (int i = o + HEADER, end = i + liveIns; i < end; i++) {
            final int at = (int) p[i] & SLOT_MASK;
            final long v = Math.max(r[at] - now, -1);
            b[at] = v;
            p[i] = at | v << VALUE_SHIFT;
        }
        long cycles = 0;
        long before = 0;
        for (int i = 0; i < length; i++) {
            before = cycles;
            cycles = Math.max(cycles, s.issue(cycles, timings[slot + i])); // a closing branch: its prediction comes in apply()
        }
        p[o + TAKES] = cycles;
        p[o + BEFORE_LAST] = before;
        p[o + OPEN_OUT] = s.openIssue;
        p[o + FIRST_OUT] = s.firstResources;
        p[o + PAIRS] = s.pairs;
        for (int i = o + HEADER + liveIns, end = i + writes; i < end; i++) {
            final int at = (int) p[i] & SLOT_MASK;
            p[i] = at | b[at] << VALUE_SHIFT;
        }
        // taken back to the start and predicted: the pair slot closes, everything is "takes" older
        boolean stable = p[o + BRANCH] != 0 && pairing == 0;
        for (int i = o + HEADER, end = i + liveIns; stable && i < end; i++) {
            final long e = p[i];
            stable = Math.max(b[(int) e & SLOT_MASK] - cycles, -1) == e >> VALUE_SHIFT;
        }
        p[o + STABLE] = stable ? 1 : 0;
    }

    /** Finds the block's shape and gives it a memo in the pool (not yet computed), or NOT_WORTH. */
    private int create(DecodeCache.Page page, int slot) {
        final long[] timings = page.timings;
        int length = 0;
        while (slot + length < timings.length && page.uops[slot + length] != MicroOp.NONE
                && !CycleModel.isBranch(timings[slot + length])) {
            length++;
        }
        final boolean closed = slot + length < timings.length && page.uops[slot + length] != MicroOp.NONE;
        if (closed) {
            length++; // the branch that ends the block
        }
        if (length < MIN_LENGTH) {
            return NOT_WORTH;
        }
        Arrays.fill(written, false);
        Arrays.fill(live, false);
        int liveIns = 0;
        int writes = 0;
        for (int i = 0; i < length; i++) {
            final long t = timings[slot + i];
            for (int j = 0; j < 3; j++) {
                liveIns = readSlot(CycleModel.sourceSlot(t, j), liveIns);
            }
            final int unit = CycleModel.unitSlot(t);
            liveIns = readSlot(unit, liveIns);
            for (int j = 0; j < 3; j++) {
                writes = writeSlot(CycleModel.resultSlot(t, j), writes);
            }
            writes = writeSlot(unit, writes);
        }
        final int size = HEADER + liveIns + writes;
        if (top + size > pool.length) {
            if (top + size > POOL_LIMIT) {
                top = 1;
                generation++;
            } else {
                pool = Arrays.copyOf(pool, Math.min(POOL_LIMIT, Math.max(2 * pool.length, top + size)));
            }
        }
        final int o = top;
        top += size;
        final long[] p = pool;
        Arrays.fill(p, o, o + size, 0);
        p[o + SHAPE] = length | (long) liveIns << FIELD | (long) writes << (2 * FIELD);
        p[o + PAIRING_IN] = NEVER;
        p[o + BRANCH] = closed ? timings[slot + length - 1] : 0;
        for (int i = 0; i < liveIns; i++) {
            p[o + HEADER + i] = liveList[i];
        }
        for (int i = 0; i < writes; i++) {
            p[o + HEADER + liveIns + i] = writeList[i];
        }
        return o;
    }

    private int readSlot(int at, int liveIns) {
        if (at == CycleModel.Board.ZERO || written[at] || live[at]) {
            return liveIns;
        }
        live[at] = true;
        liveList[liveIns] = at;
        return liveIns + 1;
    }

    private int writeSlot(int at, int writes) {
        if (at == CycleModel.Board.DISCARD || written[at]) {
            return writes;
        }
        written[at] = true;
        writeList[writes] = at;
        return writes + 1;
    }
}

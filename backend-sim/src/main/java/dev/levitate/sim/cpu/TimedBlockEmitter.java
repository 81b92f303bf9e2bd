package dev.levitate.sim.cpu;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Emits the A53 timing of a compiled block ({@link CompiledBlock#runTimed}). The method holds two
 * copies of the block's instructions and picks one on entry:
 * <ol>
 *   <li><b>The memo</b> ({@link Memo}): the block is compiled with the outcome of its issue from
 *       the entry state the model was in then, and with that state's <em>signature</em> (the
 *       block's live-in board slots minus the entry cycle, clamped at -1, and the pairing state),
 *       all as constants. If the entry state has the same signature ({@link #check}: a compare per
 *       live-in), the untimed copy runs, and the outcome is applied in a few stores
 *       ({@link #apply}); a closing branch is then predicted live. If a load or store leaves that
 *       copy early, the instructions before it retire through the model one by one
 *       ({@link CompiledBlock#leaveTimed}).</li>
 *   <li><b>Instruction by instruction</b>, with the scoreboard in JVM locals, for any other entry
 *       state: on entry, every board slot an instruction of the block reads or writes (its three
 *       sources, its three results, its unit's busy[] entry) goes into a local, as do
 *       {@link CycleModel#openIssue} and {@link CycleModel#firstResources}
 *       ({@link #prologue}); after each instruction, {@link CycleModel#issue}'s steps run on the
 *       locals in the same order (operands, pairing, results, unit), with the descriptor's fields
 *       as constants, and the cycle count becomes {@code max(cycles, issue + 1 + after)}
 *       ({@link #retire}); before a closing branch and wherever the block leaves, the slots it
 *       writes go back to the board with the pairing state and the pair count ({@link #flush}),
 *       and the branch retires through {@link CycleModel#retire}.</li>
 * </ol>
 *
 * <p>Why not a call of {@link CycleModel#retire} per instruction, with the descriptor as a
 * constant: the JVM folds the descriptor's fields, but must still load and store the board in
 * memory around every guest register write, since the register file is a {@code long[]} too and
 * might, for all it knows, be the board. In locals, an instruction's timing is a handful of
 * register operations; with the memo, a whole block's is a few compares and stores.
 *
 * <p>Either way the model's state after the block is exactly the state after retiring its
 * instructions one by one; {@code FastLoopEquivalenceProperties} compares cycles, pairs and
 * mispredictions with the general interpreter's, and catches a planted error in each path.
 */
final class TimedBlockEmitter {
    /**
     * The outcome of a block's instructions from one entry state, relative to the entry cycle —
     * their issue, that is, all of their timing but a closing branch's prediction:
     * {@link BlockTiming}'s memo, computed once when the block is compiled (for the state it is
     * compiled in) and emitted as constants. The emitted code checks the signature on entry and,
     * when it holds, applies the outcome in a few stores instead of timing instruction by
     * instruction; a closing branch is then predicted live, with the real predictor. Why a
     * signature decides the outcome is in {@link BlockTiming}'s class comment: the live-in slots
     * minus the entry cycle, clamped at -1, and the pairing state.
     *
     * @param liveIns the slots read before the block writes them (no {@link CycleModel.Board#ZERO})
     * @param expected their values minus the entry cycle, clamped at -1
     * @param pairing the entry's pairing: the open pair's resources, or 0 when nothing pairs at entry
     * @param writes the slots the block writes (no {@link CycleModel.Board#DISCARD})
     * @param offsets their values after the block, minus the entry cycle
     * @param takes cycles from the entry to after the block's issue
     * @param openOut {@link CycleModel#openIssue} after, minus the entry cycle, or {@link CycleModel#CLOSED}
     * @param firstOut {@link CycleModel#firstResources} after
     * @param pairs instructions that issued as the second of a pair
     */
    record Memo(int[] liveIns, long[] expected, int pairing, int[] writes, long[] offsets, long takes, long openOut, int firstOut,
            int pairs) {
        /**
         * Issues {@code [from, from + count)} on a scratch model from the signature of
         * {@code model}'s state at cycle {@code now}, as {@link BlockTiming} computes its memos.
         *
         * @return the memo
         * @throws IllegalArgumentException if {@code count} is not positive (a block has at least one instruction)
         */
        static Memo of(CycleModel model, long now, long[] timings, int from, int count) {
            if (count <= 0) {
                throw new IllegalArgumentException("a memo covers at least one instruction, not " + count);
            }
            final boolean[] written = new boolean[BOARD_SLOTS];
            final boolean[] live = new boolean[BOARD_SLOTS];
            for (int i = from; i < from + count; i++) {
                final long t = timings[i];
                for (int j = 0; j < 3; j++) {
                    final int s = CycleModel.sourceSlot(t, j);
                    live[s] |= !written[s] && s != CycleModel.Board.ZERO;
                }
                live[CycleModel.unitSlot(t)] |= !written[CycleModel.unitSlot(t)];
                for (int j = 0; j < 3; j++) {
                    written[CycleModel.resultSlot(t, j)] = true;
                }
                written[CycleModel.unitSlot(t)] = true;
            }
            written[CycleModel.Board.DISCARD] = false;
            final CycleModel scratch = new CycleModel(null);
            final long[] b = scratch.ready;
            java.util.Arrays.fill(b, -1);
            final int pairing = model.openIssue == now - 1 ? model.firstResources : 0;
            scratch.openIssue = pairing != 0 ? -1 : CycleModel.CLOSED;
            scratch.firstResources = pairing;
            final int[] liveIns = slots(live);
            final long[] expected = new long[liveIns.length];
            for (int i = 0; i < liveIns.length; i++) {
                expected[i] = Math.max(model.ready[liveIns[i]] - now, -1);
                b[liveIns[i]] = expected[i];
            }
            long cycles = 0;
            for (int i = from; i < from + count; i++) {
                cycles = Math.max(cycles, scratch.issue(cycles, timings[i]));
            }
            final int[] writes = slots(written);
            final long[] offsets = new long[writes.length];
            for (int i = 0; i < writes.length; i++) {
                offsets[i] = b[writes[i]];
            }
            return new Memo(liveIns, expected, pairing, writes, offsets, cycles, scratch.openIssue, scratch.firstResources,
                    (int) scratch.pairs);
        }

        /**
         * The memo of a loop of one block for the state it re-enters itself in: the block is issued
         * {@link #LOOP_ROUNDS} times on a scratch copy of {@code model} from cycle {@code now}, each
         * round ended by its closing branch taken as predicted (which closes the issue group), and
         * the memo is taken for the state after the last round — the steady state that the rounds
         * after the first meet (the first, entered from elsewhere, is timed instruction by
         * instruction).
         *
         * @return the memo of the loop's steady state
         */
        static Memo ofLoop(CycleModel model, long now, long[] timings, int from, int count) {
            final CycleModel scratch = new CycleModel(null);
            System.arraycopy(model.ready, 0, scratch.ready, 0, scratch.ready.length);
            scratch.openIssue = model.openIssue;
            scratch.firstResources = model.firstResources;
            long cycles = now;
            for (int round = 0; round < LOOP_ROUNDS; round++) {
                for (int i = from; i < from + count; i++) {
                    cycles = Math.max(cycles, scratch.issue(cycles, timings[i]));
                }
                scratch.openIssue = CycleModel.CLOSED;
            }
            return of(scratch, cycles, timings, from, count);
        }

        private static int[] slots(boolean[] marked) {
            int n = 0;
            for (boolean m : marked) {
                n += m ? 1 : 0;
            }
            final int[] out = new int[n];
            n = 0;
            for (int s = 0; s < marked.length; s++) {
                if (marked[s]) {
                    out[n++] = s;
                }
            }
            return out;
        }
    }

    // runTimed(cpu, x, nzcv, pc, cycles, model)'s parameters, and the locals this class adds
    private static final int CYCLES = BlockCompiler.CYCLES_LOCAL;
    private static final int MODEL = BlockCompiler.MODEL_LOCAL;
    private static final int BOARD = MODEL + 1;
    private static final int OPEN = 10;
    private static final int FIRST = 12;
    private static final int PAIRS = 13;
    private static final int NEED = 14;
    private static final int ISSUE = 16;
    private static final int EXIT_RETIRED = 18;
    private static final int FIRST_SLOT_LOCAL = 19;
    private static final int BOARD_SLOTS = 64;
    /** Rounds of a loop of one block issued on a scratch board to reach the state it re-enters itself in. */
    static final int LOOP_ROUNDS = 3;

    private static final String MODEL_CLASS = "dev/levitate/sim/cpu/CycleModel";
    private static final String CPU_CLASS = "dev/levitate/sim/cpu/Cpu";

    private final MethodVisitor mv;
    /** Board slot → its local (0: the block does not touch it). */
    private final int[] local = new int[BOARD_SLOTS];
    private final boolean[] written = new boolean[BOARD_SLOTS];
    private final Label exit = new Label();
    private boolean exitUsed;

    /**
     * Prepares the timing of the instructions {@code [from, from + count)} of a page, the ones the
     * emitted code times itself (all but a closing branch).
     *
     * @param mv the runTimed method being written
     * @param timings the page's descriptors
     * @param from the block's first slot
     * @param count how many instructions are timed inline
     * @throws IllegalStateException if one of them is a branch (a bug of the block compiler)
     */
    TimedBlockEmitter(MethodVisitor mv, long[] timings, int from, int count) {
        this.mv = mv;
        int next = FIRST_SLOT_LOCAL;
        for (int i = from; i < from + count; i++) {
            final long t = timings[i];
            if (CycleModel.isBranch(t) || CycleModel.links(t)) {
                throw new IllegalStateException("slot " + i + " is timed as a branch but is not the end of its block");
            }
            for (int j = 0; j < 3; j++) {
                next = use(CycleModel.sourceSlot(t, j), next);
                next = use(CycleModel.resultSlot(t, j), next);
                written[CycleModel.resultSlot(t, j)] = true;
            }
            next = use(CycleModel.unitSlot(t), next);
            written[CycleModel.unitSlot(t)] = true;
        }
    }

    private int use(int slot, int next) {
        if (local[slot] == 0) {
            local[slot] = next;
            return next + 2;
        }
        return next;
    }

    /** Loads the board slots and the pairing state into the locals (the method's first code). */
    void prologue() {
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "ready", "[J");
        mv.visitVarInsn(Opcodes.ASTORE, BOARD);
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "openIssue", "J");
        mv.visitVarInsn(Opcodes.LSTORE, OPEN);
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "firstResources", "I");
        mv.visitVarInsn(Opcodes.ISTORE, FIRST);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, PAIRS);
        for (int s = 0; s < BOARD_SLOTS; s++) {
            if (local[s] != 0) {
                mv.visitVarInsn(Opcodes.ALOAD, BOARD);
                mv.visitIntInsn(Opcodes.BIPUSH, s);
                mv.visitInsn(Opcodes.LALOAD);
                mv.visitVarInsn(Opcodes.LSTORE, local[s]);
            }
        }
    }

    /**
     * Times one instruction that is no branch, as {@link CycleModel#retire} would, on the locals.
     *
     * @param t its descriptor
     */
    void retire(long t) {
        // need = the latest of the operands (a late read one cycle early) and the unit
        for (int j = 0; j < 3; j++) {
            mv.visitVarInsn(Opcodes.LLOAD, local[CycleModel.sourceSlot(t, j)]);
            if (CycleModel.lateRead(t, j) != 0) {
                mv.visitInsn(Opcodes.LCONST_1);
                mv.visitInsn(Opcodes.LSUB);
            }
            if (j > 0) {
                max();
            }
        }
        mv.visitVarInsn(Opcodes.LLOAD, local[CycleModel.unitSlot(t)]);
        max();
        mv.visitVarInsn(Opcodes.LSTORE, NEED);
        // the second of a pair: the previous one issued in cycles - 1 with its slot open, the
        // operands are ready then, and the two claim no resource twice
        final int resources = CycleModel.resources(t);
        final Label single = new Label();
        final Label join = new Label();
        mv.visitVarInsn(Opcodes.LLOAD, OPEN);
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitInsn(Opcodes.LSUB);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFNE, single);
        mv.visitVarInsn(Opcodes.LLOAD, NEED);
        mv.visitVarInsn(Opcodes.LLOAD, OPEN);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFGT, single);
        if (resources != 0) {
            mv.visitVarInsn(Opcodes.ILOAD, FIRST);
            mv.visitLdcInsn(resources);
            mv.visitInsn(Opcodes.IAND);
            mv.visitJumpInsn(Opcodes.IFNE, single);
        }
        mv.visitVarInsn(Opcodes.LLOAD, OPEN);
        mv.visitVarInsn(Opcodes.LSTORE, ISSUE);
        mv.visitLdcInsn(CycleModel.CLOSED);
        mv.visitVarInsn(Opcodes.LSTORE, OPEN);
        mv.visitIincInsn(PAIRS, 1);
        mv.visitJumpInsn(Opcodes.GOTO, join);
        // otherwise it issues when its operands are ready, first of a new group
        mv.visitLabel(single);
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
        mv.visitVarInsn(Opcodes.LLOAD, NEED);
        max();
        mv.visitVarInsn(Opcodes.LSTORE, ISSUE);
        if (!CycleModel.issuesAlone(t)) {
            mv.visitVarInsn(Opcodes.LLOAD, ISSUE);
        } else {
            mv.visitLdcInsn(CycleModel.CLOSED);
        }
        mv.visitVarInsn(Opcodes.LSTORE, OPEN);
        mv.visitLdcInsn(CycleModel.asFirst(t));
        mv.visitVarInsn(Opcodes.ISTORE, FIRST);
        mv.visitLabel(join);
        // results, in issue()'s order: two at issue + latency, one at issue + ALU, then the unit
        for (int j = 0; j < 2; j++) {
            plusIssue(CycleModel.latency(t));
            mv.visitVarInsn(Opcodes.LSTORE, local[CycleModel.resultSlot(t, j)]);
        }
        plusIssue(CycleModel.ALU);
        mv.visitVarInsn(Opcodes.LSTORE, local[CycleModel.resultSlot(t, 2)]);
        plusIssue(CycleModel.occupancy(t));
        mv.visitVarInsn(Opcodes.LSTORE, local[CycleModel.unitSlot(t)]);
        // cycles = max(cycles, issue + 1 + after)
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
        plusIssue(1 + CycleModel.after(t));
        max();
        mv.visitVarInsn(Opcodes.LSTORE, CYCLES);
    }

    private void plusIssue(int k) {
        mv.visitVarInsn(Opcodes.LLOAD, ISSUE);
        if (k != 0) {
            mv.visitLdcInsn((long) k);
            mv.visitInsn(Opcodes.LADD);
        }
    }

    private void max() {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "max", "(JJ)J", false);
    }

    /**
     * Emits the memo's signature check: jumps to {@code miss} unless the model's state at the entry
     * cycle has the memo's signature. Loads the board into its local first.
     *
     * @param memo the memo compiled in
     * @param miss where the code that times instruction by instruction starts
     */
    void check(Memo memo, Label miss) {
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "ready", "[J");
        mv.visitVarInsn(Opcodes.ASTORE, BOARD);
        for (int i = 0; i < memo.liveIns.length; i++) {
            // expected -1: ready < now; else ready == now + expected
            mv.visitVarInsn(Opcodes.ALOAD, BOARD);
            mv.visitIntInsn(Opcodes.BIPUSH, memo.liveIns[i]);
            mv.visitInsn(Opcodes.LALOAD);
            mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
            if (memo.expected[i] != 0 && memo.expected[i] != -1) {
                mv.visitLdcInsn(memo.expected[i]);
                mv.visitInsn(Opcodes.LADD);
            }
            mv.visitInsn(Opcodes.LCMP);
            mv.visitJumpInsn(memo.expected[i] < 0 ? Opcodes.IFGE : Opcodes.IFNE, miss);
        }
        // the pairing: openIssue == now - 1 ? firstResources : 0, against the memo's
        final Label closed = new Label();
        final Label pairingDone = new Label();
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "openIssue", "J");
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitInsn(Opcodes.LSUB);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFNE, closed);
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "firstResources", "I");
        mv.visitJumpInsn(Opcodes.GOTO, pairingDone);
        mv.visitLabel(closed);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitLabel(pairingDone);
        mv.visitLdcInsn(memo.pairing);
        mv.visitJumpInsn(Opcodes.IF_ICMPNE, miss);
    }

    /**
     * Emits the memo's outcome, applied at the entry cycle: the board's written slots, the pairing
     * state, the pair count; the cycle count becomes entry + the memo's cycles.
     *
     * @param memo the memo whose signature {@link #check} found
     */
    void apply(Memo memo) {
        for (int i = 0; i < memo.writes.length; i++) {
            mv.visitVarInsn(Opcodes.ALOAD, BOARD);
            mv.visitIntInsn(Opcodes.BIPUSH, memo.writes[i]);
            mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
            if (memo.offsets[i] != 0) {
                mv.visitLdcInsn(memo.offsets[i]);
                mv.visitInsn(Opcodes.LADD);
            }
            mv.visitInsn(Opcodes.LASTORE);
        }
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        if (memo.openOut == CycleModel.CLOSED) {
            mv.visitLdcInsn(CycleModel.CLOSED);
        } else {
            mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
            mv.visitLdcInsn(memo.openOut);
            mv.visitInsn(Opcodes.LADD);
        }
        mv.visitFieldInsn(Opcodes.PUTFIELD, MODEL_CLASS, "openIssue", "J");
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitLdcInsn(memo.firstOut);
        mv.visitFieldInsn(Opcodes.PUTFIELD, MODEL_CLASS, "firstResources", "I");
        if (memo.pairs != 0) {
            mv.visitVarInsn(Opcodes.ALOAD, MODEL);
            mv.visitInsn(Opcodes.DUP);
            mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "pairs", "J");
            mv.visitLdcInsn((long) memo.pairs);
            mv.visitInsn(Opcodes.LADD);
            mv.visitFieldInsn(Opcodes.PUTFIELD, MODEL_CLASS, "pairs", "J");
        }
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
        mv.visitLdcInsn(memo.takes);
        mv.visitInsn(Opcodes.LADD);
        mv.visitVarInsn(Opcodes.LSTORE, CYCLES);
    }

    /** Writes the slots the block writes back to the board, and the pairing state and pairs to the model. */
    void flush() {
        for (int s = 0; s < BOARD_SLOTS; s++) {
            if (written[s]) {
                mv.visitVarInsn(Opcodes.ALOAD, BOARD);
                mv.visitIntInsn(Opcodes.BIPUSH, s);
                mv.visitVarInsn(Opcodes.LLOAD, local[s]);
                mv.visitInsn(Opcodes.LASTORE);
            }
        }
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitVarInsn(Opcodes.LLOAD, OPEN);
        mv.visitFieldInsn(Opcodes.PUTFIELD, MODEL_CLASS, "openIssue", "J");
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitVarInsn(Opcodes.ILOAD, FIRST);
        mv.visitFieldInsn(Opcodes.PUTFIELD, MODEL_CLASS, "firstResources", "I");
        mv.visitVarInsn(Opcodes.ALOAD, MODEL);
        mv.visitInsn(Opcodes.DUP);
        mv.visitFieldInsn(Opcodes.GETFIELD, MODEL_CLASS, "pairs", "J");
        mv.visitVarInsn(Opcodes.ILOAD, PAIRS);
        mv.visitInsn(Opcodes.I2L);
        mv.visitInsn(Opcodes.LADD);
        mv.visitFieldInsn(Opcodes.PUTFIELD, MODEL_CLASS, "pairs", "J");
    }

    /**
     * Leaves the block before its instruction {@code retired} (a load or store the fast tiers may
     * not do): jumps to the shared exit, which {@link #exit} emits.
     *
     * @param retired the instructions retired so far
     */
    void leaveBefore(int retired) {
        mv.visitLdcInsn(retired);
        mv.visitVarInsn(Opcodes.ISTORE, EXIT_RETIRED);
        mv.visitJumpInsn(Opcodes.GOTO, exit);
        exitUsed = true;
    }

    /**
     * Emits the shared exit of {@link #leaveBefore} (after the method's last return): flushes, stores
     * the cycle count in {@code cpu.cycles}, returns {@code retired << 4 | nzcv}.
     *
     * @param cpuLocal the local of the CPU
     * @param nzcvLocal the local of the flags
     */
    void exit(int cpuLocal, int nzcvLocal) {
        if (!exitUsed) {
            return;
        }
        mv.visitLabel(exit);
        flush();
        mv.visitVarInsn(Opcodes.ALOAD, cpuLocal);
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES);
        mv.visitFieldInsn(Opcodes.PUTFIELD, CPU_CLASS, "cycles", "J");
        mv.visitVarInsn(Opcodes.ILOAD, EXIT_RETIRED);
        mv.visitInsn(Opcodes.ICONST_4);
        mv.visitInsn(Opcodes.ISHL);
        mv.visitVarInsn(Opcodes.ILOAD, nzcvLocal);
        mv.visitInsn(Opcodes.IOR);
        mv.visitInsn(Opcodes.IRETURN);
    }
}

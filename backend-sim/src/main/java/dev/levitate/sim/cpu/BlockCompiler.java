package dev.levitate.sim.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Turns a guest block of {@link MicroOp pre-decoded} instructions into JVM bytecode: a hidden class
 * extending {@link CompiledBlock} whose {@code run} calls, for each instruction in order, the
 * {@link JitOps} method of its operation with the packed micro-op and the immediate as constants.
 * The JVM then inlines those calls and folds the constants, so a hot block becomes straight-line
 * machine code on the register file — the interpretive dispatch per instruction is gone, and one
 * dispatch per block is left (the translation-block idea of QEMU's TCG and of dynarmic, with the
 * JVM as the back end).
 *
 * <p>A block starts at an entry slot and takes instructions in order while they have a fast form,
 * up to and including the first branch, the page's last slot, or {@link #MAX_LENGTH} instructions.
 * It holds no guest address: PC-relative values come from the {@code pc} argument, so one block
 * serves a physical page mapped at several virtual addresses. Loads and stores may leave the block
 * before themselves (see {@link CompiledBlock#run}). Blocks are dropped with their page's decoded
 * words when the page is written ({@link DecodeCache#invalidate}); a hidden class no longer
 * referenced is unloaded by the JVM.
 */
final class BlockCompiler {
    private BlockCompiler() {
    }

    /** The most instructions in one block (a bound on the size of the generated method). */
    static final int MAX_LENGTH = 64;

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final String OPS = "dev/levitate/sim/cpu/JitOps";
    private static final String CPU = "dev/levitate/sim/cpu/Cpu";
    private static final String BASE = "dev/levitate/sim/cpu/CompiledBlock";
    private static final String NAME = "dev/levitate/sim/cpu/CompiledBlock$Guest";

    // the call shapes of JitOps
    private static final int PLAIN = 0;
    private static final int SETS_FLAGS = 1;
    private static final int READS_FLAGS = 2;
    private static final int SETS_FROM_FLAGS = 3;
    private static final int PC_RELATIVE = 4;
    private static final int MEMORY = 5;
    private static final int BRANCH = 6;
    private static final int NOTHING = 7;
    private static final String[] DESCRIPTOR = {
        "([JJJ)V", "([JJJ)I", "([JJJI)V", "([JJJI)I", "([JJJJ)V", "(L" + CPU + ";[JJJ)Z", "([JJJIJ)J", null,
    };

    private static final String[] METHOD = new String[MicroOp.COUNT];
    private static final int[] KIND = new int[MicroOp.COUNT];

    private static void op(int op, String method, int kind) {
        METHOD[op] = method;
        KIND[op] = kind;
    }

    static {
        java.util.Arrays.fill(KIND, -1);
        op(MicroOp.ADDI_X, "addiX", PLAIN);
        op(MicroOp.ADDI_W, "addiW", PLAIN);
        op(MicroOp.ADDSI_X, "addsiX", SETS_FLAGS);
        op(MicroOp.ADDSI_W, "addsiW", SETS_FLAGS);
        op(MicroOp.SUBSI_X, "subsiX", SETS_FLAGS);
        op(MicroOp.SUBSI_W, "subsiW", SETS_FLAGS);
        op(MicroOp.ADDR_X, "addrX", PLAIN);
        op(MicroOp.ADDR_W, "addrW", PLAIN);
        op(MicroOp.SUBR_X, "subrX", PLAIN);
        op(MicroOp.SUBR_W, "subrW", PLAIN);
        op(MicroOp.ADDSR_X, "addsrX", SETS_FLAGS);
        op(MicroOp.ADDSR_W, "addsrW", SETS_FLAGS);
        op(MicroOp.SUBSR_X, "subsrX", SETS_FLAGS);
        op(MicroOp.SUBSR_W, "subsrW", SETS_FLAGS);
        op(MicroOp.ADDE_X, "addeX", PLAIN);
        op(MicroOp.SUBE_X, "subeX", PLAIN);
        op(MicroOp.ANDI, "andi", PLAIN);
        op(MicroOp.ORRI, "orri", PLAIN);
        op(MicroOp.EORI, "eori", PLAIN);
        op(MicroOp.ANDSI_X, "andsiX", SETS_FLAGS);
        op(MicroOp.ANDSI_W, "andsiW", SETS_FLAGS);
        op(MicroOp.ANDR_X, "andrX", PLAIN);
        op(MicroOp.ANDR_W, "andrW", PLAIN);
        op(MicroOp.ORRR_X, "orrrX", PLAIN);
        op(MicroOp.ORRR_W, "orrrW", PLAIN);
        op(MicroOp.EORR_X, "eorrX", PLAIN);
        op(MicroOp.EORR_W, "eorrW", PLAIN);
        op(MicroOp.ANDSR_X, "andsrX", SETS_FLAGS);
        op(MicroOp.ANDSR_W, "andsrW", SETS_FLAGS);
        op(MicroOp.MOVI, "movi", PLAIN);
        op(MicroOp.MOVK_X, "movkX", PLAIN);
        op(MicroOp.MOVK_W, "movkW", PLAIN);
        op(MicroOp.ADR, "adr", PC_RELATIVE);
        op(MicroOp.ADRP, "adrp", PC_RELATIVE);
        op(MicroOp.UBFM_X, "ubfmX", PLAIN);
        op(MicroOp.UBFM_W, "ubfmW", PLAIN);
        op(MicroOp.SBFM_X, "sbfmX", PLAIN);
        op(MicroOp.SBFM_W, "sbfmW", PLAIN);
        op(MicroOp.CSEL_X, "cselX", READS_FLAGS);
        op(MicroOp.CSEL_W, "cselW", READS_FLAGS);
        op(MicroOp.CSINC_X, "csincX", READS_FLAGS);
        op(MicroOp.CSINC_W, "csincW", READS_FLAGS);
        op(MicroOp.CSINV_X, "csinvX", READS_FLAGS);
        op(MicroOp.CSINV_W, "csinvW", READS_FLAGS);
        op(MicroOp.CSNEG_X, "csnegX", READS_FLAGS);
        op(MicroOp.CSNEG_W, "csnegW", READS_FLAGS);
        op(MicroOp.MADD_X, "maddX", PLAIN);
        op(MicroOp.MADD_W, "maddW", PLAIN);
        op(MicroOp.MSUB_X, "msubX", PLAIN);
        op(MicroOp.MSUB_W, "msubW", PLAIN);
        op(MicroOp.SHIFTV_X, "shiftvX", PLAIN);
        op(MicroOp.SHIFTV_W, "shiftvW", PLAIN);
        op(MicroOp.CCMP_X, "ccmpX", SETS_FROM_FLAGS);
        op(MicroOp.CCMP_W, "ccmpW", SETS_FROM_FLAGS);
        op(MicroOp.B, "b", BRANCH);
        op(MicroOp.BL, "bl", BRANCH);
        op(MicroOp.BCOND, "bcond", BRANCH);
        op(MicroOp.CBZ_X, "cbzX", BRANCH);
        op(MicroOp.CBZ_W, "cbzW", BRANCH);
        op(MicroOp.CBNZ_X, "cbnzX", BRANCH);
        op(MicroOp.CBNZ_W, "cbnzW", BRANCH);
        op(MicroOp.TBZ, "tbz", BRANCH);
        op(MicroOp.TBNZ, "tbnz", BRANCH);
        op(MicroOp.BR, "br", BRANCH);
        op(MicroOp.BLR, "blr", BRANCH);
        op(MicroOp.LD_OFF, "ld", MEMORY);
        op(MicroOp.LD_PRE, "ld", MEMORY);
        op(MicroOp.LD_POST, "ld", MEMORY);
        op(MicroOp.LD_REG, "ld", MEMORY);
        op(MicroOp.ST_OFF, "st", MEMORY);
        op(MicroOp.ST_PRE, "st", MEMORY);
        op(MicroOp.ST_POST, "st", MEMORY);
        op(MicroOp.ST_REG, "st", MEMORY);
        op(MicroOp.LDP_OFF, "ldp", MEMORY);
        op(MicroOp.LDP_PRE, "ldp", MEMORY);
        op(MicroOp.LDP_POST, "ldp", MEMORY);
        op(MicroOp.STP_OFF, "stp", MEMORY);
        op(MicroOp.STP_PRE, "stp", MEMORY);
        op(MicroOp.STP_POST, "stp", MEMORY);
        op(MicroOp.NOP, null, NOTHING);
        op(MicroOp.LDX_OFF, "ldxOff", MEMORY);
        op(MicroOp.STX_OFF, "stxOff", MEMORY);
        op(MicroOp.LDW_OFF, "ldwOff", MEMORY);
        op(MicroOp.LDB_OFF, "ldbOff", MEMORY);
        op(MicroOp.LDX_REG, "ldxReg", MEMORY);
        op(MicroOp.LDW_REG, "ldwReg", MEMORY);
        op(MicroOp.LDB_REG, "ldbReg", MEMORY);
        op(MicroOp.STW_OFF, "stwOff", MEMORY);
        op(MicroOp.LDH_OFF, "ldhOff", MEMORY);
        op(MicroOp.LDH_REG, "ldhReg", MEMORY);
        op(MicroOp.LDSW_OFF, "ldswOff", MEMORY);
        op(MicroOp.LDSW_REG, "ldswReg", MEMORY);
        op(MicroOp.LDB_POST, "ldbPost", MEMORY);
        op(MicroOp.STX_REG, "stxReg", MEMORY);
        op(MicroOp.STW_REG, "stwReg", MEMORY);
        op(MicroOp.STB_OFF, "stbOff", MEMORY);
        op(MicroOp.STB_REG, "stbReg", MEMORY);
        for (int op = 1; op < MicroOp.COUNT; op++) {
            if (KIND[op] < 0) {
                throw new ExceptionInInitializerError("no compiled form for fast operation " + op);
            }
        }
    }

    /** Whether operation {@code op} has a compiled form (every fast operation does; NONE does not). */
    static boolean compilable(int op) {
        return op > 0 && op < MicroOp.COUNT;
    }

    /**
     * How many instructions the block starting at {@code slot} holds.
     *
     * @param uops the page's micro-ops (the slot past the last is NONE)
     * @param slot the entry
     * @return its length, 0 if the entry has no fast form
     */
    static int length(long[] uops, int slot) {
        int i = slot;
        while (i - slot < MAX_LENGTH) {
            final int op = MicroOp.op(uops[i]);
            if (!compilable(op)) {
                break;
            }
            i++;
            if (KIND[op] == BRANCH) {
                break;
            }
        }
        return i - slot;
    }

    /**
     * Compiles the block that starts at {@code slot} of a decoded page.
     *
     * @param uops the page's micro-ops
     * @param imms their immediates
     * @param slot the entry slot
     * @return the block ({@link CompiledBlock#NONE} if the entry has no fast form)
     */
    static CompiledBlock compile(long[] uops, long[] imms, int slot) {
        return compile(uops, imms, null, slot, null, 0);
    }

    /**
     * Compiles the block that starts at {@code slot} of a decoded page, timed under the A53 model
     * when {@code timings} is given ({@link CompiledBlock#runTimed}), else for the fixed timing
     * ({@link CompiledBlock#run}). A timed block carries the memo of the entry state the model is
     * in now ({@link TimedBlockEmitter.Memo}): entries with the same signature apply it, others
     * time instruction by instruction.
     *
     * @param uops the page's micro-ops
     * @param imms their immediates
     * @param timings the page's {@link CycleModel#describe timing descriptors}, or null
     * @param slot the entry slot
     * @param model the cycle model, settled, at the block's entry (with {@code timings}), or null
     * @param now the cycle count at the block's entry
     * @return the block ({@link CompiledBlock#NONE} if the entry has no fast form)
     */
    static CompiledBlock compile(long[] uops, long[] imms, long[] timings, int slot, CycleModel model, long now) {
        final int length = length(uops, slot);
        if (length == 0) {
            return CompiledBlock.NONE;
        }
        final long[] costs = new long[length + 1];
        for (int i = 0; i < length; i++) {
            costs[i + 1] = costs[i] + MicroOp.cost(uops[slot + i]);
        }
        final long last = uops[slot + length - 1];
        final boolean selfLoop = KIND[MicroOp.op(last)] == BRANCH && MicroOp.op(last) != MicroOp.BR && MicroOp.op(last) != MicroOp.BLR
                && imms[slot + length - 1] == -4L * (length - 1);
        TimedBlockEmitter.Memo memo = null;
        if (timings != null) {
            memo = selfLoop ? TimedBlockEmitter.Memo.ofLoop(model, now, timings, slot, length)
                    : TimedBlockEmitter.Memo.of(model, now, timings, slot, length);
        }
        final byte[] bytes = bytecode(uops, imms, timings, memo, slot, length);
        try {
            MethodHandles.Lookup guest = LOOKUP.defineHiddenClass(bytes, true);
            CompiledBlock b = (CompiledBlock) guest.findConstructor(guest.lookupClass(),
                    MethodType.methodType(void.class, int.class, long[].class)).invoke(length, costs);
            b.selfLoop = selfLoop;
            b.times = timings != null ? java.util.Arrays.copyOfRange(timings, slot, slot + length) : null;
            return b;
        } catch (Throwable e) {
            // a bug of this class's, not of the guest's: the generated code failed verification
            throw new IllegalStateException("cannot define the compiled block at slot " + slot, e);
        }
    }

    /** Locals of the generated run(cpu, x, nzcv, pc). */
    private static final int CPU_LOCAL = 1;
    private static final int X_LOCAL = 2;
    private static final int NZCV_LOCAL = 3;
    private static final int PC_LOCAL = 4;
    /** runTimed's cycle count (a long) and cycle model (the last parameter; TimedBlockEmitter's locals follow). */
    static final int CYCLES_LOCAL = 6;
    static final int MODEL_LOCAL = 8;
    private static final String MODEL = "dev/levitate/sim/cpu/CycleModel";

    private static byte[] bytecode(long[] uops, long[] imms, long[] timings, TimedBlockEmitter.Memo memo, int slot, int length) {
        final boolean timed = timings != null;
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, NAME, null, BASE, null);
        MethodVisitor init = cw.visitMethod(0, "<init>", "(I[J)V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ILOAD, 1);
        init.visitVarInsn(Opcodes.ALOAD, 2);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, BASE, "<init>", "(I[J)V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        method(cw, uops, imms, null, null, slot, length);
        if (timed) {
            method(cw, uops, imms, timings, memo, slot, length);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** How the body of a block is timed: not at all (run), by its memo (runTimed, signature met), per instruction. */
    private enum Timing { NONE, MEMO, EACH }

    /**
     * Emits run (timings null) or runTimed. runTimed checks the memo's signature first and runs one
     * of two copies of the block: untimed with the memo applied at its end, or timed instruction by
     * instruction on the scoreboard in locals.
     */
    private static void method(ClassWriter cw, long[] uops, long[] imms, long[] timings, TimedBlockEmitter.Memo memo, int slot,
            int length) {
        final boolean timed = timings != null;
        MethodVisitor mv = timed
                ? cw.visitMethod(0, "runTimed", "(L" + CPU + ";[JIJJL" + MODEL + ";)I", null, null)
                : cw.visitMethod(0, "run", "(L" + CPU + ";[JIJ)I", null, null);
        mv.visitCode();
        if (!timed) {
            body(mv, uops, imms, timings, null, null, slot, length, Timing.NONE);
        } else {
            // every instruction is timed inline but a closing branch, which needs the predictor
            final boolean closes = KIND[MicroOp.op(uops[slot + length - 1])] == BRANCH;
            final TimedBlockEmitter timing = new TimedBlockEmitter(mv, timings, slot, closes ? length - 1 : length);
            final Label each = new Label();
            timing.check(memo, each);
            body(mv, uops, imms, timings, timing, memo, slot, length, Timing.MEMO);
            mv.visitLabel(each);
            timing.prologue();
            body(mv, uops, imms, timings, timing, null, slot, length, Timing.EACH);
            timing.exit(CPU_LOCAL, NZCV_LOCAL);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Emits one copy of the block's instructions, timed as {@code how} says, ending in a return. */
    private static void body(MethodVisitor mv, long[] uops, long[] imms, long[] timings, TimedBlockEmitter timing,
            TimedBlockEmitter.Memo memo, int slot, int length, Timing how) {
        boolean ended = false;
        for (int i = 0; i < length; i++) {
            final long u = uops[slot + i];
            final long k = imms[slot + i];
            final int op = MicroOp.op(u);
            final int kind = KIND[op];
            if (kind == NOTHING) {
                if (how == Timing.EACH) {
                    timing.retire(timings[slot + i]);
                }
                continue;
            }
            if (kind == MEMORY) {
                mv.visitVarInsn(Opcodes.ALOAD, CPU_LOCAL);
            } else if (kind == BRANCH) {
                mv.visitVarInsn(Opcodes.ALOAD, CPU_LOCAL); // for the putfield of the next PC
            }
            mv.visitVarInsn(Opcodes.ALOAD, X_LOCAL);
            mv.visitLdcInsn(u);
            mv.visitLdcInsn(k);
            if (kind == READS_FLAGS || kind == SETS_FROM_FLAGS || kind == BRANCH) {
                mv.visitVarInsn(Opcodes.ILOAD, NZCV_LOCAL);
            }
            if (kind == PC_RELATIVE || kind == BRANCH) {
                pcOf(mv, i);
            }
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, METHOD[op], DESCRIPTOR[kind], false);
            switch (kind) {
                case SETS_FLAGS, SETS_FROM_FLAGS -> mv.visitVarInsn(Opcodes.ISTORE, NZCV_LOCAL);
                case MEMORY -> {
                    // false: leave before this instruction, i instructions retired
                    Label done = new Label();
                    mv.visitJumpInsn(Opcodes.IFNE, done);
                    switch (how) {
                        case NONE -> returnRetired(mv, i, false);
                        case MEMO -> leaveUntimed(mv, i);
                        default -> timing.leaveBefore(i);
                    }
                    mv.visitLabel(done);
                }
                case BRANCH -> {
                    mv.visitFieldInsn(Opcodes.PUTFIELD, CPU, "pc", "J");
                    ended = true; // a branch is always the last instruction
                }
                default -> {
                }
            }
            if (how == Timing.EACH) {
                if (kind == BRANCH) {
                    timing.flush();
                    retire(mv, timings[slot + i], i);
                } else {
                    timing.retire(timings[slot + i]);
                }
            } else if (how == Timing.MEMO && kind == BRANCH) {
                // the memo covers the branch's issue; its prediction is made live, with the real predictor
                timing.apply(memo);
                predict(mv, timings[slot + i], i);
            }
        }
        if (!ended) {
            // straight-line to the end: the next PC follows the last instruction
            mv.visitVarInsn(Opcodes.ALOAD, CPU_LOCAL);
            pcOf(mv, length);
            mv.visitFieldInsn(Opcodes.PUTFIELD, CPU, "pc", "J");
            if (how == Timing.EACH) {
                timing.flush();
            } else if (how == Timing.MEMO) {
                timing.apply(memo);
            }
        }
        returnRetired(mv, length, how != Timing.NONE);
    }

    /**
     * if (model.mispredicted(t, pc + 4i, cpu.pc)) cycles += MISPREDICT: what {@link CycleModel#retire}
     * adds to a branch's issue (which the memo covered; the issue group's end, when it was taken or
     * mispredicted, is {@code mispredicted}'s to mark).
     */
    private static void predict(MethodVisitor mv, long t, int i) {
        mv.visitVarInsn(Opcodes.ALOAD, MODEL_LOCAL);
        branchArguments(mv, t, i);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MODEL, "mispredicted", "(JJJ)Z", false);
        final Label right = new Label();
        mv.visitJumpInsn(Opcodes.IFEQ, right);
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES_LOCAL);
        mv.visitLdcInsn((long) CycleModel.MISPREDICT);
        mv.visitInsn(Opcodes.LADD);
        mv.visitVarInsn(Opcodes.LSTORE, CYCLES_LOCAL);
        mv.visitLabel(right);
    }

    /**
     * return this.leaveTimed(cpu, retired, nzcv, pc, cycles, model): the untimed copy leaves before
     * instruction {@code retired}, whose predecessors then retire one by one.
     */
    private static void leaveUntimed(MethodVisitor mv, int retired) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, CPU_LOCAL);
        mv.visitLdcInsn(retired);
        mv.visitVarInsn(Opcodes.ILOAD, NZCV_LOCAL);
        mv.visitVarInsn(Opcodes.LLOAD, PC_LOCAL);
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES_LOCAL);
        mv.visitVarInsn(Opcodes.ALOAD, MODEL_LOCAL);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BASE, "leaveTimed", "(L" + CPU + ";IIJJL" + MODEL + ";)I", false);
        mv.visitInsn(Opcodes.IRETURN);
    }

    /** Pushes the address of the block's instruction {@code i}: pc + 4i. */
    private static void pcOf(MethodVisitor mv, int i) {
        mv.visitVarInsn(Opcodes.LLOAD, PC_LOCAL);
        if (i != 0) {
            mv.visitLdcInsn(4L * i);
            mv.visitInsn(Opcodes.LADD);
        }
    }

    /**
     * cycles = model.retire(cycles, t, pc + 4i, cpu.pc) for the closing branch (the board is
     * flushed first: {@link TimedBlockEmitter#flush}).
     */
    private static void retire(MethodVisitor mv, long t, int i) {
        mv.visitVarInsn(Opcodes.ALOAD, MODEL_LOCAL);
        mv.visitVarInsn(Opcodes.LLOAD, CYCLES_LOCAL);
        branchArguments(mv, t, i);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MODEL, "retire", "(JJJJ)J", false);
        mv.visitVarInsn(Opcodes.LSTORE, CYCLES_LOCAL);
    }

    /** Pushes what the model needs of the closing branch: its descriptor, its address pc + 4i, and where it went (cpu.pc). */
    private static void branchArguments(MethodVisitor mv, long t, int i) {
        mv.visitLdcInsn(t);
        pcOf(mv, i);
        mv.visitVarInsn(Opcodes.ALOAD, CPU_LOCAL);
        mv.visitFieldInsn(Opcodes.GETFIELD, CPU, "pc", "J");
    }

    /** Returns {@code retired << 4 | nzcv}; timed, the cycle count goes to cpu.cycles first. */
    private static void returnRetired(MethodVisitor mv, int retired, boolean timed) {
        if (timed) {
            mv.visitVarInsn(Opcodes.ALOAD, CPU_LOCAL);
            mv.visitVarInsn(Opcodes.LLOAD, CYCLES_LOCAL);
            mv.visitFieldInsn(Opcodes.PUTFIELD, CPU, "cycles", "J");
        }
        mv.visitLdcInsn(retired << 4);
        mv.visitVarInsn(Opcodes.ILOAD, NZCV_LOCAL);
        mv.visitInsn(Opcodes.IOR);
        mv.visitInsn(Opcodes.IRETURN);
    }
}

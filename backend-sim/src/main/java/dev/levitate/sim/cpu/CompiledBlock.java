package dev.levitate.sim.cpu;

/**
 * One guest block turned into JVM bytecode by the {@link BlockCompiler}: the pre-decoded
 * instructions of a page from an entry slot up to and including the first branch (or up to an
 * instruction without a fast form, or the page's end). Its code is a hidden class's
 * {@link #run}; this base holds what the {@link BlockJit driver} needs to run it only where the
 * result is the interpreter's: its length and the fixed-timing cycles of each prefix.
 */
abstract class CompiledBlock {
    /** Instructions in the block (0: the entry has no fast form; nothing to run). */
    final int length;
    /** {@code costs[i]}: the fixed-timing cycles of the first {@code i} instructions (length + 1 entries). */
    final long[] costs;
    /** Whether the block ends in a direct branch back to its own first instruction (a loop of one block). */
    boolean selfLoop;
    /** Under the A53 model, the {@link CycleModel#describe timing descriptors} of its instructions; else null. */
    long[] times;

    /**
     * Sets the block's shape (the compiler's hidden subclass passes them on).
     *
     * @param length instructions in the block
     * @param costs prefix cycle costs, {@code length + 1} entries
     */
    CompiledBlock(int length, long[] costs) {
        this.length = length;
        this.costs = costs;
    }

    /**
     * Runs the block from its first instruction, whose address is {@code pc}.
     *
     * <p>Every instruction but the last is straight-line; a load or store that the fast tiers may
     * not do (data-page cache miss, page crossing, misaligned SP) ends the run <em>before</em> it,
     * with nothing of it done. After the last instruction the next PC is in {@code cpu.pc}.
     *
     * @param cpu the CPU (its data-page caches, and {@code pc} for the result)
     * @param x the register file
     * @param nzcv the flags on entry, N in bit 3 .. V in bit 0
     * @param pc the virtual address of the first instruction
     * @return the instructions retired shifted left by 4, or'ed with the flags on exit; fewer than
     *     {@link #length} retired means the next one needs the general interpreter
     */
    abstract int run(Cpu cpu, long[] x, int nzcv, long pc);

    /**
     * Runs the block as {@link #run} does, and times it under the A53 model with the result the
     * general interpreter's {@link CycleModel#retire} of each instruction would give: by the memo
     * compiled into it when the entry state has its signature, else instruction by instruction on
     * the scoreboard in locals ({@link TimedBlockEmitter}). Only a block compiled for the A53 model
     * has this method.
     *
     * @param cpu the CPU; the cycle count after the instructions that ran goes to {@code cpu.cycles}
     * @param x the register file
     * @param nzcv the flags on entry
     * @param pc the virtual address of the first instruction
     * @param cycles the cycle count on entry
     * @param model the cycle model (its scoreboard, units and branch predictor)
     * @return as {@link #run}
     * @throws IllegalStateException if the block was compiled for the fixed timing
     */
    int runTimed(Cpu cpu, long[] x, int nzcv, long pc, long cycles, CycleModel model) {
        throw new IllegalStateException("this block was compiled for the fixed timing");
    }

    /**
     * The untimed copy of {@link #runTimed} (its entry matched the memo) leaves before instruction
     * {@code retired}: the ones before it retire through the model one by one, as the general
     * interpreter would have timed them.
     *
     * @param cpu the CPU; the cycle count after them goes to {@code cpu.cycles}
     * @param retired how many instructions of the block ran
     * @param nzcv the flags now
     * @param pc the virtual address of the block's first instruction
     * @param cycles the cycle count at the block's entry
     * @param model the cycle model
     * @return as {@link #run}
     */
    final int leaveTimed(Cpu cpu, int retired, int nzcv, long pc, long cycles, CycleModel model) {
        final long[] t = times;
        long now = cycles;
        for (int i = 0; i < retired; i++) {
            final long va = pc + 4L * i;
            now = model.retire(now, t[i], va, va + 4);
        }
        cpu.cycles = now;
        return retired << 4 | nzcv;
    }

    /** The block of an entry whose first instruction has no fast form. */
    static final CompiledBlock NONE = new CompiledBlock(0, new long[1]) {
        @Override
        int run(Cpu cpu, long[] x, int nzcv, long pc) {
            return nzcv;
        }

        @Override
        int runTimed(Cpu cpu, long[] x, int nzcv, long pc, long cycles, CycleModel model) {
            cpu.cycles = cycles;
            return nzcv;
        }
    };
}

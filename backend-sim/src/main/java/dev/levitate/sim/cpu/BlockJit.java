package dev.levitate.sim.cpu;

/**
 * The compiled tier: runs hot blocks of a code page as {@link BlockCompiler compiled} JVM code, one
 * dispatch per block, and lends everything else to the {@link FastLoop}, under the same contract
 * (PC in the page, returns the instructions retired, 0 when the first one needs the general
 * interpreter).
 *
 * <p>A block runs compiled only when the interpreter would run all of it too: its length fits the
 * budget, and no event falls due before its last instruction (the fast loop looks at the event
 * before each instruction). Under the fixed timing a block's cycles are the sum of its
 * instructions' costs, known when it is compiled: {@code cycles + costs[length - 1] < nextEvent}.
 * Under the A53 model a compiled block times itself ({@link CompiledBlock#runTimed}: by the memo of
 * the entry state it was compiled in when the entry state has the same signature, else instruction
 * by instruction on the scoreboard in locals; {@link TimedBlockEmitter}), and runs only when no
 * event can fall inside it ({@link #MAX_CYCLES_PER_INSTRUCTION}). Otherwise — and while an entry is still
 * cold (entered fewer than {@link CpuConfig#compileAfter()} times) — the fast loop runs the block,
 * stopping exactly where it must. So the instructions, cycles, events and stops are the
 * interpreter's, whichever tier ran them; {@code FastLoopEquivalenceProperties} checks that under
 * both timings.
 */
final class BlockJit {
    private static final long STAY = ~0xFFCL;
    /**
     * More cycles than one instruction of the fast tiers can add under the A53 model: an operand or
     * unit waits at most the largest latency or occupancy (31: every value on the scoreboard is
     * ready by then, as each is set to issue + latency), then issue + 1 + the cycles after issue
     * (at most 15) + a misprediction (8) — under 64. The fast tiers take no TLB walk or exception.
     */
    static final long MAX_CYCLES_PER_INSTRUCTION = 256;

    /**
     * Rounds a loop of one block goes in a row on its own compiled timing (whose memo is the loop's
     * steady state: {@link TimedBlockEmitter.Memo#ofLoop}) before {@link BlockTiming} takes it
     * over: entering the block timing (its memo lookup, and settling the board when the loop ends)
     * costs more than the two or three rounds most short loops go, and pays off on long ones,
     * whose steady state it then times in a few field updates a round.
     */
    static final int LAPS_BEFORE_BLOCK_TIMING = 8;

    private final Cpu cpu;
    private final FastLoop fast;
    private final int threshold;
    /** The A53 model, or null for the fixed timing. */
    private final CycleModel model;
    /** The fast loop's block timing under the A53 model (for loops of one block), or null. */
    private final BlockTiming timing;
    /** Instructions retired in compiled blocks. */
    long retired;
    /** Blocks compiled. */
    long compiled;

    /**
     * A compiled tier in front of {@code fast}.
     *
     * @param threshold entries into a block before it is compiled, 1..127 (a few entries also let
     *     the block's words all be decoded first: a block stops before an undecoded word)
     */
    BlockJit(Cpu cpu, FastLoop fast, int threshold) {
        if (threshold < 1 || threshold > 127) {
            throw new IllegalArgumentException("JIT threshold must be 1..127 entries: " + threshold);
        }
        this.cpu = cpu;
        this.fast = fast;
        this.threshold = threshold;
        this.model = fast != null && fast.blocks != null ? cpu.cycleModel() : null;
        this.timing = model != null ? fast.blocks : null;
    }

    /**
     * Runs from the CPU's PC, which lies in {@code page}, until the PC leaves the page, the budget
     * is spent, an event is due, or an instruction needs the general interpreter.
     *
     * <p>Under the A53 model a compiled block times itself ({@link CompiledBlock#runTimed}), where
     * no event can fall inside it; a loop of one block that has gone
     * {@link #LAPS_BEFORE_BLOCK_TIMING} rounds in a row is timed by {@link BlockTiming} instead
     * while that times whole rounds (its memo, then its steady state, which defers the board's
     * writes to the loop's last round: cheaper again than the block's own memo). The
     * fast loop, for everything else, drives the block timing itself. Each leaves the model settled.
     *
     * @param page the decoded page the PC's physical address falls in
     * @param budget the most instructions to run
     * @return how many instructions retired
     */
    long run(DecodeCache.Page page, long budget) {
        final Cpu cpu = this.cpu;
        final CycleModel model = this.model;
        final long[] x = cpu.x;
        final long here = cpu.pc & ~0xFFFL;
        final long eventAt = cpu.nextEvent;
        CompiledBlock[] blocks = page.blocks;
        if (blocks == null) {
            blocks = page.blocks = new CompiledBlock[1024];
            page.heat = new byte[1024];
        }
        final byte[] heat = page.heat;
        long pc = cpu.pc;
        long cycles = cpu.cycles;
        int nzcv = cpu.n << 3 | cpu.z << 2 | cpu.c << 1 | cpu.v;
        long done = 0;
        long compiledRun = 0;
        int laps = 0; // rounds a loop of one block has gone in a row on its own timing
        run:
        while (done < budget && cycles < eventAt) {
            final int slot = (int) (pc - here) >>> 2;
            CompiledBlock b = blocks[slot];
            if (b == null && ++heat[slot] == threshold) {
                b = blocks[slot] = BlockCompiler.compile(page.uops, page.imms, model != null ? page.timings : null, slot, model, cycles);
                compiled++;
            }
            if (model != null && b != null && b.selfLoop && laps >= LAPS_BEFORE_BLOCK_TIMING && b.length <= budget - done) {
                laps = 0;
                // a loop of one block under the A53 model: the block timing's memo, and its steady
                // state once the loop meets the same signature again, time whole rounds
                final long start = pc;
                timing.begin(page, pc, cycles, eventAt, budget - done);
                // (the budget and the event are the block timing's to check; tested here too, so that
                // no slip there can keep this loop going)
                while (b.length <= budget - done && cycles < eventAt && timing.untimedLength(pc) == b.length) {
                    final int r = b.run(cpu, x, nzcv, pc);
                    final int ran = r >>> 4;
                    nzcv = r & 15;
                    done += ran;
                    compiledRun += ran;
                    if (ran < b.length) {
                        pc += 4L * ran; // BlockTiming.end retires those one by one
                        cycles = timing.end(cycles, pc);
                        break run;
                    }
                    final long next = cpu.pc;
                    cycles = timing.step(cycles, pc + 4L * (b.length - 1), next);
                    pc = next;
                    if (pc != start) {
                        break;
                    }
                }
                cycles = timing.end(cycles, pc); // at a block's start: retires nothing, settles the board
                if (pc != start) {
                    if ((pc & STAY) != here) {
                        break;
                    }
                    continue;
                }
                // not timed as a whole here (an event or the budget near, a changing signature): below
            }
            if (b != null && b.length > 0 && b.length <= budget - done
                    && (model == null ? cycles + b.costs[b.length - 1] < eventAt
                            : eventAt - cycles > (long) b.length * MAX_CYCLES_PER_INSTRUCTION)) {
                final int r = model == null ? b.run(cpu, x, nzcv, pc) : b.runTimed(cpu, x, nzcv, pc, cycles, model);
                final int ran = r >>> 4;
                nzcv = r & 15;
                done += ran;
                compiledRun += ran;
                if (model == null) {
                    cycles += b.costs[ran];
                } else {
                    cycles = cpu.cycles;
                    if (b.selfLoop) {
                        laps = cpu.pc == pc ? laps + 1 : 0;
                    }
                }
                if (ran < b.length) {
                    pc += 4L * ran; // the general interpreter runs that one
                    break;
                }
                pc = cpu.pc;
                if ((pc & STAY) != here) {
                    break; // another page, or misaligned
                }
                continue;
            }
            // cold, or an event or the budget inside the block: the fast loop, up to the block's end
            final int length = b != null ? b.length : BlockCompiler.length(page.uops, slot);
            if (length == 0) {
                break;
            }
            cpu.pc = pc;
            cpu.cycles = cycles;
            store(cpu, nzcv);
            final long ran = fast.run(page, Math.min(length, budget - done));
            done += ran;
            pc = cpu.pc;
            cycles = cpu.cycles;
            nzcv = cpu.n << 3 | cpu.z << 2 | cpu.c << 1 | cpu.v;
            if (ran == 0 || (pc & STAY) != here) {
                break;
            }
        }
        cpu.pc = pc;
        cpu.cycles = cycles;
        store(cpu, nzcv);
        retired += compiledRun;
        return done;
    }

    private static void store(Cpu cpu, int nzcv) {
        cpu.n = nzcv >>> 3;
        cpu.z = (nzcv >>> 2) & 1;
        cpu.c = (nzcv >>> 1) & 1;
        cpu.v = nzcv & 1;
    }
}

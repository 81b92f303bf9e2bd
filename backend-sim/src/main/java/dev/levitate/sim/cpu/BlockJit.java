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
 * Under the A53 model the fast loop's {@link BlockTiming} decides, as it does for the fast loop: a
 * block it has memoized and entered untimed ({@link BlockTiming#untimedLength}) runs compiled and
 * is timed at its last instruction; one it retires instruction by instruction runs compiled too
 * when no event can fall inside it ({@link #MAX_CYCLES_PER_INSTRUCTION}), and its instructions are
 * then retired in order. Otherwise — and while an entry is still cold (entered fewer than {@link CpuConfig#compileAfter()} times) — the
 * fast loop runs the block, stopping exactly where it must. So the instructions, cycles, events and
 * stops are the interpreter's, whichever tier ran them; {@code FastLoopEquivalenceProperties}
 * checks that under both timings.
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

    private final Cpu cpu;
    private final FastLoop fast;
    private final int threshold;
    /** The A53 model's block timing (the fast loop's own), or null for the fixed timing. */
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
        this.timing = fast != null ? fast.blocks : null;
    }

    /**
     * Runs from the CPU's PC, which lies in {@code page}, until the PC leaves the page, the budget
     * is spent, an event is due, or an instruction needs the general interpreter.
     *
     * @param page the decoded page the PC's physical address falls in
     * @param budget the most instructions to run
     * @return how many instructions retired
     */
    long run(DecodeCache.Page page, long budget) {
        if (timing != null) {
            return runTimed(page, budget, timing);
        }
        final Cpu cpu = this.cpu;
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
        while (done < budget && cycles < eventAt) {
            final int slot = (int) (pc - here) >>> 2;
            CompiledBlock b = blocks[slot];
            if (b == null && ++heat[slot] == threshold) {
                b = blocks[slot] = BlockCompiler.compile(page.uops, page.imms, slot);
                compiled++;
            }
            if (b != null && b.length > 0 && b.length <= budget - done && cycles + b.costs[b.length - 1] < eventAt) {
                final int r = b.run(cpu, x, nzcv, pc);
                final int ran = r >>> 4;
                nzcv = r & 15;
                done += ran;
                compiledRun += ran;
                cycles += b.costs[ran];
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

    /** {@link #run} under the A53 model: {@link BlockTiming} times the blocks, as it does for the fast loop. */
    private long runTimed(DecodeCache.Page page, long budget, BlockTiming timing) {
        final Cpu cpu = this.cpu;
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
        timing.begin(page, pc, cycles, eventAt, budget);
        boolean begun = true;
        while (done < budget && cycles < eventAt) {
            final int slot = (int) (pc - here) >>> 2;
            CompiledBlock b = blocks[slot];
            if (b == null && ++heat[slot] == threshold) {
                b = blocks[slot] = BlockCompiler.compile(page.uops, page.imms, slot);
                compiled++;
            }
            if (b != null && b.length > 0 && b.length == timing.untimedLength(pc)) {
                // entered untimed, ending before the event and within the budget: timed at its end
                final int r = b.run(cpu, x, nzcv, pc);
                final int ran = r >>> 4;
                nzcv = r & 15;
                done += ran;
                compiledRun += ran;
                if (ran < b.length) {
                    pc += 4L * ran; // BlockTiming.end retires those one by one; the general interpreter runs the next
                    break;
                }
                final long next = cpu.pc;
                cycles = timing.step(cycles, pc + 4L * (b.length - 1), next);
                pc = next;
                if ((pc & STAY) != here) {
                    break;
                }
                continue;
            }
            if (b != null && b.length > 0 && b.length <= budget - done && timing.untimedLength(pc) == 0
                    && eventAt - cycles > (long) b.length * MAX_CYCLES_PER_INSTRUCTION) {
                // timed one by one (no memo, or a signature that keeps changing), and no event can
                // fall inside the block: run it compiled, then retire its instructions in order
                final int r = b.run(cpu, x, nzcv, pc);
                final int ran = r >>> 4;
                nzcv = r & 15;
                done += ran;
                compiledRun += ran;
                final int inside = ran == b.length ? ran - 1 : ran;
                for (int i = 0; i < inside; i++) {
                    final long va = pc + 4L * i;
                    cycles = timing.step(cycles, va, va + 4);
                }
                if (ran < b.length) {
                    pc += 4L * ran;
                    break;
                }
                final long next = cpu.pc;
                cycles = timing.step(cycles, pc + 4L * (b.length - 1), next);
                pc = next;
                if ((pc & STAY) != here) {
                    break;
                }
                continue;
            }
            // cold, or an event may be near: the fast loop, up to the block's end (it begins and
            // ends the block timing itself)
            final int length = b != null ? b.length : BlockCompiler.length(page.uops, slot);
            if (length == 0) {
                break;
            }
            cycles = timing.end(cycles, pc); // at the block's start: retires nothing, settles the board
            begun = false;
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
            timing.begin(page, pc, cycles, eventAt, budget - done);
            begun = true;
        }
        if (begun) {
            cycles = timing.end(cycles, pc);
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

package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.a64.A64;
import dev.levitate.a64.Decoder;
import dev.levitate.a64.Disassembler;
import dev.levitate.sim.machine.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The {@link FastLoop} against the general interpreter: the same words from the same state — every
 * register, NZCV, 64 KiB of data — run once through the fast tier (data-page caches primed, no
 * debug points) and once through the general path only ({@link CpuConfig#withFastTier}(false)),
 * under the fixed and the A53 timing. Registers, SP, PC, NZCV, memory, the stop, retired
 * instructions and cycles must all agree. The general path is itself checked against Unicorn and
 * QEMU; this property carries that to the fast tier, which those tests reach only in loops.
 * Statistics make sure most samples really ran in the fast tier.
 */
class FastLoopEquivalenceProperties {
    static final long CODE = Machine.RAM_BASE + 0x1000;
    static final long DATA = Machine.RAM_BASE + 0x10_0000;
    static final int DATA_SIZE = 64 * 1024;
    static final long RAM = 4L << 20;
    /** A breakpoint no sample reaches (outside RAM, not a value the register draws produce). */
    static final long FAR_AWAY = 0x7FF0_1234_5678_9AB0L;

    /** Rows with at least one word that has a fast form. */
    static final List<A64> FAST_ROWS = new ArrayList<>();

    static {
        SplittableRandom rnd = new SplittableRandom(1);
        for (A64 row : A64.values()) {
            for (int t = 0; t < 2000; t++) {
                int w = row.encoding().value() | (rnd.nextInt() & ~row.encoding().mask());
                if (Decoder.decode(w) == row.ordinal() && MicroOp.encode(row.ordinal(), w, new long[1], 0) != MicroOp.NONE) {
                    FAST_ROWS.add(row);
                    break;
                }
            }
        }
    }

    /** Every fast operation is produced by some word, so the properties below can reach it. */
    @org.junit.jupiter.api.Test
    void everyOperationHasWordsThatDecodeToIt() {
        java.util.BitSet seen = new java.util.BitSet();
        SplittableRandom rnd = new SplittableRandom(2);
        for (A64 row : FAST_ROWS) {
            for (int t = 0; t < 20_000; t++) {
                int w = row.encoding().value() | (rnd.nextInt() & ~row.encoding().mask());
                if (Decoder.decode(w) == row.ordinal()) {
                    seen.set(MicroOp.op(MicroOp.encode(row.ordinal(), w, new long[1], 0)));
                }
            }
        }
        for (int op = 1; op < MicroOp.COUNT; op++) {
            org.junit.jupiter.api.Assertions.assertTrue(seen.get(op), "no word decodes to fast operation " + op);
        }
    }

    /**
     * The sim backend's one {@code setBreakpoint} address keeps the fast tier off its own page only:
     * a loop on another page runs there, and the run still stops right before the breakpoint, with
     * the same counts as a run in the general interpreter alone.
     */
    @org.junit.jupiter.api.Test
    void aSetBreakpointKeepsTheFastTierOffItsOwnPageOnly() {
        long pageA = Machine.RAM_BASE + 0x1000;
        long pageB = Machine.RAM_BASE + 0x2000;
        int[] loop = {
            0xd2800c80, // movz x0, #100
            0xf1000400, // subs x0, x0, #1
            0x54ffffe1, // b.ne .-4
            0x140003fd, // b pageB
        };
        long[] results = new long[6];
        for (int pass = 0; pass < 2; pass++) {
            Machine m = new Machine(RAM, b -> { }, b -> { }, b -> { });
            for (int i = 0; i < loop.length; i++) {
                m.ram().write32(pageA + 4L * i, loop[i]);
            }
            m.ram().write32(pageB, 0xd503201f);     // nop
            m.ram().write32(pageB + 4, 0xd503201f); // nop: the breakpoint
            Cpu cpu = m.cpu();
            cpu.setPc(pageA);
            cpu.setBreakpoint(pageB + 4);
            if (pass == 1) {
                cpu.addBreakpoint(FAR_AWAY); // a debugger's breakpoint: the general interpreter only
            }
            assertEquals(StopKind.DEBUG_BREAK, m.run(10_000));
            assertEquals(pageB + 4, cpu.pc());
            results[3 * pass] = cpu.instructions();
            results[3 * pass + 1] = cpu.cycles();
            results[3 * pass + 2] = cpu.fastRetired;
        }
        assertEquals(1 + 200 + 1 + 1, results[0], "movz, 100 rounds of subs and b.ne, b, nop");
        assertEquals(results[3], results[0], "instructions, fast tier against general");
        assertEquals(results[4], results[1], "cycles, fast tier against general");
        org.junit.jupiter.api.Assertions.assertTrue(results[2] >= 200, "the loop ran in the fast tier: " + results[2]);
        assertEquals(0, results[5], "with a debugger's breakpoint set, nothing runs in the fast tier");
    }

    /** Words, registers, flags and data for one comparison. */
    record Sample(int[] words, long seed, boolean a53) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format("%n  state from seed %d, %s timing:%n", seed, a53 ? "A53" : "fixed"));
            long pc = CODE;
            for (int w : words) {
                b.append(String.format("  0x%08x  %08x  %s%n", pc, w, Disassembler.disassemble(w, pc)));
                pc += 4;
            }
            return b.toString();
        }
    }

    @Provide
    Arbitrary<Integer> fastWords() {
        return Arbitraries.of(FAST_ROWS).flatMap(row -> Arbitraries.integers()
                .map(bits -> row.encoding().value() | (bits & ~row.encoding().mask()))
                .filter(w -> Decoder.decode(w) == row.ordinal()
                        && MicroOp.encode(row.ordinal(), w, new long[1], 0) != MicroOp.NONE));
    }

    @Provide
    Arbitrary<Sample> single() {
        return Combinators.combine(fastWords(), Arbitraries.longs(), Arbitraries.of(false, true))
                .as((w, seed, a53) -> new Sample(new int[] {w}, seed, a53));
    }

    @Provide
    Arbitrary<Sample> sequences() {
        // destinations kept to x0..x15 so the base registers x20..x23 keep pointing into the data
        Arbitrary<Integer> word = fastWords().map(w -> isMemory(w) ? (w & ~(31 << 5)) | (20 + ((w >>> 5) & 3)) << 5 : w)
                .map(w -> (w & ~31) | (w & 15));
        return Combinators.combine(word.array(int[].class).ofMinSize(2).ofMaxSize(40), Arbitraries.longs(), Arbitraries.of(false, true))
                .as(Sample::new);
    }

    @Provide
    Arbitrary<Sample> loops() {
        Arbitrary<Integer> word = fastWords().map(w -> isMemory(w) ? (w & ~(31 << 5)) | (20 + ((w >>> 5) & 3)) << 5 : w)
                .map(w -> (w & ~31) | (w & 15));
        return Combinators.combine(word.array(int[].class).ofMinSize(1).ofMaxSize(10), Arbitraries.longs())
                .as((body, seed) -> {
                    int[] words = java.util.Arrays.copyOf(body, body.length + 3);
                    words[body.length] = 0xF100079C; // subs x28, x28, #1
                    words[body.length + 1] = 0x54000001 | ((-(body.length + 1)) & 0x7FFFF) << 5; // b.ne to the start
                    words[body.length + 2] = 0x14000000; // b .
                    return new Sample(words, seed, true);
                });
    }

    /** The same loops under either timing. */
    @Provide
    Arbitrary<Sample> bothLoops() {
        return Combinators.combine(loops(), Arbitraries.of(false, true)).as((l, a53) -> new Sample(l.words(), l.seed(), a53));
    }

    /**
     * A loop under the A53 model, run in random slices of the budget: the fast tier's block timing
     * (memos, steady-state re-entry, scoreboard writes settled at every exit, instructions of a block
     * cut short retired one by one) gives the general interpreter's cycles after every slice.
     */
    @Property(tries = 400)
    void loopsInSlicesAgree(@ForAll("loops") Sample s) {
        inSlices(s, Tier.FAST);
    }

    /**
     * Random loops under either timing, in random slices of the budget, with every block compiled
     * on its first entry: the compiled tier leaves a block to the fast loop where the budget ends
     * inside it (under the A53 model: where the block timing retires it one by one), and gives the
     * general interpreter's state, cycles, pairs and mispredictions after every slice.
     */
    @Property(tries = 300)
    void compiledLoopsInSlicesAgree(@ForAll("bothLoops") Sample s) {
        Machine m = inSlices(s, Tier.COMPILED);
        Statistics.label("compiled").collect(m.cpu().compiledInstructions() > 0 ? "ran" : "gave way");
        Statistics.label("compiled").coverage(c -> c.check("ran").percentage(p -> p > 50));
    }

    private Machine inSlices(Sample s, Tier tier) {
        Machine fast = machine(s, tier);
        Machine general = machine(s, false);
        SplittableRandom rnd = new SplittableRandom(s.seed());
        long iterations = rnd.nextLong(1, 80);
        fast.cpu().setReg(28, iterations);
        general.cpu().setReg(28, iterations);
        fast.cpu().primeDataPages(DATA, DATA_SIZE >>> 12);
        general.cpu().primeDataPages(DATA, DATA_SIZE >>> 12);
        for (int slice = 0; slice < 12; slice++) {
            long budget = rnd.nextInt(4) == 0 ? rnd.nextLong(1, 8) : rnd.nextLong(8, 200);
            assertEquals(general.cpu().runLoop(budget), fast.cpu().runLoop(budget), "stop, slice " + slice);
            assertEquals(general.cpu().instructions(), fast.cpu().instructions(), "instructions, slice " + slice);
            assertEquals(general.cpu().cycles(), fast.cpu().cycles(), "cycles, slice " + slice);
            assertEquals(general.cpu().pc(), fast.cpu().pc(), "PC, slice " + slice);
            for (int i = 0; i < 32; i++) {
                assertEquals(general.cpu().reg(i), fast.cpu().reg(i), "x" + i + ", slice " + slice);
            }
            assertEquals(general.cpu().nzcv(), fast.cpu().nzcv(), "NZCV, slice " + slice);
            assertEquals(general.cpu().cycleModel().pairs(), fast.cpu().cycleModel().pairs(), "dual-issued pairs, slice " + slice);
            assertEquals(general.cpu().cycleModel().mispredicts(), fast.cpu().cycleModel().mispredicts(), "mispredictions, slice " + slice);
        }
        assertData(general, fast);
        Statistics.label("fast tier").collect(fast.cpu().fastRetired > 0 ? "ran" : "gave way");
        return fast;
    }

    /**
     * Events (timer deadlines) every few cycles, under the A53 model: the fast tier, timing whole
     * blocks, must stop for them before exactly the instructions the general interpreter does, at
     * exactly the same cycle counts.
     */
    @Property(tries = 300)
    void eventsLandOnTheSameInstructions(@ForAll("loops") Sample s) {
        withEvents(s, Tier.FAST);
    }

    /**
     * Events every few cycles (or every 500-3000) under either timing, every block compiled on its
     * first entry: a block with an event due before its last instruction (under the A53 model: an
     * event that may be due inside it) is left to the fast loop, so the events stop the run before
     * the same instructions, at the same cycles, as in the general interpreter.
     */
    @Property(tries = 300)
    void compiledEventsLandOnTheSameInstructions(@ForAll("bothLoops") Sample s) {
        Machine m = withEvents(s, Tier.COMPILED);
        Statistics.label("compiled").collect(m.cpu().compiledInstructions() > 0 ? "ran" : "gave way");
        Statistics.label("compiled").coverage(c -> c.check("ran").percentage(p -> p > 50));
    }

    private Machine withEvents(Sample s, Tier tier) {
        SplittableRandom rnd = new SplittableRandom(s.seed());
        // the compiled tier also gets events far enough apart for its blocks to run between them
        // (under the A53 model a block runs compiled only with 256 cycles per instruction to spare)
        long period = tier == Tier.COMPILED && rnd.nextBoolean() ? rnd.nextLong(500, 3000) : rnd.nextLong(3, 60);
        long iterations = rnd.nextLong(1, 80);
        Machine fast = machine(s, tier);
        Machine general = machine(s, false);
        List<String> fastLog = new ArrayList<>();
        List<String> generalLog = new ArrayList<>();
        List<StopKind> stops = new ArrayList<>();
        for (Machine m : List.of(fast, general)) {
            List<String> log = m == fast ? fastLog : generalLog;
            Cpu cpu = m.cpu();
            cpu.setReg(28, iterations);
            cpu.primeDataPages(DATA, DATA_SIZE >>> 12);
            cpu.setInterruptLine(new Cpu.InterruptLine() {
                @Override
                public void sync(long cycles) {
                    log.add("event at cycle " + cycles + ", instruction " + cpu.instructions() + ", pc " + Long.toHexString(cpu.pc()));
                }

                @Override
                public boolean irq() {
                    return false;
                }

                @Override
                public long nextEvent(long cycles) {
                    return (cycles / period + 1) * period;
                }
            });
            stops.add(cpu.runLoop(600));
        }
        assertEquals(stops.get(1), stops.get(0), "stop");
        assertEquals(generalLog, fastLog, "events, every " + period + " cycles");
        assertEquals(general.cpu().cycleModel().pairs(), fast.cpu().cycleModel().pairs(), "dual-issued pairs");
        assertEquals(general.cpu().cycleModel().mispredicts(), fast.cpu().cycleModel().mispredicts(), "mispredictions");
        assertEquals(general.cpu().cycles(), fast.cpu().cycles(), "cycles");
        assertEquals(general.cpu().pc(), fast.cpu().pc(), "PC");
        for (int i = 0; i < 32; i++) {
            assertEquals(general.cpu().reg(i), fast.cpu().reg(i), "x" + i);
        }
        assertData(general, fast);
        Statistics.label("fast tier").collect(fast.cpu().fastRetired > 0 ? "ran" : "gave way");
        return fast;
    }

    private static boolean isMemory(int w) {
        return ((w >>> 25) & 5) == 4; // op0 x1x0: loads and stores (C4.1)
    }

    @Property(tries = 4000)
    void oneInstructionAgrees(@ForAll("single") Sample s) {
        compare(s, 1);
    }

    @Property(tries = 600)
    void sequencesAgree(@ForAll("sequences") Sample s) {
        compare(s, 200);
    }

    /** One instruction of every fast row as a compiled block, under either timing, against the general interpreter. */
    @Property(tries = 2000)
    void compiledOneInstructionAgrees(@ForAll("single") Sample s) {
        compare(s, 1, Tier.COMPILED);
    }

    /**
     * Sequences of up to 40 words compiled as blocks, under either timing (flags carried between
     * instructions, a load or store that misses the data-page caches leaving its block before
     * itself), against the general interpreter.
     */
    @Property(tries = 600)
    void compiledSequencesAgree(@ForAll("sequences") Sample s) {
        Machine m = compare(s, 200, Tier.COMPILED);
        Statistics.label("compiled").collect(m.cpu().compiledInstructions() > 0 ? "ran" : "gave way");
        Statistics.label("compiled").coverage(c -> c.check("ran").percentage(p -> p > 60));
    }

    private void compare(Sample s, long budget) {
        compare(s, budget, Tier.FAST);
    }

    private Machine compare(Sample s, long budget, Tier tier) {
        Machine fast = machine(s, tier);
        Machine general = machine(s, false);
        fast.cpu().primeDataPages(DATA, DATA_SIZE >>> 12);
        general.cpu().primeDataPages(DATA, DATA_SIZE >>> 12);
        StopKind a = fast.cpu().runLoop(budget);
        StopKind b = general.cpu().runLoop(budget);
        Statistics.label("fast tier").collect(fast.cpu().fastRetired > 0 ? "ran" : "gave way");
        Statistics.label("fast tier").coverage(c -> c.check("ran").percentage(p -> p > 60));
        assertEquals(0, general.cpu().fastRetired, "the general machine must not use the fast tier");
        assertEquals(b, a, "stop");
        for (int i = 0; i < 32; i++) {
            assertEquals(general.cpu().reg(i), fast.cpu().reg(i), "x" + i + (i == 31 ? " (SP)" : ""));
        }
        assertEquals(general.cpu().pc(), fast.cpu().pc(), "PC");
        assertEquals(general.cpu().nzcv(), fast.cpu().nzcv(), "NZCV");
        assertEquals(general.cpu().instructions(), fast.cpu().instructions(), "instructions");
        assertEquals(general.cpu().cycles(), fast.cpu().cycles(), "cycles");
        assertData(general, fast);
        return fast;
    }

    private static void assertData(Machine general, Machine fast) {
        byte[] x = new byte[DATA_SIZE];
        byte[] y = new byte[DATA_SIZE];
        fast.ram().read(DATA, x, 0, DATA_SIZE);
        general.ram().read(DATA, y, 0, DATA_SIZE);
        assertArrayEquals(y, x, "data memory");
    }

    /** Which tiers a machine may use: the general interpreter only, the fast loop, or compiled blocks in front of it. */
    enum Tier { GENERAL, FAST, COMPILED }

    private static Machine machine(Sample s, boolean fastTier) {
        return machine(s, fastTier ? Tier.FAST : Tier.GENERAL);
    }

    private static Machine machine(Sample s, Tier tier) {
        CpuConfig config = CpuConfig.defaults().withTiming(s.a53() ? CpuConfig.Timing.A53 : CpuConfig.Timing.FIXED)
                .withFastTier(tier != Tier.GENERAL);
        Machine m = new Machine(RAM, config, b -> { }, b -> { }, b -> { });
        SplittableRandom rnd = new SplittableRandom(s.seed());
        byte[] data = new byte[DATA_SIZE];
        rnd.nextBytes(data);
        m.ram().write(DATA, data, 0, DATA_SIZE);
        long pc = CODE;
        for (int w : s.words()) {
            m.ram().write32(pc, w);
            pc += 4;
        }
        Cpu cpu = m.cpu();
        // decode the code page first (a newly decoded page drops the write caches) with a NOP
        m.ram().write32(CODE - 4, 0xd503201f);
        cpu.setPc(CODE - 4);
        cpu.runLoop(1);
        cpu.fastRetired = 0;
        // COMPILED: every block compiled on its first entry, from words decoded beforehand; the
        // other tiers never compile (whatever -Dlevitate.sim.jitThreshold says)
        cpu.compileBlocksAfter(tier == Tier.COMPILED ? 1 : 0);
        if (tier == Tier.COMPILED) {
            cpu.decodeAhead(CODE, s.words().length);
        }
        for (int i = 0; i < 31; i++) {
            // small values, values whose low word is zero (the 32-bit forms must ignore the top), any
            int kind = rnd.nextInt(8);
            cpu.setReg(i, kind < 2 ? rnd.nextLong(-4, 5) : kind == 2 ? rnd.nextLong() << 32 : rnd.nextLong());
        }
        for (int i = 20; i < 24; i++) {
            cpu.setReg(i, DATA + 8L * rnd.nextInt(DATA_SIZE / 8)); // base registers: anywhere in the data
        }
        int w = s.words()[0];
        if (isMemory(w)) {
            int rn = (w >>> 5) & 31;
            int rm = (w >>> 16) & 31;
            if (rn != 31) {
                cpu.setReg(rn, DATA + 8L * rnd.nextInt(DATA_SIZE / 8));
            }
            if (rm != rn && rm != 31 && rnd.nextBoolean()) {
                cpu.setReg(rm, rnd.nextInt(-256, 4096)); // a register offset that stays near the data
            }
        }
        // SP: in the data, 16-byte aligned most of the time (a misaligned SP base must give way)
        cpu.setReg(31, DATA + 0x8000 + 16L * rnd.nextInt(256) + (rnd.nextInt(8) == 0 ? 8 : 0));
        cpu.setNzcv(rnd.nextInt(16) << 28);
        cpu.setPc(CODE);
        return m;
    }
}

package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.Rig;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.Disassembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The untrusted-guest contract (DESIGN.md): random words — some fully random, most biased to the
 * system-instruction, exception-generating and load/store spaces — run as code at EL0 and EL1,
 * with the MMU off and on, with VBAR_EL1 unset or pointing at handlers that skip the faulting
 * instruction and return. Every run ends in a {@link StopKind} (an exception stop carries its
 * syndrome) or in the instruction budget: never a Java exception, never a hang — also with every
 * block compiled on its first entry (the compiled tier). Seeded, and a
 * failure shrinks to a short program printed disassembled.
 */
class GuestSafetyProperties {
    static final long BUDGET = 3_000;
    static final Set<StopKind> EXCEPTION_STOPS = EnumSet.of(StopKind.UNDEFINED, StopKind.BREAKPOINT,
            StopKind.EXCEPTION_CALL, StopKind.ABORT, StopKind.ALIGNMENT);

    /** A random program and the state it starts in. */
    record Program(int[] words, boolean el0, boolean mmu, boolean vectors, long registerSeed) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format("%n  at %s, MMU %s, %s, registers from seed %d:%n",
                    el0 ? "EL0" : "EL1", mmu ? "on" : "off", vectors ? "VBAR = returning handlers" : "VBAR unset", registerSeed));
            long pc = Rig.CODE + 4;
            for (int w : words) {
                b.append(String.format("  0x%08x  %08x  %s%n", pc, w, Disassembler.disassemble(w, pc)));
                pc += 4;
            }
            return b.toString();
        }
    }

    @Provide
    Arbitrary<Program> programs() {
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<Integer> system = Arbitraries.integers().between(0, 0x3F_FFFF).map(r -> 0xD500_0000 | r);
        Arbitrary<Integer> exceptionGen = Arbitraries.integers().between(0, 0xFF_FFFF).map(r -> 0xD400_0000 | r);
        Arbitrary<Integer> loadStore = Arbitraries.integers().map(r -> (r | 1 << 27) & ~(1 << 25));
        Arbitrary<Integer> special = Arbitraries.of(Rig.ERET, Rig.WFI, 0xD503_205F /* wfe */, Rig.msrDaif(false, 15),
                Rig.msrSpSel(0), Rig.msrSpSel(1), 0xD61F_0000 /* br x0 */, 0xD65F_03C0 /* ret */, 0xD50B_7420 /* dc zva, x0 */);
        Arbitrary<Integer> word = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, any), net.jqwik.api.Tuple.of(4, system), net.jqwik.api.Tuple.of(1, exceptionGen),
                net.jqwik.api.Tuple.of(2, loadStore), net.jqwik.api.Tuple.of(1, special));
        Arbitrary<int[]> words = word.array(int[].class).ofMinSize(1).ofMaxSize(24);
        return Combinators.combine(words, Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 1_000_000)).as(Program::new);
    }

    @Property(tries = 3000, seed = "20261125")
    void randomCodeEndsInAnArchitecturalExceptionOrACleanStop(@ForAll("programs") Program p) {
        Rig rig = new Rig();
        Machine m = rig.machine();
        Cpu cpu = rig.cpu();
        // half the runs compile every block on its first entry: guest code through the compiled tier too
        boolean compileAll = (p.registerSeed() & 1) == 0;
        cpu.compileBlocksAfter(compileAll ? 1 : 16);
        if (p.vectors()) {
            for (int i = 0; i < 16; i++) { // skip the instruction and return
                A64Assembler v = new A64Assembler(Rig.VECTORS + 0x80L * i);
                Rig.mrs(v, 28, SystemRegister.ELR_EL1);
                v.addImm(28, 28, 4);
                Rig.msr(v, SystemRegister.ELR_EL1, 28);
                v.word(Rig.ERET);
                rig.load(v, Rig.VECTORS + 0x80L * i);
            }
            cpu.setSystemRegister(SystemRegister.VBAR_EL1, Rig.VECTORS);
        }
        if (p.mmu()) {
            rig.enableMmu(rig.identityRoot(), 1);
        }
        A64Assembler a = Rig.code().word(p.el0() ? Rig.ERET : 0xD503_201F);
        for (int w : p.words()) {
            a.word(w);
        }
        rig.load(a);
        SplittableRandom r = new SplittableRandom(p.registerSeed());
        for (int i = 0; i < 31; i++) { // half point into RAM (mostly near the code), half anything
            cpu.setReg(i, r.nextBoolean() ? Rig.CODE + (r.nextLong(0x2_0000) & ~7L) : r.nextLong());
        }
        cpu.setReg(31, Rig.CODE + 0x8_0000);
        cpu.setSystemRegister(SystemRegister.SP_EL0, Rig.CODE + 0x9_0000);
        cpu.setSystemRegister(SystemRegister.SPSR_EL1, 0);
        cpu.setSystemRegister(SystemRegister.ELR_EL1, Rig.CODE + 4);
        for (int w : p.words()) {
            Disassembler.disassemble(w, 0); // the disassembler takes any word too
        }

        long t0 = System.nanoTime();
        StopKind k = m.run(BUDGET);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        net.jqwik.api.statistics.Statistics.label("stop").collect(k);
        net.jqwik.api.statistics.Statistics.label("compiled").collect(!compileAll ? "threshold 16" : cpu.compiledInstructions() > 0 ? "ran compiled" : "nothing compiled ran");
        net.jqwik.api.statistics.Statistics.label("exceptions taken").collect(cpu.exceptionsTaken() == 0 ? "0"
                : cpu.exceptionsTaken() < 10 ? "1-9" : "10+");
        assertNotEquals(StopKind.NONE, k);
        assertTrue(ms < 5_000, () -> "took " + ms + " ms");
        assertTrue(cpu.exceptionLevel() == 0 || cpu.exceptionLevel() == 1);
        assertTrue(cpu.instructions() <= BUDGET, "retired more than the budget");
        if (EXCEPTION_STOPS.contains(k)) {
            assertNotEquals(0, cpu.stopSyndrome(), () -> k + " without a syndrome at 0x" + Long.toHexString(cpu.stopPc()));
        }
        // the machine stays usable: a second run after a stop neither throws nor hangs
        if (k != StopKind.EXIT && k != StopKind.POWER_OFF) {
            assertNotEquals(StopKind.NONE, m.run(100));
        }
    }

    @Property(tries = 200, seed = "7")
    void randomBytesAsCodeNeverEscape(@ForAll("bytes") byte[] code) {
        Rig rig = new Rig();
        rig.cpu().compileBlocksAfter(1);
        rig.machine().loadRaw(Rig.CODE, Arrays.copyOf(code, (code.length + 3) & ~3));
        assertNotEquals(StopKind.NONE, rig.machine().run(BUDGET));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(4).ofMaxSize(256);
    }
}

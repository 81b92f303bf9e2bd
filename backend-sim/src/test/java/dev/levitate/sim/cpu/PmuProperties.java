package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.sim.Rig;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The PMU's lazily settled event counters against a reference that counts one instruction at a
 * time: after each instruction's effect, every enabled INST_RETIRED counter counts it if it
 * retired (an MSR that enables a counter is counted by it, one that disables it is not; an MRS
 * reads the counts before its own retirement). Random programs of NOP runs and PMU register
 * writes (PMCR E/P, PMCNTENSET/CLR, PMEVTYPERn with INST_RETIRED, SW_INCR or an unimplemented
 * event, PMEVCNTRn near the 32-bit wrap, PMSWINC, PMOVSCLR), then MRS of every counter and of
 * PMOVSSET; shrinking gives the shortest program that disagrees.
 */
class PmuProperties {
    /** One step: a run of NOPs, or an MSR of a PMU register. */
    record Step(int kind, int n, long value) {
        @Override
        public String toString() {
            return KINDS[kind] + (kind == NOPS ? " x" + n : (kind >= TYPER ? " " + n : "") + " = 0x" + Long.toHexString(value));
        }
    }

    static final int NOPS = 0, PMCR = 1, ENSET = 2, ENCLR = 3, SWINC = 4, OVSCLR = 5, TYPER = 6, COUNTER = 7;
    static final String[] KINDS = {"nop", "PMCR", "PMCNTENSET", "PMCNTENCLR", "PMSWINC", "PMOVSCLR", "PMEVTYPER", "PMEVCNTR"};
    static final int N = Pmu.COUNTERS;

    @Provide
    Arbitrary<List<Step>> programs() {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> n = Arbitraries.integers().between(0, N - 1);
        Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs().between(0, 0x3F),
                Arbitraries.longs().between(0xFFFF_FFF0L, 0xFFFF_FFFFL), Arbitraries.of(0L, 1L, 3L, 0x7L, 0x8L, 0x11L, 0x1L));
        Arbitrary<Step> step = Combinators.combine(kind, n, value, Arbitraries.integers().between(1, 20)).as((k, i, v, nops) -> {
            switch (k) {
                case NOPS: return new Step(NOPS, nops, 0);
                case PMCR: return new Step(PMCR, 0, v & 3); // E and P
                case TYPER: return new Step(TYPER, i, new long[] {Pmu.INST_RETIRED, Pmu.SW_INCR, 0x01}[(int) (v % 3)]);
                case COUNTER: return new Step(COUNTER, i, v);
                default: return new Step(k, 0, v & 0x3F);
            }
        });
        return step.list().ofMaxSize(25);
    }

    static final SystemRegister[] COUNTERS = {SystemRegister.PMEVCNTR0_EL0, SystemRegister.PMEVCNTR1_EL0, SystemRegister.PMEVCNTR2_EL0,
        SystemRegister.PMEVCNTR3_EL0, SystemRegister.PMEVCNTR4_EL0, SystemRegister.PMEVCNTR5_EL0};
    static final SystemRegister[] TYPES = {SystemRegister.PMEVTYPER0_EL0, SystemRegister.PMEVTYPER1_EL0, SystemRegister.PMEVTYPER2_EL0,
        SystemRegister.PMEVTYPER3_EL0, SystemRegister.PMEVTYPER4_EL0, SystemRegister.PMEVTYPER5_EL0};

    /** The reference: the PMU state, updated one instruction at a time. */
    static final class Model {
        long pmcr;
        long cnten;
        long ovs;
        final long[] type = new long[N];
        final long[] count = new long[N];

        void add(int i, long d) {
            long v = count[i] + d;
            if (v > 0xFFFF_FFFFL) {
                ovs |= 1L << i;
            }
            count[i] = v & 0xFFFF_FFFFL;
        }

        /** One more instruction retired. */
        void retire() {
            for (int i = 0; i < N; i++) {
                if ((pmcr & 1) != 0 && (cnten & (1L << i)) != 0 && type[i] == Pmu.INST_RETIRED) {
                    add(i, 1);
                }
            }
        }

        void apply(Step s) {
            switch (s.kind()) {
                case PMCR:
                    if ((s.value() & 2) != 0) {
                        java.util.Arrays.fill(count, 0);
                    }
                    pmcr = s.value() & 1;
                    break;
                case ENSET: cnten |= s.value(); break;
                case ENCLR: cnten &= ~s.value(); break;
                case OVSCLR: ovs &= ~s.value(); break;
                case SWINC:
                    for (int i = 0; i < N; i++) {
                        if ((s.value() & (1L << i)) != 0 && (pmcr & 1) != 0 && (cnten & (1L << i)) != 0 && type[i] == Pmu.SW_INCR) {
                            add(i, 1);
                        }
                    }
                    break;
                case TYPER: type[s.n()] = s.value(); break;
                case COUNTER: count[s.n()] = s.value() & 0xFFFF_FFFFL; break;
                default: break;
            }
        }
    }

    @Property(tries = 300)
    void lazyCountersMatchCountingEachInstruction(@ForAll("programs") List<Step> program) {
        Rig rig = new Rig();
        rig.installVectors();
        Model model = new Model();
        A64Assembler a = Rig.code();
        for (Step s : program) {
            if (s.kind() == NOPS) {
                for (int i = 0; i < s.n(); i++) {
                    a.nop();
                    model.retire();
                }
                continue;
            }
            a.mov64(1, s.value());
            SystemRegister r;
            switch (s.kind()) {
                case PMCR: r = SystemRegister.PMCR_EL0; break;
                case ENSET: r = SystemRegister.PMCNTENSET_EL0; break;
                case ENCLR: r = SystemRegister.PMCNTENCLR_EL0; break;
                case SWINC: r = SystemRegister.PMSWINC_EL0; break;
                case OVSCLR: r = SystemRegister.PMOVSCLR_EL0; break;
                case TYPER: r = TYPES[s.n()]; break;
                default: r = COUNTERS[s.n()]; break;
            }
            a.msr(r, 1);
            for (int i = 0; i < movWords(s.value()); i++) {
                model.retire();
            }
            model.apply(s);
            model.retire(); // the MSR
        }
        long[] expected = new long[N + 1];
        for (int i = 0; i < N; i++) {
            a.mrs(10 + i, COUNTERS[i]);
            expected[i] = model.count[i];
            model.retire();
        }
        a.mrs(10 + N, SystemRegister.PMOVSSET_EL0);
        expected[N] = model.ovs;
        rig.load(a.brk(0));
        assertEquals(0x200, rig.runToHandler(10_000));
        for (int i = 0; i <= N; i++) {
            assertEquals(Long.toHexString(expected[i]), Long.toHexString(rig.cpu().reg(10 + i)),
                    (i < N ? "PMEVCNTR" + i : "PMOVSSET") + " after " + program);
        }
    }

    /** How many instructions {@code mov64} emits for a value (MOVZ, then a MOVK per other non-zero halfword). */
    static int movWords(long v) {
        A64Assembler a = new A64Assembler(Rig.CODE);
        a.mov64(1, v);
        return a.assemble().length;
    }
}

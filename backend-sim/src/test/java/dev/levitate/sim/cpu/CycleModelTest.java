package dev.levitate.sim.cpu;

import static dev.levitate.a64.Field.IMM;
import static dev.levitate.a64.Field.RA;
import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.RM;
import static dev.levitate.a64.Field.RN;
import static dev.levitate.a64.Field.SF;
import static dev.levitate.a64.Field.SH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.a64.A64;
import dev.levitate.a64.A64Assembler;
import dev.levitate.sim.machine.Machine;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What the cycle model charges, observed as the machine's cycle count after straight-line
 * programs and small loops (every count here is simulated time, never wall-clock time). A program
 * starts at cycle 0 and ends at a {@code brk #0}, which does not retire; so a program of n
 * instructions that all pair costs n / 2 cycles.
 */
class CycleModelTest {
    static final long SCRATCH = Machine.RAM_BASE + (1 << 20);

    /** Runs a program (a brk #0 is appended) on a fresh machine and returns its cycles. */
    static long cycles(Consumer<A64Assembler> program) {
        A64Assembler a = new A64Assembler(Machine.RAM_BASE);
        program.accept(a);
        a.brk(0);
        Machine m = new Machine(16L << 20, CpuConfig.defaults().withTiming(CpuConfig.Timing.A53), b -> { }, b -> { }, b -> { });
        m.loadRaw(Machine.RAM_BASE, a.assembleBytes());
        m.cpu().setReg(1, SCRATCH);
        m.cpu().setReg(20, 100);
        assertEquals(StopKind.BREAKPOINT, m.run(1_000_000));
        return m.cpu().cycles();
    }

    static void addImm(A64Assembler a, int rd, int rn) {
        a.addImm(rd, rn, 1);
    }

    static void mulW(A64Assembler a, int rd, int rn, int rm) {
        a.emit(A64.MADD, SF, 0, RM, rm, RA, 31, RN, rn, RD, rd);
    }

    static void udivX(A64Assembler a, int rd, int rn, int rm) {
        a.emit(A64.UDIV, SF, 1, RM, rm, RN, rn, RD, rd);
    }

    static void addShifted(A64Assembler a, int rd, int rn, int rm, int lsl) {
        a.emit(A64.ADD_shift, SF, 1, SH, 0, RM, rm, IMM, lsl, RN, rn, RD, rd);
    }

    @Test
    void aDependentAluChainCostsOneCyclePerInstruction() {
        assertEquals(8, cycles(a -> {
            for (int i = 0; i < 8; i++) {
                addImm(a, 0, 0);
            }
        }));
    }

    @Test
    void independentAluInstructionsDualIssue() {
        assertEquals(4, cycles(a -> {
            for (int i = 0; i < 8; i++) {
                addImm(a, i + 2, i + 2);
            }
        }));
    }

    @Test
    void theSecondOfAPairCannotDependOnTheFirst() {
        assertEquals(2, cycles(a -> {
            addImm(a, 2, 2);
            addImm(a, 3, 2);
        }));
    }

    @Test
    void aShiftedOperandCostsOneCycleMoreThanAPlainOne() {
        long plain = cycles(a -> {
            addShifted(a, 2, 3, 2, 0);
            addShifted(a, 2, 3, 2, 0);
        });
        long shifted = cycles(a -> {
            addShifted(a, 2, 3, 2, 1);
            addShifted(a, 2, 3, 2, 1);
        });
        assertEquals(2, plain);
        assertEquals(CycleModel.ALU_SHIFTED + 1, shifted);
    }

    @Test
    void aLoadStallsItsConsumerForTheLoadUseLatency() {
        long independent = cycles(a -> {
            a.ldr(2, 1, 0);
            addImm(a, 3, 3);
        });
        long dependent = cycles(a -> {
            a.ldr(2, 1, 0);
            a.add(3, 3, 2);
        });
        assertEquals(1, independent);
        assertEquals(CycleModel.LOAD_USE + 1, dependent);
    }

    @Test
    void twoMemoryAccessesNeverShareACycle() {
        assertEquals(2, cycles(a -> {
            a.ldr(2, 1, 0);
            a.ldr(3, 1, 8);
        }));
        assertEquals(2, cycles(a -> {
            a.str(2, 1, 0);
            a.str(3, 1, 8);
        }));
    }

    @Test
    void aStoreReadsItsDataLateSoItPairsWithTheInstructionComputingIt() {
        assertEquals(1, cycles(a -> {
            addImm(a, 2, 2);
            a.str(2, 1, 0);
        }));
    }

    @Test
    void multipliesTakeTheirLatencyAndShareOneMultiplier() {
        assertEquals(CycleModel.MUL_W + 1, cycles(a -> {
            mulW(a, 2, 2, 3);
            mulW(a, 2, 2, 3);
        }));
        assertEquals(CycleModel.MUL_X + 1, cycles(a -> {
            a.madd(2, 2, 3, 31);
            a.madd(2, 2, 3, 31);
        }));
        assertEquals(2, cycles(a -> { // independent, but one multiplier: no pair
            mulW(a, 2, 4, 5);
            mulW(a, 3, 4, 5);
        }));
    }

    @Test
    void theDividerIsIterativeAndBusyWhileOtherWorkGoesOn() {
        // the add pairs with the first divide; the second divide waits for the divider
        assertEquals(CycleModel.DIV_X + 1, cycles(a -> {
            udivX(a, 2, 4, 5);
            addImm(a, 6, 6);
            udivX(a, 3, 4, 5);
        }));
    }

    @Test
    void aMispredictedBranchCostsThePenalty() {
        // forward and seen for the first time: predicted not taken, but taken
        long mispredicted = cycles(a -> {
            A64Assembler.Label skip = a.label();
            a.movz(9, 1, 0);
            a.cbnz(9, skip);
            a.nop();
            a.bind(skip);
        });
        // backward and seen for the first time: predicted taken, and taken (the b costs a cycle)
        long predicted = cycles(a -> {
            A64Assembler.Label start = a.label();
            A64Assembler.Label back = a.label();
            a.b(start);
            a.bind(back);
            a.brk(0);
            a.bind(start);
            a.movz(9, 1, 0);
            a.cbnz(9, back);
        });
        assertEquals(1 + CycleModel.MISPREDICT, mispredicted);
        assertEquals(2, predicted);
    }

    @Test
    void aCountedLoopCostsItsIterationsPlusOneMispredictedExit() {
        // add + subs pair, b.ne (taken) issues alone: 2 cycles per iteration, 100 iterations;
        // the predictor learns "taken", so only the final fall-through is mispredicted
        assertEquals(2 * 100 + CycleModel.MISPREDICT, cycles(a -> {
            A64Assembler.Label loop = a.label();
            a.bind(loop);
            addImm(a, 0, 0);
            a.subsImm(20, 20, 1);
            a.bCond(A64Assembler.Cond.NE, loop);
        }));
    }

    @Test
    void aReturnIsPredictedByTheReturnStack() {
        // bl (1), the callee's ret (1, predicted), then the caller's add paired with the b over
        // the callee (1): no penalty
        assertEquals(3, cycles(a -> {
            A64Assembler.Label f = a.label();
            A64Assembler.Label done = a.label();
            a.bl(f);
            addImm(a, 2, 2);
            a.b(done);
            a.bind(f);
            a.ret();
            a.bind(done);
        }));
    }

    @Test
    void writesToTheZeroRegisterCreateNoDependency() {
        assertEquals(1, cycles(a -> {
            a.subsImm(31, 2, 1); // cmp x2, #1
            a.addImm(3, 4, 1);
        }));
    }

    @Test
    void theSameProgramTakesTheSameCyclesEveryRun() {
        Consumer<A64Assembler> program = a -> {
            A64Assembler.Label loop = a.label();
            a.movz(2, 3, 0);
            a.bind(loop);
            a.ldr(3, 1, 0);
            a.madd(4, 3, 2, 4);
            a.add(5, 5, 3);
            a.str(4, 1, 8);
            udivX(a, 6, 4, 2);
            a.subsImm(20, 20, 1);
            a.bCond(A64Assembler.Cond.NE, loop);
        };
        long first = cycles(program);
        assertEquals(first, cycles(program));
        assertEquals(first, cycles(program));
    }
}

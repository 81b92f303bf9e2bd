package dev.levitate.bench.sim;

import static dev.levitate.a64.Field.COND;
import static dev.levitate.a64.Field.IMM;
import static dev.levitate.a64.Field.RA;
import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.RM;
import static dev.levitate.a64.Field.RN;
import static dev.levitate.a64.Field.SF;
import static dev.levitate.a64.Field.SH;

import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Guest MIPS of the simulator on the tight loop of issue #4: load, multiply-add, adds, store,
 * add, subs, branch (7 instructions), run 10^7 instructions per invocation. Throughput is in
 * instructions per microsecond, i.e. MIPS.
 *
 * <p>{@code mmu = on} runs the same code with stage-1 translation enabled: RAM identity-mapped by
 * one 1 GiB block (T0SZ = 25, walks start at level 1), so after the first walk every fetch, load
 * and store is a TLB hit — the cost measured is the translation fast path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SimulatorBenchmark {
    static final int INSTRUCTIONS = 10_000_000;
    static final long CODE = Machine.RAM_BASE;
    static final long DATA = Machine.RAM_BASE + 0x1000;

    /** Stage-1 translation off (VA = PA) or on (identity map, TLB hits). */
    @Param({"off", "on"})
    public String mmu;

    private Machine machine;
    private Machine aluMachine;

    /** Builds the loop. */
    @Setup
    public void setUp() {
        machine = new Machine(16L << 20, b -> { }, b -> { }, b -> { });
        int[] loop = {
            A64.LDRX_uimm.encoding().encode(IMM, 0, RN, 1, RD, 3),                           // ldr  x3, [x1]
            A64.MADD.encoding().encode(SF, 1, RM, 2, RA, 4, RN, 3, RD, 4),                   // madd x4, x3, x2, x4
            A64.ADDS_shift.encoding().encode(SF, 1, SH, 0, RM, 3, IMM, 0, RN, 5, RD, 5),     // adds x5, x5, x3
            A64.STRX_uimm.encoding().encode(IMM, 1, RN, 1, RD, 4),                           // str  x4, [x1, #8]
            A64.ADD_imm.encoding().encode(SF, 1, SH, 0, IMM, 1, RN, 6, RD, 6),               // add  x6, x6, #1
            A64.SUBS_imm.encoding().encode(SF, 1, SH, 0, IMM, 1, RN, 0, RD, 0),              // subs x0, x0, #1
            A64.B_cond.encoding().encode(IMM, -6, COND, 1),                                  // b.ne loop
        };
        for (int i = 0; i < loop.length; i++) {
            machine.ram().write32(CODE + 4L * i, loop[i]);
        }
        aluMachine = new Machine(16L << 20, b -> { }, b -> { }, b -> { });
        int[] alu = {
            A64.ADD_imm.encoding().encode(SF, 1, SH, 0, IMM, 3, RN, 3, RD, 3),                // add  x3, x3, #3
            A64.MADD.encoding().encode(SF, 1, RM, 2, RA, 4, RN, 3, RD, 4),                   // madd x4, x3, x2, x4
            A64.ADDS_shift.encoding().encode(SF, 1, SH, 0, RM, 3, IMM, 0, RN, 5, RD, 5),     // adds x5, x5, x3
            A64.EOR_shift.encoding().encode(SF, 1, SH, 0, RM, 4, IMM, 0, RN, 7, RD, 7),      // eor  x7, x7, x4
            A64.ADD_imm.encoding().encode(SF, 1, SH, 0, IMM, 1, RN, 6, RD, 6),               // add  x6, x6, #1
            A64.SUBS_imm.encoding().encode(SF, 1, SH, 0, IMM, 1, RN, 0, RD, 0),              // subs x0, x0, #1
            A64.B_cond.encoding().encode(IMM, -6, COND, 1),                                  // b.ne loop
        };
        for (int i = 0; i < alu.length; i++) {
            aluMachine.ram().write32(CODE + 4L * i, alu[i]);
        }
        if ("on".equals(mmu)) {
            identityMap(machine);
            identityMap(aluMachine);
        }
    }

    /** TTBR0 -> one level-1 table whose entry 1 maps 0x4000_0000.. as a 1 GiB Normal block. */
    static void identityMap(Machine m) {
        long table = Machine.RAM_BASE + 0x10_0000;
        m.ram().zero(table, 0x1000);
        m.ram().write64(table + 8, Machine.RAM_BASE | 1 << 10 | 3 << 8 | 1); // AF, inner shareable, block
        m.cpu().setSystemRegister(SystemRegister.MAIR_EL1, 0xFF);
        m.cpu().setSystemRegister(SystemRegister.TCR_EL1, 25 | 1L << 8 | 1L << 10 | 3L << 12 | 1L << 23 | 25L << 16);
        m.cpu().setSystemRegister(SystemRegister.TTBR0_EL1, table);
        m.cpu().setSystemRegister(SystemRegister.SCTLR_EL1, m.cpu().systemRegister(SystemRegister.SCTLR_EL1) | 1);
    }

    /**
     * The same shape without memory accesses (add, madd, adds, eor, add, subs, b.ne): separates the
     * cost of dispatch from the cost of the data path.
     *
     * @return the stop kind's ordinal (the budget)
     */
    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public int aluLoop() {
        aluMachine.cpu().setPc(CODE);
        aluMachine.cpu().setReg(0, Long.MAX_VALUE);
        aluMachine.cpu().setReg(2, 3);
        return aluMachine.run(INSTRUCTIONS).ordinal();
    }

    /**
     * Runs 10^7 guest instructions of the loop.
     *
     * @return the stop kind's ordinal (the budget)
     */
    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public int tightLoop() {
        machine.cpu().setPc(CODE);
        machine.cpu().setReg(0, Long.MAX_VALUE);
        machine.cpu().setReg(1, DATA);
        machine.cpu().setReg(2, 3);
        StopKind s = machine.run(INSTRUCTIONS);
        return s.ordinal();
    }
}

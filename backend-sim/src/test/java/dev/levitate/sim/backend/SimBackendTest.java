package dev.levitate.sim.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.ContextId;
import dev.levitate.core.spi.ContextSpec;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.CpuBackends;
import dev.levitate.core.spi.SavedContextLayout;
import dev.levitate.core.spi.StopReason;
import dev.levitate.sim.cpu.Esr;
import dev.levitate.a64.A64Assembler;
import dev.levitate.sim.machine.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator backend with the MMU off: contexts switch in guest code, yield, exit, fault and are preempted. */
class SimBackendTest {
    static final long CODE = Machine.RAM_BASE + 0x10_0000;
    static final long STACKS = Machine.RAM_BASE + 0x20_0000;
    static final long STACK_SIZE = 16 * 1024;

    final PhysicalMemory memory = PhysicalMemory.of(Machine.RAM_BASE, 64L << 20);
    final SimBackend cpu = new SimBackend(BackendConfig.of(memory));

    private long load(A64Assembler a, long at) {
        byte[] code = a.assembleBytes();
        memory.write(at, code, 0, code.length);
        return at;
    }

    private static long expected(long task, int reg) {
        return task << 32 | (long) reg << 8 | 0x5A;
    }

    /** x19..x29 get task-specific values; each round yields, then checks them and the SP; exits with the task number. */
    private long yieldingBody(long at, int rounds) {
        A64Assembler a = new A64Assembler(at);
        A64Assembler.Label loop = a.label();
        A64Assembler.Label bad = a.label();
        a.mov(9, 0); // task number
        for (int r = 19; r <= 29; r++) {
            a.mov64(r, 0).movz(10, r << 8 | 0x5A, 0).emit(dev.levitate.a64.A64.ORR_shift,
                    dev.levitate.a64.Field.SF, 1, dev.levitate.a64.Field.SH, 0, dev.levitate.a64.Field.RM, 9,
                    dev.levitate.a64.Field.IMM, 32, dev.levitate.a64.Field.RN, 10, dev.levitate.a64.Field.RD, r);
        }
        a.addImm(12, 31, 0); // sp at start
        a.movz(11, rounds, 0);
        a.bind(loop);
        a.svc(GuestRuntime.SVC_YIELD);
        for (int r = 19; r <= 29; r++) {
            a.movz(10, r << 8 | 0x5A, 0).emit(dev.levitate.a64.A64.ORR_shift,
                    dev.levitate.a64.Field.SF, 1, dev.levitate.a64.Field.SH, 0, dev.levitate.a64.Field.RM, 9,
                    dev.levitate.a64.Field.IMM, 32, dev.levitate.a64.Field.RN, 10, dev.levitate.a64.Field.RD, 10);
            a.emit(dev.levitate.a64.A64.SUBS_shift, dev.levitate.a64.Field.SF, 1, dev.levitate.a64.Field.SH, 0,
                    dev.levitate.a64.Field.RM, r, dev.levitate.a64.Field.IMM, 0, dev.levitate.a64.Field.RN, 10,
                    dev.levitate.a64.Field.RD, 31);
            a.bCond(A64Assembler.Cond.NE, bad);
        }
        a.addImm(13, 31, 0);
        a.sub(13, 13, 12);
        a.cbnz(13, bad);
        a.subsImm(11, 11, 1);
        a.bCond(A64Assembler.Cond.NE, loop);
        a.mov(0, 9);
        a.ret();
        a.bind(bad);
        a.brk(0xBAD);
        return load(a, at);
    }

    @Test
    void setTranslationRewritesTheTtbr0AContextIsResumedWith() {
        long top = STACKS + STACK_SIZE;
        long root = Machine.RAM_BASE + 0x30_0000;
        ContextId user = cpu.createContext(ContextSpec.user("u", CODE, top, 0x7000_0000L, 0, root, 0));
        long tcb = top - GuestRuntime.TCB_SIZE;
        assertEquals(root, memory.read64(tcb + GuestRuntime.TCB_TTBR0), "no ASID yet: 0 in [63:48]");
        cpu.setTranslation(user, root, 0x1234);
        assertEquals(root | 0x1234L << 48, memory.read64(tcb + GuestRuntime.TCB_TTBR0));
        assertThrows(IllegalArgumentException.class, () -> cpu.setTranslation(user, root + 8, 1));
        assertThrows(IllegalArgumentException.class, () -> cpu.setTranslation(user, root, 0x1_0000));
        assertEquals(root | 0x1234L << 48, memory.read64(tcb + GuestRuntime.TCB_TTBR0), "a refused change changes nothing");
        ContextId kernel = cpu.createContext(ContextSpec.kernel("k", CODE, top + STACK_SIZE, 0));
        assertThrows(IllegalArgumentException.class, () -> cpu.setTranslation(kernel, root, 1), "a kernel context has no TTBR0 table");
        cpu.destroyContext(user);
        assertThrows(dev.levitate.core.spi.UnknownContextException.class, () -> cpu.setTranslation(user, root, 1));
    }

    @Test
    void isFoundByName() {
        try (CpuBackend b = CpuBackends.open("sim", BackendConfig.of(PhysicalMemory.of(Machine.RAM_BASE, 16L << 20)))) {
            assertEquals("sim", b.name());
        }
    }

    @Test
    void thousandsOfSwitchesPreserveCalleeSavedRegistersAndSp() {
        int tasks = 4;
        int rounds = 1000;
        long body = yieldingBody(CODE, rounds);
        List<ContextId> ids = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            ids.add(cpu.createContext(ContextSpec.kernel("t" + t, body, STACKS + (t + 1) * STACK_SIZE, t + 1)));
        }
        int exited = 0;
        long switches = 0;
        boolean[] done = new boolean[tasks];
        while (exited < tasks) {
            for (int t = 0; t < tasks; t++) {
                if (done[t]) {
                    continue;
                }
                StopReason r = cpu.resume(ids.get(t), Long.MAX_VALUE);
                switches++;
                if (r.kind() == StopReason.Kind.EXITED) {
                    assertEquals(t + 1, r.value(), "exit code of t" + t);
                    done[t] = true;
                    exited++;
                    continue;
                }
                assertEquals(StopReason.Kind.YIELDED, r.kind(), () -> "t: " + r);
                for (int reg = 19; reg <= 28; reg++) { // the TCB holds the task's callee-saved values at the switch
                    assertEquals(expected(t + 1, reg), cpu.readSavedContext(ids.get(t), SavedContextLayout.offsetOfX(reg)),
                            "saved x" + reg + " of t" + t);
                }
                assertEquals(expected(t + 1, 29), cpu.readRegister(ids.get(t), 29));
            }
        }
        assertTrue(switches >= tasks * (long) rounds, "switches: " + switches);
    }

    @Test
    void aSpinningTaskIsPreemptedByTheTimerFromItsFirstQuantum() {
        A64Assembler a = new A64Assembler(CODE);
        A64Assembler.Label spin = a.label();
        a.bind(spin).addImm(1, 1, 1).b(spin);
        long body = load(a, CODE);
        ContextId id = cpu.createContext(ContextSpec.kernel("spin", body, STACKS + STACK_SIZE, 0));
        long before = cpu.cycles();
        StopReason r = cpu.resume(id, 100_000);
        assertEquals(StopReason.Kind.PREEMPTED, r.kind(), r.toString());
        long ran = cpu.cycles() - before;
        assertTrue(ran >= 100_000 && ran < 200_000, "ran " + ran + " cycles for a 100,000-cycle quantum");
        long x1 = cpu.readRegister(id, 1);
        assertTrue(x1 > 1000, "the loop ran: x1=" + x1);
        StopReason again = cpu.resume(id, 50_000);
        assertEquals(StopReason.Kind.PREEMPTED, again.kind());
        assertTrue(cpu.readRegister(id, 1) > x1, "resumed where it was");
        assertEquals(2, cpu.machine().gic().acknowledged(), "every timer interrupt acknowledged at the GIC");
    }

    @Test
    void faultsSyscallsAndMisuse() {
        A64Assembler a = new A64Assembler(CODE);
        a.movz(8, 42, 0).movz(0, 7, 0).svc(GuestRuntime.SVC_SYSCALL); // syscall 42(7)
        a.movz(2, 0x1234, 0).add(0, 0, 2).svc(GuestRuntime.SVC_YIELD);
        a.mov64(1, 0x0900_1000L).ldr(0, 1, 0); // a load from a hole in the address map (past the UART, before QEMU's RTC)
        long body = load(a, CODE);
        ContextId id = cpu.createContext(ContextSpec.kernel("sys", body, STACKS + STACK_SIZE, 0));
        StopReason r = cpu.resume(id, Long.MAX_VALUE);
        assertEquals(StopReason.Kind.SYSCALL, r.kind());
        assertEquals(42, r.value());
        assertEquals(7, cpu.readRegister(id, 0));
        cpu.writeRegister(id, 0, 100); // the result
        r = cpu.resume(id, Long.MAX_VALUE);
        assertEquals(StopReason.Kind.YIELDED, r.kind());
        assertEquals(100 + 0x1234, cpu.readRegister(id, 0), "the syscall's result reached x0");
        r = cpu.resume(id, Long.MAX_VALUE);
        assertEquals(StopReason.Kind.FAULTED, r.kind(), r.toString());
        assertEquals(Esr.EC_DABT_SAME, Esr.ec(r.syndrome()));
        assertEquals(0x0900_1000L, r.faultAddress());
        cpu.destroyContext(id);
        assertThrows(dev.levitate.core.spi.UnknownContextException.class, () -> cpu.resume(id, 1000));
        assertThrows(IllegalArgumentException.class, () -> cpu.createContext(ContextSpec.kernel("x", body, 0x1000, 0)));
    }

    /** {@code sim.semihosting=false}: a kernel context's HLT #0xF000 is an undefined instruction, reported as its fault. */
    @Test
    void withSemihostingOffAKernelHltF000IsAFault() {
        PhysicalMemory mem = PhysicalMemory.of(Machine.RAM_BASE, 64L << 20);
        try (SimBackend b = new SimBackend(new BackendConfig(mem, java.util.Map.of("sim.semihosting", "false")))) {
            A64Assembler a = new A64Assembler(CODE);
            a.movz(0, 0x18, 0).movz(1, 0, 0).hlt(0xF000); // SYS_EXIT
            byte[] code = a.assembleBytes();
            mem.write(CODE, code, 0, code.length);
            ContextId id = b.createContext(ContextSpec.kernel("hlt", CODE, STACKS + STACK_SIZE, 0));
            StopReason r = b.resume(id, Long.MAX_VALUE);
            assertEquals(StopReason.Kind.FAULTED, r.kind(), r.toString());
            assertEquals(Esr.EC_UNKNOWN, Esr.ec(r.syndrome()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SimBackend(new BackendConfig(PhysicalMemory.of(Machine.RAM_BASE, 16L << 20), java.util.Map.of("sim.semihosting", "maybe"))));
        assertTrue(e.getMessage().contains("sim.semihosting") && e.getMessage().contains("maybe"), e.getMessage());
    }

    @Test
    void aMachineStopAtEl0StopsOnlyThatContextAndTheNextResumeRunsAtEl1() {
        // an EL1 context drops to EL0 (MMU off) and waits for an interrupt with no timer armed (no
        // quantum): nothing can wake the core, the machine stops there, at EL0
        A64Assembler a = new A64Assembler(CODE);
        A64Assembler.Label user = a.label();
        a.adr(2, user).msr(dev.levitate.a64.SystemRegister.ELR_EL1, 2).msr(dev.levitate.a64.SystemRegister.SPSR_EL1, 31).eret();
        a.bind(user);
        a.word(0xD503_207F).brk(0xBAD); // WFI (SCTLR_EL1.nTWI is 1: not trapped)
        long halter = load(a, CODE);
        ContextId h = cpu.createContext(ContextSpec.kernel("halter", halter, STACKS + STACK_SIZE, 0));
        StopReason r = cpu.resume(h, Long.MAX_VALUE);
        assertEquals(StopReason.Kind.HALTED, r.kind(), r.toString());
        assertEquals(0, cpu.machine().cpu().exceptionLevel(), "the core stopped at EL0");
        assertThrows(IllegalStateException.class, () -> cpu.resume(h, 100_000), "the halted context cannot be resumed");
        // another context still runs: the scheduler loop is entered at EL1h with interrupts masked
        ContextId other = cpu.createContext(ContextSpec.kernel("other", yieldingBody(CODE + 0x1000, 3), STACKS + 2 * STACK_SIZE, 0));
        for (int i = 0; i < 3; i++) {
            assertEquals(StopReason.Kind.YIELDED, cpu.resume(other, 100_000).kind());
        }
        StopReason end = cpu.resume(other, 100_000);
        assertEquals(StopReason.Kind.EXITED, end.kind(), end.toString());
    }
}

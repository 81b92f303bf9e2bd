package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.a64.A64Assembler;
import dev.levitate.sim.machine.Machine;
import org.junit.jupiter.api.Test;

/** The debugging API a teaching tool uses: step, breakpoints, watchpoints, budgets. */
class DebugApiTest {
    static final long CODE = Machine.RAM_BASE;
    static final long DATA = Machine.RAM_BASE + 0x1_0000;

    static long storeAt;

    private static Machine loop() {
        Machine m = new Machine(16L << 20, b -> { }, b -> { }, b -> { });
        A64Assembler a = new A64Assembler(CODE);
        A64Assembler.Label top = a.label();
        a.mov64(1, DATA).movz(0, 0, 0);
        a.bind(top);
        a.addImm(0, 0, 1);            // counter
        storeAt = a.here();
        a.str(0, 1, 0);               // store it
        a.ldr(2, 1, 8);               // load the neighbour
        a.b(top);
        byte[] code = a.assembleBytes();
        m.loadRaw(CODE, code);
        return m;
    }

    @Test
    void stepBreakpointsAndWatchpoints() {
        Machine m = loop();
        Cpu cpu = m.cpu();
        assertEquals(StopKind.BUDGET, m.run(1), "one step");
        assertEquals(CODE + 4, cpu.pc());
        long store = storeAt;
        cpu.addBreakpoint(store);
        assertEquals(StopKind.DEBUG_BREAK, m.run(1000));
        assertEquals(store, cpu.pc());
        assertEquals(StopKind.DEBUG_BREAK, m.run(1000), "continue: around the loop to the same breakpoint");
        assertEquals(2, cpu.reg(0));
        assertTrue(cpu.removeBreakpoint(store));

        cpu.addWatchpoint(DATA, 8, false, true);
        assertEquals(StopKind.WATCHPOINT, m.run(1000));
        assertEquals(DATA, cpu.stopValue(), "the stored address");
        assertEquals(store + 4, cpu.stopPc(), "stops after the store completed");
        assertEquals(cpu.reg(0), m.ram().read64(DATA), "the value is in memory");
        cpu.clearDebugPoints();
        cpu.addWatchpoint(DATA + 8, 1, true, false);
        assertEquals(StopKind.WATCHPOINT, m.run(1000), "a read watchpoint on the load");
        assertEquals(DATA + 8, cpu.stopValue());
        cpu.clearDebugPoints();
        assertEquals(StopKind.BUDGET, m.run(1000), "nothing stops it any more");
        assertThrows(IllegalArgumentException.class, () -> cpu.addWatchpoint(DATA, 0, true, true));
    }

    /** A debugger's breakpoint elsewhere must not turn a branch to 0xFFFF_FFFF_FFFF_FFFF into a breakpoint stop. */
    @Test
    void aBranchToAllOnesIsAPcAlignmentFaultEvenWithABreakpointSet() {
        Machine m = new Machine(16L << 20, b -> { }, b -> { }, b -> { });
        m.ram().write32(CODE, 0xd61f0000); // br x0
        Cpu cpu = m.cpu();
        cpu.setPc(CODE);
        cpu.setReg(0, -1L);
        cpu.addBreakpoint(CODE + 0x100);
        assertEquals(StopKind.ALIGNMENT, m.run(10), "no vector table: the PC alignment fault stops the run");
        assertEquals(-1L, cpu.stopPc());
    }

    /**
     * A watchpoint on an upper-half VA (negative as a long) stops the run: it used to be taken for
     * "no hit" (a {@code >= 0} test) and never stopped. Also the debugger accessors: the pending
     * hit, SP_EL1 and PSTATE.
     */
    @Test
    void anUpperHalfWatchpointStopsAndTheDebuggerAccessorsWork() {
        long va = dev.levitate.sim.machine.InstructionTraceTest.VA;
        A64Assembler a = new A64Assembler(va);
        a.movz(1, 0x2000, 0).movk(1, 0x4000, 1).movk(1, 0xffff, 3); // x1 = 0xffff_0000_4000_2000
        a.str(1, 1, 0).str(1, 1, 8).str(1, 1, 16);
        Machine m = dev.levitate.sim.machine.InstructionTraceTest.higherHalf(a.assembleBytes());
        Cpu cpu = m.cpu();
        cpu.addWatchpoint(va + 0x2008, 8, false, true);
        assertEquals(StopKind.WATCHPOINT, m.run(100));
        assertEquals(va + 0x2008, cpu.stopValue());
        assertEquals(va + 20, cpu.pc(), "after the second store");
        cpu.clearDebugPoints();
        cpu.addWatchpoint(va + 0x2010, 8, false, true);
        assertEquals(StopKind.BUDGET, m.run(1), "the budget ends on the watched store");
        assertEquals(va + 0x2010, cpu.takeWatchHit());
        assertEquals(-1, cpu.takeWatchHit(), "taken once");
        cpu.setReg(Cpu.SP, 0x4000);
        assertEquals(0x4000, cpu.stackPointerEl1(), "EL1h: the current SP");
        cpu.setPstate(0x6000_0000L); // EL0t, Z and C
        assertEquals(0, cpu.exceptionLevel());
        assertEquals(0x6000_0000, cpu.nzcv());
        assertEquals(0x4000, cpu.stackPointerEl1(), "banked");
        cpu.setStackPointerEl1(0x5000);
        assertEquals(0x5000, cpu.stackPointerEl1());
        cpu.setPstate(0x1F); // not a state of this core: EL stays
        assertEquals(0, cpu.exceptionLevel());
        cpu.setPstate(0x3C5);
        assertEquals(0x5000, cpu.reg(Cpu.SP), "back at EL1h on SP_EL1");
        assertEquals(0x3C5, cpu.pstate());
    }
}

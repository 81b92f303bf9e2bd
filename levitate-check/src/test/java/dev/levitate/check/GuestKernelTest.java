package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.Esr;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.a64.A64Assembler;
import dev.levitate.sim.machine.Machine;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The call mechanism: arguments, results, faults, budget, nested calls, callee-saved registers, host-serviced functions. */
class GuestKernelTest {
    static final long BASE = 0x4008_0000L;

    /** A tiny "kernel" assembled here, with a symbol per function. */
    static GuestKernel kernel() {
        A64Assembler a = new A64Assembler(BASE);
        TreeMap<Long, String> sym = new TreeMap<>();
        sym.put(a.here(), "_start");
        A64Assembler.Label self = a.label();
        a.bind(self).b(self); // never run
        sym.put(a.here(), "add3");
        a.add(0, 0, 1).add(0, 0, 2).ret();
        sym.put(a.here(), "sum8");
        a.add(0, 0, 1).add(0, 0, 2).add(0, 0, 3).add(0, 0, 4).add(0, 0, 5).add(0, 0, 6).add(0, 0, 7).ret();
        A64Assembler.Label inner = a.label();
        sym.put(a.here(), "outer"); // outer(x) = inner(x) + inner(x + 1), keeping x in x19 (saved and restored)
        a.stpPre(29, 30, 31, -32).stp(19, 20, 31, 16);
        a.mov(19, 0).bl(inner).mov(20, 0).addImm(0, 19, 1).bl(inner).add(0, 0, 20);
        a.ldp(19, 20, 31, 16).ldpPost(29, 30, 31, 32).ret();
        a.bind(inner);
        sym.put(a.here(), "inner");
        a.add(0, 0, 0).ret();
        sym.put(a.here(), "load"); // load(p) = *p
        a.ldr(0, 0, 0).ret();
        sym.put(a.here(), "spin");
        A64Assembler.Label top = a.label();
        a.bind(top).b(top);
        sym.put(a.here(), "clobber19");
        a.movz(19, 5, 0).ret();
        sym.put(a.here(), "leakSp");
        a.subImm(31, 31, 16).ret();
        sym.put(a.here(), "wrongReturn");
        a.mov64(30, 0x0900_2000L).ret();
        sym.put(a.here(), "undefined");
        a.word(0).ret();
        A64Assembler.Label alloc = a.label();
        sym.put(a.here(), "twoFrames"); // twoFrames() = alloc_frame() + alloc_frame()
        a.stpPre(29, 30, 31, -32).str(19, 31, 16);
        a.bl(alloc).mov(19, 0).bl(alloc).add(0, 0, 19);
        a.ldr(19, 31, 16).ldpPost(29, 30, 31, 32).ret();
        a.bind(alloc);
        sym.put(a.here(), "alloc_frame");
        a.word(0).ret(); // UNDEFINED unless the host services it
        byte[] code = a.assembleBytes();
        ElfImage image = new ElfImage(BASE, List.of(new ElfImage.Segment(BASE, code, code.length)), sym);
        return GuestKernel.load(image, PhysicalMemory.of(Machine.RAM_BASE, 16L << 20));
    }

    @Test
    void passesArgumentsInX0ToX7AndReturnsX0() {
        GuestKernel k = kernel();
        assertEquals(6, k.call("add3", 1, 2, 3));
        assertEquals(36, k.call("sum8", 1, 2, 3, 4, 5, 6, 7, 8));
        assertEquals(-1L, k.call("add3", 0x7FFF_FFFF_FFFF_FFFFL, 0x8000_0000_0000_0000L, 0), "64-bit values pass whole");
        assertEquals(3, k.calls());
        assertThrows(IllegalArgumentException.class, () -> k.call("sum8", 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThrows(UnknownSymbolException.class, () -> k.call("nope"));
    }

    @Test
    void nestedCallsReturnThroughTheirOwnFrames() {
        GuestKernel k = kernel();
        Cpu cpu = k.machine().cpu();
        cpu.setReg(19, 0x1919);
        cpu.setReg(20, 0x2020);
        assertEquals(2 * 10 + 2 * 11, k.call("outer", 10));
        assertEquals(0x1919, cpu.reg(19), "x19 restored by the callee");
        assertEquals(0x2020, cpu.reg(20));
        assertEquals(Machine.RAM_BASE + (16L << 20), cpu.reg(Cpu.SP), "SP back at the stack top");
    }

    @Test
    void aFaultIsReportedWithTheSyndromePcAndSymbol() {
        GuestKernel k = kernel();
        GuestFaultException e = assertThrows(GuestFaultException.class, () -> k.call("load", 0x0900_2000L));
        assertEquals(Esr.EC_DABT_SAME, Esr.ec(e.syndrome()), e.getMessage());
        assertEquals(0x0900_2000L, e.faultAddress());
        assertEquals(k.symbol("load"), e.pc());
        assertTrue(e.getMessage().contains("load (0x") && e.getMessage().contains("ldr"), e.getMessage());
        assertEquals(7, k.call("add3", 2, 2, 3), "the kernel is usable after a fault");

        GuestFaultException u = assertThrows(GuestFaultException.class, () -> k.call("undefined"));
        assertEquals(Esr.EC_UNKNOWN, Esr.ec(u.syndrome()), u.getMessage());
    }

    @Test
    void aHangStopsAtTheBudget() {
        GuestKernel k = kernel().budget(10_000);
        long before = k.machine().cpu().instructions();
        GuestBudgetException e = assertThrows(GuestBudgetException.class, () -> k.call("spin"));
        assertEquals(10_000, k.machine().cpu().instructions() - before, "exactly the budget ran");
        assertEquals(k.symbol("spin"), e.pc());
        assertTrue(e.getMessage().contains("spin") && e.getMessage().contains("10000"), e.getMessage());
    }

    @Test
    void calleeSavedRegistersAndSpAreChecked() {
        GuestKernel k = kernel();
        k.machine().cpu().setReg(19, 1);
        GuestCallConventionException e = assertThrows(GuestCallConventionException.class, () -> k.call("clobber19"));
        assertTrue(e.getMessage().contains("x19 = 0x5"), e.getMessage());
        GuestCallConventionException s = assertThrows(GuestCallConventionException.class, () -> k.call("leakSp"));
        assertTrue(s.getMessage().contains("SP"), s.getMessage());
    }

    @Test
    void aReturnToTheWrongPlaceIsReported() {
        GuestKernel k = kernel();
        GuestFaultException e = assertThrows(GuestFaultException.class, () -> k.call("wrongReturn"));
        assertEquals(0x0900_2000L, e.pc());
        assertTrue(e.getMessage().contains("wrong place"), e.getMessage());
    }

    @Test
    void hostServicedFunctionsReturnToTheirCaller() {
        GuestKernel k = kernel();
        assertThrows(GuestFaultException.class, () -> k.call("twoFrames"), "unhooked, alloc_frame is UNDEFINED");
        long[] next = {0x4100_0000L};
        k.hook("alloc_frame", cpu -> {
            long pa = next[0];
            next[0] += 4096;
            return pa;
        });
        assertEquals(0x4100_0000L + 0x4100_1000L, k.call("twoFrames"));
        assertEquals(0x4100_2000L, k.call("alloc_frame"), "a hooked function called directly");
    }

    @Test
    void runToStopsAtTheSymbol() {
        GuestKernel k = kernel();
        k.machine().cpu().setPc(k.symbol("outer"));
        k.machine().cpu().setReg(Cpu.SP, Machine.RAM_BASE + 0x10_0000);
        k.runTo("inner", 1000);
        assertEquals(k.symbol("inner"), k.machine().cpu().pc());
        assertThrows(GuestBudgetException.class, () -> {
            k.machine().cpu().setPc(k.symbol("spin"));
            k.runTo("add3", 100);
        });
    }
}

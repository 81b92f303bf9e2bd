package dev.levitate.sim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link InstructionTrace} on a higher-half kernel: the word disassembled is the one fetched
 * through the MMU (not the word at PA = VA), the line carries the EL and the PA, and an exception
 * shows its vector and decoded syndrome.
 */
public class InstructionTraceTest {
    /** Where the code is (RAM's base). */
    public static final long PA = Machine.RAM_BASE;
    static final long OFFSET = 0xffff_0000_0000_0000L;
    /** Where the code runs. */
    public static final long VA = PA + OFFSET;
    /** The L0 table (TTBR1_EL1); the L1 table is the next page. */
    public static final long TABLES = PA + 0x10_0000;

    /** RAM at VA 0xffff0000_4000_0000 through TTBR1 (one 1 GiB block), TTBR0 pointing at zeros in flash. */
    public static Machine higherHalf(byte[] code) {
        Machine m = new Machine(4L << 20, b -> { }, b -> { }, b -> { });
        m.loadRaw(PA, code);
        m.ram().write64(TABLES, (TABLES + 0x1000) | 3); // L0[0] -> L1
        m.ram().write64(TABLES + 0x1000 + 8, PA | 0x701); // L1[1]: 1 GiB block, AF, inner shareable, attr0
        Cpu cpu = m.cpu();
        cpu.setSystemRegister(SystemRegister.MAIR_EL1, 0xFF);
        cpu.setSystemRegister(SystemRegister.TCR_EL1, 16 | 1L << 7 | 16L << 16 | 2L << 30); // EPD0: no TTBR0 walks
        cpu.setSystemRegister(SystemRegister.TTBR1_EL1, TABLES);
        cpu.setSystemRegister(SystemRegister.TTBR0_EL1, 0);
        cpu.setSystemRegister(SystemRegister.VBAR_EL1, VA + 0x800);
        cpu.setSystemRegister(SystemRegister.SCTLR_EL1, cpu.systemRegister(SystemRegister.SCTLR_EL1) | 1);
        cpu.setPc(VA);
        return m;
    }

    static String trace(Machine m, int steps) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        InstructionTrace t = new InstructionTrace(m, pc -> pc == VA ? "kernel" : pc == VA + 0xA00 ? "el1h_sync" : null);
        for (int i = 0; i < steps; i++) {
            assertEquals(StopKind.BUDGET, t.step(out));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theInstructionIsFetchedThroughTheMmuAndAnSvcShowsItsVector() {
        A64Assembler a = new A64Assembler(VA);
        a.movz(0, 7, 0).svc(0x42);
        while (a.here() < VA + 0xA00) {
            a.nop();
        }
        a.eret();
        Machine m = higherHalf(a.assembleBytes());
        String out = trace(m, 3);
        String[] lines = out.split("\n");
        assertTrue(lines[0].matches("EL1 ffff000040000000 <kernel> +mov x0, #0x7 +pa 0x40000000"), out);
        assertTrue(lines[1].startsWith("EL1 ffff000040000004"), out);
        assertTrue(lines[1].contains("svc #0x42"), out);
        assertTrue(lines[2].contains("-> exception: ESR 0x56000042: SVC #66 (EC 0x15, IL 1, imm16 0x42)"), out);
        assertTrue(lines[3].contains("taken to EL1 at VBAR_EL1 + 0x200 (current EL with SP_ELx, synchronous) = 0xffff000040000a00 <el1h_sync>, ELR 0xffff000040000008"), out);
        assertTrue(lines[4].startsWith("EL1 ffff000040000a00 <el1h_sync>") && lines[4].contains("eret"), out);
    }

    @Test
    void aDataAbortShowsItsFaultStatusAndFar() {
        A64Assembler a = new A64Assembler(VA);
        a.movz(2, 0x1000, 0).ldr(1, 2, 0);
        Machine m = higherHalf(a.assembleBytes());
        String out = trace(m, 2);
        assertTrue(out.contains("data abort (same EL), translation fault, level 0, read (EC 0x25, IL 1, DFSC 0x04, WnR 0"), out);
        assertTrue(out.contains(", FAR 0x1000"), out);
        assertTrue(out.contains("VBAR_EL1 + 0x200 (current EL with SP_ELx, synchronous)"), out);
    }

    @Test
    void aPcWithNoTranslationSaysSo() {
        Machine m = higherHalf(new byte[4]);
        m.cpu().setPc(OFFSET + 0x8000_0000L); // L1[2]: invalid
        assertTrue(new InstructionTrace(m, pc -> null).describeNext().contains("(no translation for this VA: an instruction abort follows)"));
        m.cpu().setPc(0x1000); // with the MMU off it would be flash; through TTBR0 it is nothing
        assertTrue(new InstructionTrace(m, pc -> null).describeNext().startsWith("EL1 0000000000001000"));
    }

    @Test
    void vectorsAreNamedByTheirOffset() {
        assertEquals("current EL with SP_EL0, synchronous", InstructionTrace.vectorName(0));
        assertEquals("current EL with SP_ELx, IRQ", InstructionTrace.vectorName(0x280));
        assertEquals("lower EL using AArch64, synchronous", InstructionTrace.vectorName(0x400));
        assertEquals("lower EL using AArch32, SError", InstructionTrace.vectorName(0x780));
    }
}

package dev.levitate.sim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.Rig;
import dev.levitate.sim.Tier;
import dev.levitate.sim.cpu.CpuConfig;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Arm semihosting is an EL1 facility that can be switched off (QEMU: {@code -semihosting}, and
 * {@code -semihosting-config userspace=on} for EL0, which has no counterpart here): {@code HLT
 * #0xF000} at EL0, or at EL1 with {@link CpuConfig#withSemihosting}(false), is an UNDEFINED
 * instruction (EC 0x00, IL = 1) in every tier and timing model; and the calls' reads of guest
 * memory stay inside RAM, ending in the calls' error returns rather than a Java exception.
 */
class SemihostingTest {
    static final long RAM_SIZE = 16L << 20;
    static final long RAM_END = Machine.RAM_BASE + RAM_SIZE;
    /** A NUL-terminated string for SYS_WRITE0, and a SYS_EXIT block {ADP_Stopped_ApplicationExit, 42}. */
    static final long STRING = Rig.FRAMES;
    static final long EXIT_BLOCK = Rig.FRAMES + 0x100;
    /** ESR_EL1 of an UNDEFINED instruction: EC 0x00, IL = 1. */
    static final long ESR_UNDEFINED = 1L << 25;
    static final int HLT_F000 = 0xD45E_0000;
    static final int LOWER_A64 = 0x400;
    static final int CURRENT_SPX = 0x200;

    final ByteArrayOutputStream uart = new ByteArrayOutputStream();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    Rig rig(CpuConfig config) {
        Rig rig = new Rig(new Machine(RAM_SIZE, config, uart::write, out::write, err::write));
        rig.machine().ram().write(STRING, "hi\n\0".getBytes(StandardCharsets.US_ASCII), 0, 4);
        rig.machine().ram().write64(EXIT_BLOCK, 0x20026);
        rig.machine().ram().write64(EXIT_BLOCK + 8, 42);
        return rig;
    }

    /** A loop of fast-form instructions run 40 times (so the fast and compiled tiers run it), counting in x3. */
    static void hotLoop(A64Assembler a) {
        a.movz(2, 40, 0).movz(3, 0, 0);
        A64Assembler.Label loop = a.label();
        a.bind(loop).addImm(3, 3, 1).subsImm(2, 2, 1).bCond(A64Assembler.Cond.NE, loop);
    }

    /** SYS_WRITE0 of the string, then SYS_EXIT; returns the address of the first HLT. */
    static long writeThenExit(A64Assembler a) {
        a.movz(0, 4, 0).mov64(1, STRING);
        long hlt = a.here();
        a.hlt(0xF000);
        a.movz(0, 0x18, 0).mov64(1, EXIT_BLOCK).hlt(0xF000);
        return hlt;
    }

    void assertRanInItsTier(Rig rig, Tier tier) {
        assertEquals(40, rig.cpu().reg(3), "the hot loop ran");
        switch (tier) {
            case GENERAL: assertEquals(0, rig.cpu().fastTierInstructions(), "general interpreter only"); break;
            case FAST: assertTrue(rig.cpu().fastTierInstructions() > 0 && rig.cpu().compiledInstructions() == 0, "fast tier, nothing compiled"); break;
            default: assertTrue(rig.cpu().compiledInstructions() > 0, "compiled blocks ran"); break;
        }
    }

    @ParameterizedTest(name = "{0}, {1} timing")
    @MethodSource("dev.levitate.sim.Tier#everyTierAndTiming")
    void hltF000AtEl0IsUndefinedAndTakenToEl1(Tier tier, CpuConfig.Timing timing) {
        Rig rig = rig(tier.config(timing));
        rig.installVectors();
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0); // EL0t
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, Rig.CODE + 4);
        A64Assembler a = Rig.code().eret();
        hotLoop(a);
        long hlt = writeThenExit(a);
        rig.load(a);

        assertEquals(LOWER_A64, rig.runToHandler(10_000), "taken from EL0 to EL1");
        assertEquals(Long.toHexString(ESR_UNDEFINED), Long.toHexString(rig.sys(SystemRegister.ESR_EL1)), "EC 0x00, IL");
        assertEquals(hlt, rig.sys(SystemRegister.ELR_EL1), "the HLT itself is the preferred return address");
        assertEquals(0, rig.sys(SystemRegister.SPSR_EL1) & 0xF, "from EL0t");
        assertEquals("", out.toString(), "no semihosting output");
        assertRanInItsTier(rig, tier);
    }

    /** Without a vector table the machine stops as for any UNDEFINED word: a user's SYS_EXIT is no exit. */
    @ParameterizedTest(name = "{0}, {1} timing")
    @MethodSource("dev.levitate.sim.Tier#everyTierAndTiming")
    void anEl0SysExitDoesNotStopTheMachineAsAnExit(Tier tier, CpuConfig.Timing timing) {
        Rig rig = rig(tier.config(timing));
        rig.cpu().setSystemRegister(SystemRegister.SPSR_EL1, 0);
        rig.cpu().setSystemRegister(SystemRegister.ELR_EL1, Rig.CODE + 4);
        A64Assembler a = Rig.code().eret();
        hotLoop(a);
        a.movz(0, 0x18, 0).mov64(1, EXIT_BLOCK);
        long hlt = a.here();
        a.hlt(0xF000);
        rig.load(a);

        assertEquals(StopKind.UNDEFINED, rig.machine().run(10_000));
        assertEquals(hlt, rig.cpu().stopPc());
        assertEquals(HLT_F000, rig.cpu().stopWord());
        assertEquals(ESR_UNDEFINED, rig.cpu().stopSyndrome());
        assertRanInItsTier(rig, tier);
    }

    @ParameterizedTest(name = "{0}, {1} timing")
    @MethodSource("dev.levitate.sim.Tier#everyTierAndTiming")
    void withSemihostingOffHltF000AtEl1IsUndefined(Tier tier, CpuConfig.Timing timing) {
        Rig rig = rig(tier.config(timing).withSemihosting(false));
        rig.installVectors();
        A64Assembler a = Rig.code();
        hotLoop(a);
        long hlt = writeThenExit(a);
        rig.load(a);

        assertEquals(CURRENT_SPX, rig.runToHandler(10_000));
        assertEquals(Long.toHexString(ESR_UNDEFINED), Long.toHexString(rig.sys(SystemRegister.ESR_EL1)));
        assertEquals(hlt, rig.sys(SystemRegister.ELR_EL1));
        assertEquals("", out.toString());
        assertRanInItsTier(rig, tier);
    }

    @ParameterizedTest(name = "{0}, {1} timing")
    @MethodSource("dev.levitate.sim.Tier#everyTierAndTiming")
    void byDefaultHltF000AtEl1IsASemihostingCall(Tier tier, CpuConfig.Timing timing) {
        Rig rig = rig(tier.config(timing));
        A64Assembler a = Rig.code();
        hotLoop(a);
        writeThenExit(a);
        rig.load(a);

        assertEquals(StopKind.EXIT, rig.machine().run(10_000));
        assertEquals(42, rig.cpu().stopValue());
        assertEquals("hi\n", out.toString());
        assertRanInItsTier(rig, tier);
    }

    @Test
    void semihostingIsOnByDefaultAndTheSwitchChangesNothingElse() {
        assertTrue(CpuConfig.defaults().semihosting());
        CpuConfig off = CpuConfig.defaults().withSemihosting(false);
        assertEquals(CpuConfig.defaults(), off.withSemihosting(true));
        // PSCI is not semihosting: SYSTEM_OFF through HVC still powers off with semihosting off
        Rig rig = rig(off);
        rig.load(Rig.code().mov64(0, 0x8400_0008L).hvc(0));
        assertEquals(StopKind.POWER_OFF, rig.machine().run(10));
    }

    // ------------------------------------------------------------------ guest memory

    /** Runs one {@code HLT #0xF000} at EL1 with x0 = op and x1 = param; returns x0 afterwards. */
    long call(Rig rig, int op, long param) {
        rig.load(Rig.code().hlt(0xF000).brk(0));
        rig.cpu().setReg(0, op);
        rig.cpu().setReg(1, param);
        assertEquals(StopKind.BREAKPOINT, rig.machine().run(10), "the call returned to the next instruction");
        return rig.cpu().reg(0);
    }

    @Test
    void sysWritecReadsOneByteInRamAndNothingOutsideIt() {
        Rig rig = rig(CpuConfig.defaults());
        rig.machine().ram().write8(RAM_END - 1, 'A');
        call(rig, 0x03, RAM_END - 1);
        for (long outside : new long[] {RAM_END, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Machine.FLASH_BASE + Machine.FLASH_SIZE,
                Machine.UART_BASE, Machine.RAM_BASE - 1}) {
            call(rig, 0x03, outside);
        }
        assertEquals("A", out.toString(), "one byte, from the last byte of RAM; nothing for addresses outside RAM and flash");
    }

    /**
     * A string in an image's read-only data may lie in a segment loaded into QEMU virt's flash
     * window: SYS_WRITE0 and SYS_WRITEC read it as they read RAM, stop at the segment's end, and
     * read nothing from the unloaded rest of the window.
     */
    @Test
    void stringsInAFlashSegmentAreReadAndNothingPastIt() {
        Rig rig = rig(CpuConfig.defaults());
        rig.machine().loadFlash(0x1000, "hi from flash\0".getBytes(StandardCharsets.US_ASCII), 14);
        call(rig, 0x04, 0x1000);
        assertEquals("hi from flash", out.toString());
        rig.machine().loadFlash(0x2000, "yy".getBytes(StandardCharsets.US_ASCII), 2);
        call(rig, 0x04, 0x2000);
        assertEquals("hi from flashyy", out.toString(), "up to the end of the loaded segment, not past it");
        call(rig, 0x03, 0x3000);
        call(rig, 0x03, 0x10);
        assertEquals("hi from flashyy", out.toString(), "nothing from the unloaded part of the window");
    }

    @Test
    void sysWrite0StopsAtTheEndOfRam() {
        Rig rig = rig(CpuConfig.defaults());
        byte[] noNul = "xxxxxxxx".getBytes(StandardCharsets.US_ASCII);
        rig.machine().ram().write(RAM_END - noNul.length, noNul, 0, noNul.length);
        call(rig, 0x04, RAM_END - noNul.length);
        assertEquals("xxxxxxxx", out.toString(), "up to the end of RAM, not past it");
        for (long outside : new long[] {RAM_END, -4L, Long.MAX_VALUE - 2, Machine.UART_BASE}) {
            call(rig, 0x04, outside);
        }
        assertEquals("xxxxxxxx", out.toString());
    }

    @Test
    void sysWriteChecksItsBlockAndItsBuffer() {
        Rig rig = rig(CpuConfig.defaults());
        long block = Rig.FRAMES + 0x200;
        rig.machine().ram().write64(block, 1);
        rig.machine().ram().write64(block + 8, STRING);
        rig.machine().ram().write64(block + 16, 3);
        assertEquals(0, call(rig, 0x05, block), "all 3 bytes written");
        assertEquals("hi\n", out.toString());

        assertEquals(-1, call(rig, 0x05, RAM_END - 16), "a block running past RAM: -1");
        assertEquals(-1, call(rig, 0x05, -8), "a block outside RAM: -1");
        assertEquals(-1, call(rig, 0x05, Long.MAX_VALUE - 4), "a block whose end overflows: -1");

        long[][] buffers = {{RAM_END - 2, 3}, {Machine.UART_BASE, 1}, {RAM_END - 4, Long.MAX_VALUE}, {STRING, -1}, {-1, 2}};
        for (long[] b : buffers) {
            rig.machine().ram().write64(block + 8, b[0]);
            rig.machine().ram().write64(block + 16, b[1]);
            assertEquals(b[1], call(rig, 0x05, block), "buffer 0x" + Long.toHexString(b[0]) + " of " + b[1] + " bytes: nothing written");
        }
        assertEquals("hi\n", out.toString(), "nothing more was written");

        rig.machine().ram().write64(block, 2);
        rig.machine().ram().write64(block + 8, RAM_END - 1);
        rig.machine().ram().write64(block + 16, 1);
        rig.machine().ram().write8(RAM_END - 1, 'E');
        assertEquals(0, call(rig, 0x05, block), "the last byte of RAM, to stderr");
        assertEquals("E", err.toString());
    }

    @Test
    void sysExitWithItsBlockOutsideRamIsAFailedExit() {
        Rig rig = rig(CpuConfig.defaults());
        rig.load(Rig.code().hlt(0xF000));
        rig.cpu().setReg(0, 0x18);
        rig.cpu().setReg(1, RAM_END - 8);
        assertEquals(StopKind.EXIT, rig.machine().run(10));
        assertEquals(1, rig.cpu().stopValue());
    }
}

package dev.levitate.sim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.levitate.sim.cpu.StopKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PSCI as QEMU virt (7.2) serves it on one core: each function's result for the arguments a kernel
 * passes at boot, the values taken from QEMU ({@code baremetal/psci.S} compares the two line by
 * line), and the calls that end the run, which that program cannot make.
 */
class PsciTest {
    static final int HVC = 0xD400_0002;
    static final int SMC = 0xD400_0003;
    static final int BRK = 0xD420_0000;

    final Machine m = new Machine(16L << 20, b -> { }, b -> { }, b -> { });

    /** Runs {@code conduit} then BRK with x0..x3 set; returns the stop. */
    StopKind call(int conduit, long... x) {
        m.ram().write32(Machine.RAM_BASE, conduit);
        m.ram().write32(Machine.RAM_BASE + 4, BRK);
        m.cpu().setPc(Machine.RAM_BASE);
        for (int i = 0; i < x.length; i++) {
            m.cpu().setReg(i, x[i]);
        }
        return m.run(10);
    }

    @ParameterizedTest(name = "x0={0} x1={1} x2={2} -> {3}")
    @CsvSource({
        // PSCI_VERSION: 1.1
        "0x84000000, 0, 0, 0x10001",
        // PSCI_FEATURES: the functions served, in both conventions, and PSCI 0.1's IDs
        "0x8400000a, 0x84000000, 0, 0", "0x8400000a, 0xc4000003, 0, 0", "0x8400000a, 0x84000002, 0, 0",
        "0x8400000a, 0x84000009, 0, 0", "0x8400000a, 0x8400000a, 0, 0", "0x8400000a, 0x95c1ba60, 0, 0",
        "0x8400000a, 0xc4000001, 0, 0",
        // ... and not the others: MIGRATE, SYSTEM_RESET2, the SMCCC's own, nonsense
        "0x8400000a, 0x84000005, 0, -1", "0x8400000a, 0x84000012, 0, -1", "0x8400000a, 0x80000000, 0, -1",
        "0x8400000a, 0x95c1ba61, 0, -1", "0x8400000a, 0xc4000000, 0, -1", "0x8400000a, 0x12345678, 0, -1",
        // MIGRATE_INFO_TYPE: no Trusted OS
        "0x84000006, 0, 0, 2",
        // AFFINITY_INFO: core 0 is on, nothing else exists at level 0; higher levels are on
        "0xc4000004, 0, 0, 0", "0x84000004, 0, 0, 0", "0xc4000004, 1, 0, -2", "0xc4000004, 0x80000000, 0, -2",
        "0xc4000004, 0x100, 0, -2", "0xc4000004, 5, 1, 0",
        // CPU_ON: this core is already on, no other core exists
        "0xc4000003, 0, 0x40080000, -4", "0x84000003, 0, 0x40080000, -4", "0x95c1ba60, 0, 0x40080000, -4",
        "0xc4000003, 1, 0x40080000, -2", "0xc4000003, 0x10000, 0x40080000, -2",
        // CPU_SUSPEND: standby returns 0 at once; a power_state with bits [31:17] set is refused
        "0xc4000001, 0, 0, 0", "0x84000001, 0x10000, 0, 0", "0x84000001, 0xffff0000, 0, -2", "0xc4000001, 0x20000, 0, -2",
        // unknown: NOT_SUPPORTED, with all of x0 compared
        "0x84000005, 0, 0, -1", "0x80000000, 0, 0, -1", "0x12345678, 0, 0, -1", "0xffffffff84000000, 0, 0, -1",
        "0xc4000000, 0, 0, -1"})
    void eachFunctionReturnsWhatQemuReturns(String x0, String x1, String x2, long expected) {
        assertEquals(StopKind.BREAKPOINT, call(HVC, Long.parseUnsignedLong(x0.substring(2), 16), Long.decode(x1), Long.decode(x2), 0));
        assertEquals(expected, m.cpu().reg(0), "x0 after the call (sign-extended)");
        assertEquals(Machine.RAM_BASE + 4, m.cpu().stopPc(), "the call returned to the next instruction");
        assertNull(m.powerRequest());
    }

    @Test
    void smcIsServedTooAndEl0CannotCall() {
        assertEquals(StopKind.BREAKPOINT, call(SMC, 0x84000000L));
        assertEquals(0x10001, m.cpu().reg(0));
    }

    @Test
    void systemOffAndSystemResetEndTheRunAndSayWhich() {
        assertEquals(StopKind.POWER_OFF, call(HVC, 0x84000008L));
        assertEquals(PowerRequest.SYSTEM_OFF, m.powerRequest());
        assertEquals(Machine.RAM_BASE, m.cpu().stopPc());
        assertEquals(StopKind.POWER_OFF, call(HVC, 0x84000009L));
        assertEquals(PowerRequest.SYSTEM_RESET, m.powerRequest());
        // PSCI's SYSTEM_OFF is in w0's space only: with junk above bit 31 it is an unknown function
        Machine fresh = new Machine(16L << 20, b -> { }, b -> { }, b -> { });
        fresh.ram().write32(Machine.RAM_BASE, HVC);
        fresh.ram().write32(Machine.RAM_BASE + 4, BRK);
        fresh.cpu().setPc(Machine.RAM_BASE);
        fresh.cpu().setReg(0, 0x1_8400_0008L);
        assertEquals(StopKind.BREAKPOINT, fresh.run(10));
        assertEquals(-1, fresh.cpu().reg(0));
        assertNull(fresh.powerRequest());
    }

    @Test
    void cpuOffOfTheOnlyCoreLeavesNothingToRun() {
        assertEquals(StopKind.WAIT, call(HVC, 0x84000002L));
        assertEquals(PowerRequest.CPU_OFF, m.powerRequest());
        assertEquals(StopKind.WAIT, call(HVC, 0x95c1ba5fL));
    }
}

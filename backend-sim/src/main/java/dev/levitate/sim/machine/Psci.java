package dev.levitate.sim.machine;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;

/**
 * The PSCI firmware of QEMU {@code virt}'s single core, as {@code qemu-system-aarch64 -M virt -cpu
 * cortex-a53} (QEMU 7.2) serves it to a kernel through {@code HVC #0} (the conduit its device tree's
 * {@code /psci} node names): Arm DEN 0022 (PSCI 1.1) over the SMC Calling Convention (DEN 0028),
 * function ID in x0, arguments in x1..x3, the result in x0 as a sign-extended 32-bit value.
 *
 * <p>The functions, with what each returns (every value checked against QEMU by
 * {@code QemuCrossCheckTest}'s {@code psci.S}):
 * <ul>
 *   <li>PSCI_VERSION: 1.1 ({@value #VERSION_1_1}).
 *   <li>PSCI_FEATURES(id): 0 (supported, no feature flags) for every function this class serves,
 *       in both the SMC32 and SMC64 forms where PSCI defines both, and for PSCI 0.1's IDs
 *       ({@code 0x95c1ba5e..0x95c1ba60}, QEMU's); NOT_SUPPORTED for the others, MIGRATE included.
 *   <li>MIGRATE_INFO_TYPE: 2 (no Trusted OS, migration not required).
 *   <li>AFFINITY_INFO(mpidr, level): level 0 and mpidr 0 (this core's affinity; an MPIDR_EL1 value
 *       with its RES1 bit 31 is not the same number) is ON (0), any other mpidr INVALID_PARAMETERS;
 *       levels above 0 are always ON.
 *   <li>CPU_ON(mpidr, entry, context): ALREADY_ON for mpidr 0, INVALID_PARAMETERS for any other (no
 *       such core).
 *   <li>CPU_SUSPEND(power_state): INVALID_PARAMETERS when bits [31:17] of power_state are set;
 *       otherwise 0, at once (QEMU waits as WFI does; a WFI may complete at any time, ARM ARM
 *       D1.16.2, so returning at once is one of the behaviours PSCI's standby allows).
 *   <li>CPU_OFF: the only core turns off ({@link PowerRequest#CPU_OFF}, stop {@link StopKind#WAIT}).
 *   <li>SYSTEM_OFF and SYSTEM_RESET: the run ends ({@link StopKind#POWER_OFF}, with
 *       {@link PowerRequest#SYSTEM_OFF} or {@link PowerRequest#SYSTEM_RESET}).
 *   <li>Anything else, including MIGRATE, MIGRATE_INFO_UP_CPU, SYSTEM_SUSPEND, SYSTEM_RESET2, the
 *       SMCCC's own SMCCC_VERSION and ARCH_FEATURES, and an ID with bits set above bit 31 of x0
 *       (QEMU compares all of x0): NOT_SUPPORTED (-1), as SMCCC asks for an unknown function.
 * </ul>
 * The instruction is served at EL1 by HVC and, beyond QEMU (which makes SMC UNDEFINED when the
 * conduit is HVC and there is no EL3), by SMC too; at EL0 both are UNDEFINED.
 */
final class Psci {
    /** PSCI_VERSION's answer: major 1, minor 1. */
    static final long VERSION_1_1 = 0x0001_0001L;

    static final long PSCI_VERSION = 0x8400_0000L;
    static final long CPU_SUSPEND = 0x8400_0001L;
    static final long CPU_SUSPEND_64 = 0xC400_0001L;
    static final long CPU_OFF = 0x8400_0002L;
    static final long CPU_ON = 0x8400_0003L;
    static final long CPU_ON_64 = 0xC400_0003L;
    static final long AFFINITY_INFO = 0x8400_0004L;
    static final long AFFINITY_INFO_64 = 0xC400_0004L;
    static final long MIGRATE_INFO_TYPE = 0x8400_0006L;
    static final long SYSTEM_OFF = 0x8400_0008L;
    static final long SYSTEM_RESET = 0x8400_0009L;
    static final long PSCI_FEATURES = 0x8400_000AL;
    /** PSCI 0.1 had no fixed IDs; these are the ones QEMU (and KVM) give them. */
    static final long CPU_SUSPEND_0_1 = 0x95C1_BA5EL;
    static final long CPU_OFF_0_1 = 0x95C1_BA5FL;
    static final long CPU_ON_0_1 = 0x95C1_BA60L;

    static final long SUCCESS = 0;
    static final long NOT_SUPPORTED = -1;
    static final long INVALID_PARAMETERS = -2;
    static final long ALREADY_ON = -4;
    /** MIGRATE_INFO_TYPE: a Trusted OS is not present or does not require migration. */
    static final long MIGRATION_NOT_REQUIRED = 2;
    /** The one core's affinity (MPIDR_EL1.Aff3..Aff0), as the device tree's {@code cpu@0 reg} says. */
    static final long CPU0_AFFINITY = 0;

    private Psci() {
    }

    /**
     * Serves one call: reads x0..x3, writes the result to x0 (unless the call does not return).
     *
     * @param c the core that made the call
     * @param request where a call that ends the run records itself
     * @return {@link StopKind#NONE} to go on, {@link StopKind#POWER_OFF} or {@link StopKind#WAIT} to stop
     */
    static StopKind call(Cpu c, java.util.function.Consumer<PowerRequest> request) {
        long fn = c.reg(0);
        long result;
        if (fn == PSCI_VERSION) {
            result = VERSION_1_1;
        } else if (fn == PSCI_FEATURES) {
            result = served(c.reg(1)) ? SUCCESS : NOT_SUPPORTED;
        } else if (fn == MIGRATE_INFO_TYPE) {
            result = MIGRATION_NOT_REQUIRED;
        } else if (fn == AFFINITY_INFO || fn == AFFINITY_INFO_64) {
            result = c.reg(2) != 0 || c.reg(1) == CPU0_AFFINITY ? SUCCESS : INVALID_PARAMETERS; // ON = 0
        } else if (fn == CPU_ON || fn == CPU_ON_64 || fn == CPU_ON_0_1) {
            result = c.reg(1) == CPU0_AFFINITY ? ALREADY_ON : INVALID_PARAMETERS;
        } else if (fn == CPU_SUSPEND || fn == CPU_SUSPEND_64 || fn == CPU_SUSPEND_0_1) {
            result = (c.reg(1) & 0xFFFE_0000L) != 0 ? INVALID_PARAMETERS : SUCCESS;
        } else if (fn == CPU_OFF || fn == CPU_OFF_0_1) {
            request.accept(PowerRequest.CPU_OFF);
            return StopKind.WAIT;
        } else if (fn == SYSTEM_OFF) {
            request.accept(PowerRequest.SYSTEM_OFF);
            return StopKind.POWER_OFF;
        } else if (fn == SYSTEM_RESET) {
            request.accept(PowerRequest.SYSTEM_RESET);
            return StopKind.POWER_OFF;
        } else {
            result = NOT_SUPPORTED;
        }
        c.setReg(0, result);
        return StopKind.NONE;
    }

    /** Whether PSCI_FEATURES reports {@code fn} as implemented. */
    private static boolean served(long fn) {
        return fn == PSCI_VERSION || fn == CPU_SUSPEND || fn == CPU_SUSPEND_64 || fn == CPU_OFF || fn == CPU_ON
                || fn == CPU_ON_64 || fn == AFFINITY_INFO || fn == AFFINITY_INFO_64 || fn == MIGRATE_INFO_TYPE
                || fn == SYSTEM_OFF || fn == SYSTEM_RESET || fn == PSCI_FEATURES || fn == CPU_SUSPEND_0_1
                || fn == CPU_OFF_0_1 || fn == CPU_ON_0_1;
    }
}

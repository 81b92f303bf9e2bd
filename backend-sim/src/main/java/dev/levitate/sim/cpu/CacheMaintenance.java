package dev.levitate.sim.cpu;

import dev.levitate.a64.SystemOperation;
import dev.levitate.sim.mmu.Mmu;

/**
 * The rules of the cache maintenance instructions (ARM ARM D4.4, "Cache support", and C5.3, the
 * DC and IC descriptions) for a core whose caches are not modelled: each operation is a no-op
 * on data (memory is always coherent here, and the decode cache follows writes), but keeps its
 * permission checks and faults.
 *
 * <h2>At EL0</h2>
 * <pre>
 *   DC ZVA                                  trapped (EC 0x18) unless SCTLR_EL1.DZE
 *   DC CVAC, DC CVAU, DC CIVAC, IC IVAU     trapped unless SCTLR_EL1.UCI
 *   DC IVAC, DC ISW, DC CSW, DC CISW,
 *   IC IALLU, IC IALLUIS (and AT, TLBI)     UNDEFINED (EC 0x00)
 * </pre>
 *
 * <h2>Faults of the by-VA operations</h2>
 * The VA is translated as a data access of the current EL would be. A VA that does not translate
 * (translation, access flag or address size fault) takes a data abort with ESR.CM = 1 and WnR =
 * 1, and FAR = the VA. Permissions: at EL0 the location must be readable at EL0; DC IVAC (it may
 * discard data) needs write permission; otherwise none is checked. DC ZVA is a store of zeros to
 * the {@link IdRegisters#ZVA_BLOCK}-byte block (CM = 0), with the store's permission check.
 */
final class CacheMaintenance {
    private CacheMaintenance() {
    }

    private static final long SCTLR_DZE = 1L << 14;
    private static final long SCTLR_UCI = 1L << 26;

    /** ESR_EL1.ISS.CM: the data abort came from a cache maintenance instruction. */
    static final int ISS_CM = 1 << 8;
    /** ESR_EL1.ISS.WnR. */
    static final int ISS_WNR = 1 << 6;

    /**
     * The outcome of a SYS operation at EL0.
     *
     * @param op the operation
     * @param sctlr SCTLR_EL1
     * @return {@link SystemRegisters#OK}, {@link SystemRegisters#TRAPPED} or {@link SystemRegisters#UNDEFINED}
     */
    static int el0Access(SystemOperation op, long sctlr) {
        switch (op) {
            case DC_ZVA:
                return (sctlr & SCTLR_DZE) != 0 ? SystemRegisters.OK : SystemRegisters.TRAPPED;
            case DC_CVAC:
            case DC_CVAU:
            case DC_CIVAC:
            case IC_IVAU:
                return (sctlr & SCTLR_UCI) != 0 ? SystemRegisters.OK : SystemRegisters.TRAPPED;
            default:
                return SystemRegisters.UNDEFINED;
        }
    }

    /**
     * Tells whether an operation works on a VA (and so translates it).
     *
     * @param op a cache operation
     * @return true for DC IVAC/CVAC/CVAU/CIVAC and IC IVAU
     */
    static boolean byVa(SystemOperation op) {
        switch (op) {
            case DC_IVAC:
            case DC_CVAC:
            case DC_CVAU:
            case DC_CIVAC:
            case IC_IVAU:
                return true;
            default:
                return false;
        }
    }

    /**
     * The access a by-VA operation's translation is checked for.
     *
     * @param op a by-VA operation
     * @return {@link Mmu#WRITE} for DC IVAC, else {@link Mmu#READ}
     */
    static int access(SystemOperation op) {
        return op == SystemOperation.DC_IVAC ? Mmu.WRITE : Mmu.READ;
    }
}

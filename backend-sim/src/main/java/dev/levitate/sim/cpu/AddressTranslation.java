package dev.levitate.sim.cpu;

import dev.levitate.a64.SystemOperation;
import dev.levitate.sim.mmu.Mmu;

/**
 * The address translation instructions AT S1E1R, S1E1W, S1E0R and S1E0W (ARM ARM C5.4, and
 * D17.2 PAR_EL1): a stage-1 translation of a VA through the current EL1&amp;0 regime, for EL1 or
 * EL0 and a read or a write, that never takes an exception: the outcome goes to PAR_EL1. The
 * walk reads the tables as they are now and changes neither the TLB nor the walk cache (the ARM
 * ARM lets an AT use or bypass cached translations). UNDEFINED at EL0.
 *
 * <h2>PAR_EL1</h2>
 * <pre>
 *   success   ATTR[63:56] (the MAIR byte) | PA[47:12] | RES1[11] | NS[9] = 1 | SH[8:7] | F[0] = 0
 *             SH is the descriptor's, or 0b10 for Device and Normal Non-cacheable memory
 *   fault     RES1[11] | S[9] = 0 | PTW[8] = 0 | FST[6:1] (the fault status with its level) | F[0] = 1
 *   MMU off   PA = VA, Device-nGnRnE (ATTR 0x00, SH 0b10); beyond the 40-bit PA size an
 *             Address size fault, level 0
 * </pre>
 * NS is 1: the core runs in Non-secure state, as on QEMU virt (the ARM ARM leaves NS UNKNOWN for
 * a Non-secure regime; QEMU sets it).
 */
final class AddressTranslation {
    private AddressTranslation() {
    }

    private static final long RES1 = 1L << 11;
    private static final long NS = 1L << 9;
    private static final long OUTER_SHAREABLE = 0b10L << 7;

    /**
     * Performs an AT operation.
     *
     * @param op one of the four AT operations
     * @param va the VA (Xt)
     * @param mmu the MMU holding the current regime
     * @return the new PAR_EL1
     */
    static long translate(SystemOperation op, long va, Mmu mmu) {
        boolean write = op == SystemOperation.AT_S1E1W || op == SystemOperation.AT_S1E0W;
        boolean el0 = op == SystemOperation.AT_S1E0R || op == SystemOperation.AT_S1E0W;
        if (!mmu.enabled()) {
            if ((va >>> Mmu.PA_BITS) != 0) {
                return fault(Mmu.FSC_ADDRESS_SIZE);
            }
            return (va & 0x0000_FFFF_FFFF_F000L) | RES1 | NS | OUTER_SHAREABLE; // ATTR 0x00: Device-nGnRnE
        }
        Mmu.TableWalk walk = mmu.walkTables(va);
        if (walk.faulted()) {
            return fault(walk.faultStatus());
        }
        int need = el0 ? (write ? Mmu.PERM_EL0_W : Mmu.PERM_EL0_R) : (write ? Mmu.PERM_EL1_W : Mmu.PERM_EL1_R);
        if ((walk.permissions() & need) == 0) {
            return fault(Mmu.FSC_PERMISSION + walk.level());
        }
        long desc = mmu.lastWalkDescriptor();
        int attr = mmu.attribute((int) (desc >>> 2) & 7);
        boolean nonCacheable = (attr & 0xF0) == 0 || attr == 0x44;
        long sh = nonCacheable ? OUTER_SHAREABLE : ((desc >>> 8) & 3) << 7;
        return (long) attr << 56 | (walk.pa() & 0x0000_FFFF_FFFF_F000L) | RES1 | NS | sh;
    }

    private static long fault(int fsc) {
        return RES1 | (long) (fsc & 0x3F) << 1 | 1;
    }
}

package dev.levitate.sim.cpu;

import dev.levitate.a64.SystemRegister;

/**
 * The self-hosted debug registers a kernel touches at boot (ARM ARM D2, "AArch64 Self-hosted
 * Debug", and D17.3), as harmless storage at EL1 and UNDEFINED at EL0: OSLAR_EL1/OSLSR_EL1 (the
 * OS lock: locked at reset, as QEMU and the A53 have it, unlocked by writing OSLAR_EL1 = 0),
 * OSDLR_EL1 (the double lock, RAZ/WI), MDSCR_EL1, MDCCINT_EL1, DBGPRCR_EL1, the claim tags,
 * DBGAUTHSTATUS_EL1 (RAZ) and the breakpoint and watchpoint value/control registers
 * (DBGBVRn/DBGBCRn for n &lt; 6, DBGWVRn/DBGWCRn for n &lt; 4, as ID_AA64DFR0_EL1 says). None of
 * them arms anything: software debug events (breakpoints, watchpoints, single step) are not
 * generated; the GDB stub provides debugging from outside.
 */
final class DebugRegisters {
    /** OSLSR_EL1.OSLM = 0b10: the OS lock is implemented (ARMv8). */
    private static final long OSLM = 0b1000;

    private boolean osLocked = true;
    private long mdscr;
    private long mdccint;
    private long dbgprcr;
    private long claim;
    private final long[] bvr = new long[6];
    private final long[] bcr = new long[6];
    private final long[] wvr = new long[4];
    private final long[] wcr = new long[4];

    /**
     * Tells whether a register is one of these.
     *
     * @param r a register
     * @return true if {@link #read}/{@link #write} handle it
     */
    static boolean owns(SystemRegister r) {
        switch (r) {
            case MDSCR_EL1:
            case OSLAR_EL1:
            case OSLSR_EL1:
            case OSDLR_EL1:
            case MDCCINT_EL1:
            case DBGPRCR_EL1:
            case DBGCLAIMSET_EL1:
            case DBGCLAIMCLR_EL1:
            case DBGAUTHSTATUS_EL1:
                return true;
            default:
                return pair(r) >= 0;
        }
    }

    /** For DBGBVR0..DBGWCR3: index * 4 + kind (0 BVR, 1 BCR, 2 WVR, 3 WCR); else -1. */
    private static int pair(SystemRegister r) {
        int b = r.ordinal() - SystemRegister.DBGBVR0_EL1.ordinal();
        if (b >= 0 && b < 12) {
            return (b / 2) * 4 + (b & 1);
        }
        int w = r.ordinal() - SystemRegister.DBGWVR0_EL1.ordinal();
        if (w >= 0 && w < 8) {
            return (w / 2) * 4 + 2 + (w & 1);
        }
        return -1;
    }

    /**
     * Reads one (the caller has checked the EL).
     *
     * @param r a register {@link #owns} accepts
     * @return its value (0 for the write-only OSLAR_EL1, which the caller refuses first)
     */
    long read(SystemRegister r) {
        int p = pair(r);
        if (p >= 0) {
            int i = p / 4;
            switch (p & 3) {
                case 0: return bvr[i];
                case 1: return bcr[i];
                case 2: return wvr[i];
                default: return wcr[i];
            }
        }
        switch (r) {
            case MDSCR_EL1: return mdscr;
            case OSLSR_EL1: return OSLM | (osLocked ? 2 : 0);
            case MDCCINT_EL1: return mdccint;
            case DBGPRCR_EL1: return dbgprcr;
            case DBGCLAIMSET_EL1: return 0xFF; // which claim bits are implemented
            case DBGCLAIMCLR_EL1: return claim;
            case OSDLR_EL1:
            case DBGAUTHSTATUS_EL1:
                return 0;
            default:
                return 0;
        }
    }

    /**
     * Writes one (the caller has checked the EL).
     *
     * @param r a register {@link #owns} accepts
     * @param v the value
     * @return false if the register is read-only (OSLSR_EL1, DBGAUTHSTATUS_EL1)
     */
    boolean write(SystemRegister r, long v) {
        int p = pair(r);
        if (p >= 0) {
            int i = p / 4;
            switch (p & 3) {
                case 0: bvr[i] = v; break;
                case 1: bcr[i] = v & 0xFFFF_FFFFL; break;
                case 2: wvr[i] = v; break;
                default: wcr[i] = v & 0xFFFF_FFFFL; break;
            }
            return true;
        }
        switch (r) {
            case MDSCR_EL1: mdscr = v & 0xFFFF_FFFFL; return true;
            case OSLAR_EL1: osLocked = (v & 1) != 0; return true;
            case OSDLR_EL1: return true; // the double lock is not implemented: RAZ/WI
            case MDCCINT_EL1: mdccint = v & 0xFFFF_FFFFL; return true;
            case DBGPRCR_EL1: dbgprcr = v & 1; return true;
            case DBGCLAIMSET_EL1: claim |= v & 0xFF; return true;
            case DBGCLAIMCLR_EL1: claim &= ~(v & 0xFF); return true;
            default:
                return false;
        }
    }
}

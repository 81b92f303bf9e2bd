package dev.levitate.sim.cpu;

/**
 * The exception syndrome register ESR_EL1 (ARM ARM D17.2.37): exception classes, the syndrome
 * layout, and readable names.
 *
 * <pre>
 *   ESR = EC[31:26] | IL[25] | ISS[24:0]
 *   data/instruction abort ISS: WnR[6] (data only) | xFSC[5:0]
 *   MSR/MRS trap ISS: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Direction[0] (1 = read)
 * </pre>
 */
public final class Esr {
    private Esr() {
    }

    /** Unknown reason: UNDEFINED instructions. */
    public static final int EC_UNKNOWN = 0x00;
    /** WFI or WFE trapped (SCTLR_EL1.nTWI / nTWE = 0 at EL0). */
    public static final int EC_WFX = 0x01;
    /** Illegal execution state (PSTATE.IL after an illegal exception return). */
    public static final int EC_ILLEGAL_STATE = 0x0E;
    /** SVC from AArch64. */
    public static final int EC_SVC = 0x15;
    /** HVC from AArch64. */
    public static final int EC_HVC = 0x16;
    /** SMC from AArch64. */
    public static final int EC_SMC = 0x17;
    /** MSR, MRS or system instruction trapped. */
    public static final int EC_SYSREG = 0x18;
    /** Instruction abort from a lower EL. */
    public static final int EC_IABT_LOWER = 0x20;
    /** Instruction abort from the current EL. */
    public static final int EC_IABT_SAME = 0x21;
    /** PC alignment fault. */
    public static final int EC_PC_ALIGNMENT = 0x22;
    /** Data abort from a lower EL. */
    public static final int EC_DABT_LOWER = 0x24;
    /** Data abort from the current EL. */
    public static final int EC_DABT_SAME = 0x25;
    /** SP alignment fault. */
    public static final int EC_SP_ALIGNMENT = 0x26;
    /** BRK from AArch64. */
    public static final int EC_BRK = 0x3C;

    /** The IL bit: a 32-bit instruction. */
    public static final int IL = 1 << 25;

    /**
     * Builds a syndrome.
     *
     * @param ec the exception class
     * @param iss the instruction-specific syndrome
     * @return EC &lt;&lt; 26 | IL | ISS
     */
    public static long of(int ec, int iss) {
        return (long) ec << 26 | IL | (iss & 0x1FF_FFFF);
    }

    /**
     * Extracts the exception class.
     *
     * @param esr a syndrome
     * @return EC
     */
    public static int ec(long esr) {
        return (int) (esr >>> 26) & 0x3F;
    }

    /**
     * Extracts the fault status code of an abort.
     *
     * @param esr a syndrome
     * @return xFSC[5:0]
     */
    public static int faultStatus(long esr) {
        return (int) esr & 0x3F;
    }

    /**
     * Names an exception class.
     *
     * @param ec the class
     * @return e.g. {@code "data abort (same EL)"}
     */
    public static String className(int ec) {
        switch (ec) {
            case EC_UNKNOWN: return "undefined instruction";
            case EC_WFX: return "WFI/WFE trapped";
            case EC_ILLEGAL_STATE: return "illegal execution state";
            case EC_SVC: return "SVC";
            case EC_HVC: return "HVC";
            case EC_SMC: return "SMC";
            case EC_SYSREG: return "system register access trapped";
            case EC_IABT_LOWER: return "instruction abort (lower EL)";
            case EC_IABT_SAME: return "instruction abort (same EL)";
            case EC_PC_ALIGNMENT: return "PC alignment fault";
            case EC_DABT_LOWER: return "data abort (lower EL)";
            case EC_DABT_SAME: return "data abort (same EL)";
            case EC_SP_ALIGNMENT: return "SP alignment fault";
            case EC_BRK: return "BRK";
            default: return String.format("EC 0x%02x", ec);
        }
    }

    /**
     * Names a fault status code.
     *
     * @param fsc the code
     * @return e.g. {@code "translation fault, level 3"}
     */
    public static String faultName(int fsc) {
        int level = fsc & 3;
        switch (fsc & 0x3C) {
            case 0x00: return "address size fault, level " + level;
            case 0x04: return "translation fault, level " + level;
            case 0x08: return "access flag fault, level " + level;
            case 0x0C: return "permission fault, level " + level;
            case 0x14: return "external abort on table walk, level " + level;
            default:
                return fsc == 0x10 ? "synchronous external abort" : fsc == 0x21 ? "alignment fault" : String.format("FSC 0x%02x", fsc);
        }
    }

    /**
     * Describes a syndrome for people: class, and for aborts the fault and direction.
     *
     * @param esr the syndrome
     * @return the text
     */
    public static String describe(long esr) {
        int ec = ec(esr);
        String s = String.format("ESR 0x%08x: %s", esr, className(ec));
        if (ec == EC_DABT_LOWER || ec == EC_DABT_SAME) {
            return s + ", " + faultName(faultStatus(esr)) + (((esr >>> 6) & 1) != 0 ? ", write" : ", read");
        }
        if (ec == EC_IABT_LOWER || ec == EC_IABT_SAME) {
            return s + ", " + faultName(faultStatus(esr));
        }
        if (ec == EC_SVC || ec == EC_BRK || ec == EC_HVC) {
            return s + " #" + (esr & 0xFFFF);
        }
        return s;
    }
}

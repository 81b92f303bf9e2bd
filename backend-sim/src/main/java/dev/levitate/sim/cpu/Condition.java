package dev.levitate.sim.cpu;

/**
 * ConditionHolds (ARM ARM J1.1) for the sixteen condition codes, as one table that both
 * interpreter tiers use: bit {@code nzcv} of {@code HOLDS[cond]} says whether condition
 * {@code cond} holds when the flags are {@code nzcv} (N in bit 3 .. V in bit 0). AL and NV hold
 * always.
 */
final class Condition {
    private Condition() {
    }

    private static final int[] HOLDS = new int[16];

    static {
        for (int cond = 0; cond < 16; cond++) {
            for (int f = 0; f < 16; f++) {
                boolean n = (f & 8) != 0;
                boolean z = (f & 4) != 0;
                boolean c = (f & 2) != 0;
                boolean v = (f & 1) != 0;
                boolean r;
                switch (cond >>> 1) {
                    case 0: r = z; break;              // EQ / NE
                    case 1: r = c; break;              // CS / CC
                    case 2: r = n; break;              // MI / PL
                    case 3: r = v; break;              // VS / VC
                    case 4: r = c && !z; break;        // HI / LS
                    case 5: r = n == v; break;         // GE / LT
                    case 6: r = n == v && !z; break;   // GT / LE
                    default: r = true; break;          // AL / NV
                }
                if ((cond & 1) == 1 && cond != 15) {
                    r = !r;
                }
                if (r) {
                    HOLDS[cond] |= 1 << f;
                }
            }
        }
    }

    /**
     * Tells whether a condition holds.
     *
     * @param cond the condition code, 0..15
     * @param nzcv the flags, N in bit 3 .. V in bit 0
     * @return true if it holds
     */
    static boolean holds(int cond, int nzcv) {
        return (HOLDS[cond] >>> nzcv & 1) != 0;
    }

    /**
     * Whether a condition holds, as a mask for branch-free selection (the fast tier's CSEL family
     * and CCMP: a data-dependent outcome the JIT would otherwise compile as a branch, and recompile
     * the whole loop the first time the outcome it never saw during profiling comes up).
     *
     * @param cond the condition code, 0..15
     * @param nzcv the flags, N in bit 3 .. V in bit 0
     * @return -1 (all ones) if it holds, else 0
     */
    static int mask(int cond, int nzcv) {
        return -(HOLDS[cond] >>> nzcv & 1);
    }
}

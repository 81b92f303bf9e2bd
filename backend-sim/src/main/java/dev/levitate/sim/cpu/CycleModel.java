package dev.levitate.sim.cpu;

import dev.levitate.sim.isa.A64;

/**
 * The cycles each instruction and event costs — the simulator's clock, and so the timer's.
 *
 * <p>This first model is single-issue and in order: a fixed cost per row class, from Cortex-A53
 * figures (Arm's Cortex-A53 software optimisation material lists the same classes). It is
 * deterministic by construction: the same instructions cost the same cycles every run.
 * <pre>
 *   class                                   cycles
 *   ALU, logical, moves, bitfield, ADR(P)     1
 *   branches (taken or not)                   1
 *   MADD/MSUB/SMADDL/UMADDL/…                 3
 *   SMULH/UMULH                               5
 *   UDIV/SDIV                                12
 *   loads, stores (one register)              1
 *   LDP/STP, exclusives, acquire/release      2
 *   system register access, barriers          1
 *   exception entry                          12
 *   TLBI                                      8
 *   one descriptor read of a table walk      20   (charged through the MMU)
 * </pre>
 */
final class CycleModel {
    /** Cycles per descriptor read during a table walk. */
    static final int WALK_READ = 20;
    private static final int EXCEPTION_ENTRY = 12;
    private static final int TLBI = 8;

    private final int[] cost = new int[A64.values().length];

    CycleModel(CpuConfig config) {
        for (A64 r : A64.values()) {
            String n = r.name();
            int c = 1;
            if (n.matches("MADD|MSUB|[SU]M(ADD|SUB)L")) {
                c = 3;
            } else if (n.matches("[SU]MULH")) {
                c = 5;
            } else if (n.matches("[SU]DIV")) {
                c = 12;
            } else if (n.matches("(LD|ST)P.*|LD[A]?XR.*|ST[L]?XR.*|LDAR.*|STLR.*")) {
                c = 2;
            }
            cost[r.ordinal()] = c;
        }
    }

    int cost(int id) {
        return cost[id];
    }

    int exceptionEntry() {
        return EXCEPTION_ENTRY;
    }

    int tlbi() {
        return TLBI;
    }
}

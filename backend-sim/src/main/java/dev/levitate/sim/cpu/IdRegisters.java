package dev.levitate.sim.cpu;

import dev.levitate.a64.SystemRegister;

/**
 * The identification registers of the simulated core: a Cortex-A53 r0p4 as its Technical
 * Reference Manual describes it (and QEMU's {@code cortex-a53} model sets it), with the features
 * the simulator does not implement reported as absent (ARM ARM D17.2, "General system control
 * registers", the ID_AA64* descriptions).
 *
 * <h2>Values and deviations from the A53</h2>
 * <pre>
 *   MIDR_EL1          0x410FD034   Arm, r0p4, part 0xD03                    as the A53
 *   MPIDR_EL1         0x80000000   Aff0 = 0, U = 0                          as QEMU virt's CPU 0
 *   REVIDR_EL1        0                                                      as the A53
 *   ID_AA64PFR0_EL1   0x00FF0011   EL0, EL1 AArch64 only; no EL2/EL3;       A53: 0x00002222
 *                                  FP, AdvSIMD = 0xF (not implemented)
 *   ID_AA64PFR1_EL1   0
 *   ID_AA64DFR0_EL1   0x10305106   debug v8, PMUv3, 6 BRPs, 4 WRPs, 2 CTX   as the A53
 *   ID_AA64DFR1_EL1, ID_AA64AFR0/1_EL1, AIDR_EL1   0
 *   ID_AA64ISAR0_EL1  0            no AES/SHA1/SHA2/CRC32 here              A53: 0x00011120
 *   ID_AA64ISAR1_EL1  0
 *   ID_AA64MMFR0_EL1  0x0F001122   40-bit PA, 16-bit ASID, mixed endian     A53: 0x00001122
 *                                  at EL0; 4 KiB granule only (TGran64=0xF,
 *                                  TGran16=0)
 *   ID_AA64MMFR1/2_EL1 0
 *   CTR_EL0           0x84448004   64-byte I and D lines, VIPT L1I,         as the A53
 *                                  CWG = ERG = 16 words
 *   DCZID_EL0         0x4 (| DZP)  64-byte DC ZVA blocks                    as the A53
 *   CLIDR_EL1         0x0A200023   L1 separate I/D, L2 unified, LoUIS = 1,  as the A53
 *                                  LoC = 2, LoUU = 1
 *   CCSIDR_EL1  L1D   0x700FE01A   32 KiB, 4-way, 64-byte lines, WB/RA/WA
 *               L1I   0x201FE00A   32 KiB, 2-way (the A53's L1I is 2-way)
 *               L2    0x703FE07A   512 KiB, 16-way (a common A53 configuration; QEMU: 1 MiB)
 * </pre>
 * Every other encoding of the ID space (op0 = 3, op1 = 0, CRn = 0, CRm = 1..7) reads as zero at
 * EL1, as the ARM ARM makes it (reserved, RAZ): that is how a kernel built for a later
 * architecture learns that a feature register of its time says "nothing" here.
 */
final class IdRegisters {
    private IdRegisters() {
    }

    /** Cortex-A53 r0p4. */
    static final long MIDR = 0x410F_D034L;
    /** Core 0 of QEMU virt (bit 31 RES1). */
    static final long MPIDR = 0x8000_0000L;
    /** EL0/EL1 AArch64 only, EL2/EL3 absent, FP and AdvSIMD not implemented (0xF). */
    static final long ID_AA64PFR0 = 0x00FF_0011L;
    /** Debug v8, PMUv3 (v8.0), 6 breakpoints, 4 watchpoints, 2 context-aware breakpoints. */
    static final long ID_AA64DFR0 = 0x1030_5106L;
    /** 40-bit PA, 16-bit ASID, mixed-endian, 4 KiB granule only. */
    static final long ID_AA64MMFR0 = 0x0F00_1122L;
    /** 64-byte lines, VIPT instruction cache, 16-word writeback and exclusive granules. */
    static final long CTR = 0x8444_8004L;
    /** DC ZVA block: 2^4 words = 64 bytes. */
    static final long DCZID_BS = 4;
    /** DCZID_EL0.DZP: DC ZVA prohibited. */
    static final long DCZID_DZP = 1L << 4;
    /** DC ZVA block size in bytes. */
    static final int ZVA_BLOCK = 4 << DCZID_BS;
    /** L1 I + D, L2 unified; LoUIS 1, LoC 2, LoUU 1. */
    static final long CLIDR = 0x0A20_0023L;
    /** CCSIDR_EL1 of the L1 data cache: 32 KiB, 4 ways, 128 sets, 64-byte lines, WB RA WA. */
    static final long CCSIDR_L1D = 0x700F_E01AL;
    /** CCSIDR_EL1 of the L1 instruction cache: 32 KiB, 2 ways, 256 sets, 64-byte lines, RA. */
    static final long CCSIDR_L1I = 0x201F_E00AL;
    /** CCSIDR_EL1 of the L2 cache: 512 KiB, 16 ways, 512 sets, 64-byte lines, WB RA WA. */
    static final long CCSIDR_L2 = 0x703F_E07AL;

    /**
     * The value of a read-only ID register.
     *
     * @param r an ID register
     * @return its value, or -1 if {@code r} is not one of the constant ID registers
     */
    static long value(SystemRegister r) {
        switch (r) {
            case MIDR_EL1: return MIDR;
            case MPIDR_EL1: return MPIDR;
            case ID_AA64PFR0_EL1: return ID_AA64PFR0;
            case ID_AA64DFR0_EL1: return ID_AA64DFR0;
            case ID_AA64MMFR0_EL1: return ID_AA64MMFR0;
            case CLIDR_EL1: return CLIDR;
            case REVIDR_EL1:
            case ID_AA64PFR1_EL1:
            case ID_AA64DFR1_EL1:
            case ID_AA64AFR0_EL1:
            case ID_AA64AFR1_EL1:
            case ID_AA64ISAR0_EL1:
            case ID_AA64ISAR1_EL1:
            case ID_AA64MMFR1_EL1:
            case ID_AA64MMFR2_EL1:
            case AIDR_EL1:
                return 0;
            default:
                return -1;
        }
    }

    /**
     * Tells whether an encoding is in the reserved part of the ID space that reads as zero at EL1
     * (op0 = 3, op1 = 0, CRn = 0, CRm = 1..7).
     *
     * @param key the 16-bit encoding key
     * @return true if an MRS of it at EL1 reads zero
     */
    static boolean reservedIdSpace(int key) {
        return (key & 0xFF80) == SystemRegister.key(3, 0, 0, 0, 0) && ((key >>> 3) & 15) >= 1 && ((key >>> 3) & 15) <= 7;
    }

    /**
     * CCSIDR_EL1 for a CSSELR_EL1 value: the cache of that level and kind, or 0 (UNKNOWN in the
     * ARM ARM) for a level or kind the core lacks.
     *
     * @param csselr CSSELR_EL1 (Level in [3:1], InD in [0])
     * @return the cache's size ID
     */
    static long ccsidr(long csselr) {
        int level = (int) (csselr >>> 1) & 7;
        boolean instruction = (csselr & 1) != 0;
        if (level == 0) {
            return instruction ? CCSIDR_L1I : CCSIDR_L1D;
        }
        return level == 1 && !instruction ? CCSIDR_L2 : 0;
    }
}

package dev.levitate.mmu;

/**
 * Which half of the EL1&amp;0 virtual address space a table translates (ARM ARM D8.2.4): the lower
 * half through TTBR0_EL1 (user space, tagged with an ASID), the upper half through TTBR1_EL1 (the
 * kernel). With an n-bit VA (TnSZ = 64 - n) the lower half is {@code [0, 2^n)} and the upper half
 * {@code [2^64 - 2^n, 2^64)}: from {@code 0xFFFF_0000_0000_0000} with 48-bit VAs (T1SZ = 16), from
 * {@code 0xFFFF_FF80_0000_0000} with 39-bit VAs (T1SZ = 25). (The original kernel placed its image at
 * {@code 0xFFFF_8000_0000_0000}, inside the 48-bit upper half, not at its start.)
 */
public enum Half {
    /** TTBR0_EL1: VAs with bits [63:n] all zero, from 0. */
    LOWER,
    /** TTBR1_EL1: VAs with bits [63:n] all one, from {@code -1L << n}. */
    UPPER
}

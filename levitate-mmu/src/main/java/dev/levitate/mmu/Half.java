package dev.levitate.mmu;

/**
 * Which half of the EL1&amp;0 virtual address space a table translates (ARM ARM D8.2.4): the lower
 * half through TTBR0_EL1 (user space, tagged with an ASID), the upper half through TTBR1_EL1 (the
 * kernel, from {@code 0xFFFF_8000_0000_0000} with 48-bit VAs).
 */
public enum Half {
    /** TTBR0_EL1: VAs with the top bits all zero. */
    LOWER,
    /** TTBR1_EL1: VAs with the top bits all one. */
    UPPER
}

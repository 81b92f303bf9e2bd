// Cross-check: the EL1 system registers and operations a kernel touches at boot, as QEMU's
// cortex-a53 and the simulator both implement them: the ID registers they agree on, the caches
// (CTR, CLIDR, CCSIDR of the L1s, DCZID), the OS lock, the PMU's structure (not its counts), the
// thread ID registers, DC ZVA, cache maintenance by set/way and by VA, CLREX, PRFM, SEVL/WFE,
// and AT with PAR_EL1 with the MMU off and on. Values that differ on purpose are not printed:
// ID_AA64PFR0/ISAR0/MMFR0 (no FP/SIMD, crypto, CRC32 or 64 KiB granule here) and the L2's size.
        .include "lib.inc"
        .equ AF, (1 << 10)
        .equ SH, (3 << 8)
        .equ NORMAL, (1 << 2)           // MAIR index 1

        .macro SHOW name, reg
        PUTS    "\name "
        mrs     x0, \reg
        bl      puthex
        PUTS    "\n"
        .endm

        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        PUTS    "sysregs\n"
        SHOW    midr, midr_el1
        SHOW    mpidr, mpidr_el1
        SHOW    revidr, revidr_el1
        SHOW    dfr0, id_aa64dfr0_el1
        SHOW    ctr, ctr_el0
        SHOW    dczid, dczid_el0
        SHOW    clidr, clidr_el1
        msr     csselr_el1, xzr
        isb
        SHOW    ccsidr_l1d, ccsidr_el1
        mov     x0, #1
        msr     csselr_el1, x0
        isb
        SHOW    ccsidr_l1i, ccsidr_el1
        SHOW    csselr, csselr_el1
        SHOW    oslsr, oslsr_el1
        msr     oslar_el1, xzr
        isb
        SHOW    oslsr_unlocked, oslsr_el1
        ldr     x0, =0x1234
        msr     tpidr_el0, x0
        add     x0, x0, #1
        msr     tpidrro_el0, x0
        add     x0, x0, #1
        msr     tpidr_el1, x0
        add     x0, x0, #1
        msr     contextidr_el1, x0
        SHOW    tpidr_el0, tpidr_el0
        SHOW    tpidrro_el0, tpidrro_el0
        SHOW    tpidr_el1, tpidr_el1
        SHOW    contextidr, contextidr_el1

        // the PMU's structure: identity and N, enables, a counter that counts cycles
        PUTS    "pmcr_id_n "
        mrs     x0, pmcr_el0
        and     x0, x0, #0xfffff800
        bl      puthex
        PUTS    "\n"
        ldr     x0, =0x8000003f
        msr     pmcntenset_el0, x0
        SHOW    pmcntenset, pmcntenset_el0
        mov     x0, #0x30
        msr     pmcntenclr_el0, x0
        SHOW    pmcntenclr, pmcntenclr_el0
        mov     x0, #0x11
        msr     pmevtyper0_el0, x0
        SHOW    pmevtyper0, pmevtyper0_el0
        mov     x0, #3
        msr     pmselr_el0, x0
        mov     x0, #0x8
        msr     pmxevtyper_el0, x0
        SHOW    pmevtyper3, pmevtyper3_el0
        mov     x0, #0x7
        msr     pmcr_el0, x0            // E, and P, C: counters from zero
        isb
        mrs     x4, pmccntr_el0
        mov     x2, #200
1:      subs    x2, x2, #1
        b.ne    1b
        mrs     x5, pmccntr_el0
        mrs     x6, pmevcntr0_el0
        PUTS    "pmccntr_advances "
        cmp     x5, x4
        cset    x0, hi
        bl      puthex
        PUTS    "\ncpu_cycles_advances "
        cmp     x6, #0
        cset    x0, ne
        bl      puthex
        PUTS    "\n"
        msr     pmcr_el0, xzr
        mov     x0, #0xd
        msr     pmuserenr_el0, x0
        SHOW    pmuserenr, pmuserenr_el0

        // DC ZVA zeroes the 64-byte block; the rest stays
        ldr     x1, =buffer
        mov     x0, #-1
        mov     x2, #0
2:      str     x0, [x1, x2]
        add     x2, x2, #8
        cmp     x2, #192
        b.ne    2b
        add     x3, x1, #64 + 0x13
        dc      zva, x3
        PUTS    "after dc zva "
        ldr     x1, =buffer
        ldr     x0, [x1, #56]
        bl      puthex
        ldr     x1, =buffer
        ldr     x0, [x1, #64]
        bl      puthex
        ldr     x1, =buffer
        ldr     x0, [x1, #120]
        bl      puthex
        ldr     x1, =buffer
        ldr     x0, [x1, #128]
        bl      puthex
        PUTS    "\n"

        // maintenance that is a no-op on both: by set/way, whole I-cache, by VA on mapped memory
        mov     x0, #0
        dc      isw, x0
        dc      csw, x0
        dc      cisw, x0
        ic      iallu
        ic      ialluis
        ldr     x1, =buffer
        dc      civac, x1
        dc      cvac, x1
        dc      cvau, x1
        ic      ivau, x1
        dsb     ish
        isb
        PUTS    "maintenance done\n"

        // CLREX: the store exclusive after it fails; PRFM literal never faults; SEVL lets a WFE through
        ldr     x1, =buffer
        ldxr    x0, [x1]
        clrex
        stxr    w19, x0, [x1]
        PUTS    "stxr after clrex "
        mov     x0, x19
        bl      puthex
        PUTS    "\n"
        prfm    pldl1keep, 3f
        prfm    pstl2strm, 3f
3:      sevl
        wfe
        PUTS    "wfe after sevl\n"

        // AT with the MMU off: PA = VA (just that part; the attributes are implementation's)
        ldr     x1, =buffer
        add     x1, x1, #0x123
        at      s1e1r, x1
        isb
        PUTS    "par mmu off "
        mrs     x2, par_el1
        and     x0, x2, #0xfffffffff000
        and     x2, x2, #1
        orr     x0, x0, x2
        bl      puthex
        PUTS    "\n"

        // MMU on: level 1 blocks, device at 0, RAM (Normal WB) at 1 GiB, RAM again read-only at 2 GiB
        ldr     x1, =l1
        ldr     x0, =(AF | 1)
        str     x0, [x1, #0]
        ldr     x0, =(0x40000000 | AF | SH | NORMAL | 1)
        str     x0, [x1, #8]
        ldr     x0, =(0x40000000 | AF | SH | NORMAL | (2 << 6) | 1)
        str     x0, [x1, #16]
        ldr     x0, =0x000000000000ff00
        msr     mair_el1, x0
        ldr     x0, =((25) | (1 << 23) | (2 << 32))     // T0SZ = 25, EPD1, IPS 40 bits
        msr     tcr_el1, x0
        ldr     x0, =l1
        msr     ttbr0_el1, x0
        isb
        mrs     x0, sctlr_el1
        orr     x0, x0, #1
        msr     sctlr_el1, x0
        isb
        PUTS    "mmu on\n"
        ldr     x1, =buffer
        add     x1, x1, #0x123
        at      s1e1r, x1
        isb
        PUTS    "par ram "
        mrs     x0, par_el1
        and     x0, x0, #~(1 << 9)      // NS: UNKNOWN for a Non-secure regime
        bl      puthex
        PUTS    "\n"
        ldr     x1, =0x80001000
        at      s1e1w, x1
        isb
        PUTS    "par write to read-only "
        mrs     x0, par_el1
        and     x0, x0, #0x7f
        bl      puthex
        PUTS    "\n"
        at      s1e0r, x1
        isb
        PUTS    "par el0 read of el1 memory "
        mrs     x0, par_el1
        and     x0, x0, #0x7f
        bl      puthex
        PUTS    "\n"
        ldr     x1, =0xc0000000
        at      s1e1r, x1
        isb
        PUTS    "par unmapped "
        mrs     x0, par_el1
        and     x0, x0, #0x7f
        bl      puthex
        PUTS    "\n"
        ldr     x1, =0x80000000 + (buffer - 0x40000000)
        at      s1e1r, x1
        isb
        PUTS    "par read-only alias "
        mrs     x0, par_el1
        and     x0, x0, #~(1 << 9)
        bl      puthex
        PUTS    "\n"
        PUTS    "done\n"
        mov     x0, #0
        b       exit
        .ltorg

        .bss
        .balign 4096
l1:     .space  4096
buffer: .space  4096
        .space  8192
stack_top:

// Cross-check: the generic timer's interrupt delivered through the GICv2 (PPI 30), an SGI to self,
// the spurious ID, and WFI waiting for interrupts.
        .include "lib.inc"
        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        adr     x0, vectors
        msr     vbar_el1, x0
        PUTS    "timer\n"

        ldr     x1, =GICD
        mov     w0, #1
        str     w0, [x1, #0x000]                // GICD_CTLR: enable
        ldr     w0, =((1 << 30) | (1 << 5))
        str     w0, [x1, #0x100]                // GICD_ISENABLER0: PPI 30, SGI 5
        mov     w0, #0x80
        strb    w0, [x1, #0x400 + 30]           // GICD_IPRIORITYR
        strb    w0, [x1, #0x400 + 5]
        ldr     w0, [x1, #0x004]                // GICD_TYPER: ITLinesNumber
        and     x0, x0, #0x1f
        PUTX    x0
        PUTS    " it lines\n"
        ldr     x1, =GICC
        mov     w0, #0xf0
        str     w0, [x1, #0x004]                // GICC_PMR
        mov     w0, #1
        str     w0, [x1, #0x000]                // GICC_CTLR: enable
        ldr     w0, [x1, #0x00c]                // GICC_IAR with nothing pending
        PUTX    x0
        PUTS    " spurious\n"

        // SGI 5 to this CPU, taken as soon as IRQs are unmasked
        ldr     x1, =GICD
        ldr     w0, =((2 << 24) | 5)
        str     w0, [x1, #0xf00]                // GICD_SGIR: target self
        msr     daifclr, #2
        isb
        nop
        msr     daifset, #2

        // five timer ticks of 1 ms
        mrs     x0, cntfrq_el0
        mov     x1, #1000
        udiv    x20, x0, x1
        adr     x0, tick_interval
        str     x20, [x0]
        msr     cntp_tval_el0, x20
        mov     x0, #1
        msr     cntp_ctl_el0, x0
        msr     daifclr, #2
1:      wfi
        adr     x0, ticks
        ldr     x0, [x0]
        cmp     x0, #5
        b.lt    1b
        msr     daifset, #2
        msr     cntp_ctl_el0, xzr
        PUTS    "ticks "
        adr     x0, ticks
        ldr     x0, [x0]
        PUTX    x0
        PUTS    "\ndone\n"
        mov     x0, #0
        b       exit

// x0 = vector offset, x1 = frame
handle: stp     x29, x30, [sp, #-32]!
        stp     x19, x20, [sp, #16]
        cmp     x0, #0x280
        b.ne    unexpected
        ldr     x1, =GICC
        ldr     w19, [x1, #0x00c]               // GICC_IAR: acknowledge
        PUTS    "irq "
        and     x0, x19, #0x3ff
        PUTX    x0
        PUTS    "\n"
        and     x0, x19, #0x3ff
        cmp     x0, #30
        b.ne    2f
        adr     x1, ticks
        ldr     x0, [x1]
        add     x0, x0, #1
        str     x0, [x1]
        adr     x0, tick_interval
        ldr     x0, [x0]
        msr     cntp_tval_el0, x0               // the next tick; the level drops
2:      ldr     x1, =GICC
        str     w19, [x1, #0x010]               // GICC_EOIR
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret
unexpected:
        PUTS    "unexpected exception\n"
        mov     x0, #1
        b       exit

        VECTORS vectors, handle

        .data
        .balign 8
ticks:  .quad   0
tick_interval: .quad 0
        .bss
        .balign 16
        .space  8192
stack_top:

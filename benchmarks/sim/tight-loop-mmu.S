// The tight loop of tight-loop.S with stage-1 translation on: RAM identity-mapped by one 1 GiB
// Normal block, the UART's gigabyte by a Device block (T0SZ = 25: walks start at level 1), so
// every fetch, load and store after the first walk is a TLB hit. Same 7 x 10^8 loop instructions,
// plus 13 set-up instructions before it.
        .text
        .global _start
_start:
        adr     x0, l1_table
        ldr     x1, =0x04ff                 // MAIR: attr0 = 0xff Normal WB, attr1 = 0x04 Device-nGnRE
        msr     mair_el1, x1
        ldr     x1, =0x200993519            // TCR: T0SZ 25, WB, inner shareable, 4K, EPD1, T1SZ 25, IPS 40 bits
        msr     tcr_el1, x1
        msr     ttbr0_el1, x0
        isb
        mrs     x1, sctlr_el1
        orr     x1, x1, #1                  // M
        orr     x1, x1, #(1 << 2)           // C
        orr     x1, x1, #(1 << 12)          // I
        msr     sctlr_el1, x1
        isb
        adr     x1, data
        movz    x0, #0xe100                 // x0 = 100,000,000 = 0x05f5e100
        movk    x0, #0x05f5, lsl #16
        movz    x2, #3
loop:   ldr     x3, [x1]
        madd    x4, x3, x2, x4
        adds    x5, x5, x3
        str     x4, [x1, #8]
        add     x6, x6, #1
        subs    x0, x0, #1
        b.ne    loop
        movz    w0, #0x18                   // SYS_EXIT
        adr     x1, exit_block
        hlt     #0xf000
        b       .
        .ltorg
        .balign 8
exit_block:
        .quad   0x20026, 0
        .balign 4096
l1_table:
        .quad   0x00000000 | (1 << 10) | (1 << 2) | 1           // 0..1 GiB: Device (attr1), AF, block
        .quad   0x40000000 | (1 << 10) | (3 << 8) | 1           // 1..2 GiB: RAM, Normal (attr0), AF, inner shareable
        .fill   510, 8, 0
        .balign 4096
data:   .quad   1, 0

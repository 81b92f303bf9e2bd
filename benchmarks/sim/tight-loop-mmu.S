// The tight loop of tight-loop.S with stage-1 translation on: RAM identity-mapped by one 1 GiB
// Normal block, the UART's gigabyte by a Device block (mmu-identity.inc), so every fetch, load and
// store after the first walk is a TLB hit. Same 7 x 10^8 loop instructions, plus 13 set-up
// instructions before it.
        .include "mmu-identity.inc"
        .text
        .global _start
_start:
        enable_identity_mmu l1_table
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
        identity_l1_table l1_table
        .balign 4096
data:   .quad   1, 0

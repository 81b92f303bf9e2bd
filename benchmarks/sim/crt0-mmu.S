// crt0 of the C corpus (backend-sim/src/test/resources/corpus/crt0.S) with stage-1 translation on,
// for the MMU-on run of bench.c in vs-qemu.sh: RAM identity-mapped by one 1 GiB Normal block and
// the devices' gigabyte (the PL011 at 0x09000000) by a Device block, T0SZ = 25 (walks start at
// level 1), as in tight-loop-mmu.S. After the first walks every fetch, load and store is a TLB hit.
// Then as crt0.S: SP, .bss zeroed, main(), semihosting SYS_EXIT with main's return value.
        .section .text.boot, "ax"
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
        ldr     x0, =__stack_top
        mov     sp, x0
        ldr     x0, =__bss_start
        ldr     x1, =__bss_end
1:      cmp     x0, x1
        b.hs    2f
        str     xzr, [x0], #8
        b       1b
2:      mov     x29, #0
        mov     x30, #0
        bl      main
        .global _exit
_exit:
        adr     x1, exit_block
        str     x0, [x1, #8]
        mov     x0, #0x18                   // SYS_EXIT
        hlt     #0xf000
3:      b       3b
        .ltorg

        .data
        .balign 8
exit_block:
        .quad   0x20026                     // ADP_Stopped_ApplicationExit
        .quad   0                           // exit status (subcode)
        .balign 4096
l1_table:
        .quad   0x00000000 | (1 << 10) | (1 << 2) | 1           // 0..1 GiB: Device (attr1), AF, block
        .quad   0x40000000 | (1 << 10) | (3 << 8) | 1           // 1..2 GiB: RAM, Normal (attr0), AF, inner shareable
        .fill   510, 8, 0

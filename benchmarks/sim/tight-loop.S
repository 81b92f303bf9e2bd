// The 7-instruction loop of issue #4 (load, multiply-add, adds, store, add, subs, branch),
// 100 million iterations = 700 million instructions, then a semihosting exit with status 0.
        .text
        .global _start
_start:
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
        .balign 8
exit_block:
        .quad   0x20026, 0
        .balign 4096                        // data on its own page: QEMU re-translates a code page
data:   .quad   1, 0                        // on every store to it (self-modifying-code check)

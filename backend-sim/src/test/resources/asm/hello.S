// A bare-metal image built by the GNU toolchain: prints through the PL011 and semihosting, then
// exits with 3 through SYS_EXIT. Uses only instructions the simulator implements.
        .text
        .global _start
_start:
        movz    x1, #0x0900, lsl #16        // PL011 data register, QEMU virt
        adr     x2, uart_msg
1:      ldrb    w3, [x2]
        cbz     w3, 2f
        strb    w3, [x1]
        add     x2, x2, #1
        b       1b
2:      movz    w0, #0x04                   // SYS_WRITE0
        adr     x1, semi_msg
        hlt     #0xf000
        movz    w0, #0x18                   // SYS_EXIT
        adr     x1, exit_block
        hlt     #0xf000
        b       .

        .balign 8
exit_block:
        .quad   0x20026, 3
uart_msg:
        .asciz  "Levitate\n"
semi_msg:
        .asciz  "semihosting ok\n"

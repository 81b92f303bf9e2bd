// crt0 for the C corpus: runs on qemu-system-aarch64 -M virt -cpu cortex-a53 -semihosting
// (entered at EL1, MMU and caches off) and on the Levitate simulator.
// Sets SP, zeroes .bss, calls main() and exits through semihosting SYS_EXIT
// (ADP_Stopped_ApplicationExit) with main's return value as the exit status.
        .section .text.boot, "ax"
        .global _start
_start:
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
        // fall into exit with x0 = main's return value
        .global _exit
_exit:
        adr     x1, exit_block
        str     x0, [x1, #8]
        mov     x0, #0x18               // SYS_EXIT
        hlt     #0xf000
3:      b       3b

        .data
        .balign 8
exit_block:
        .quad   0x20026                 // ADP_Stopped_ApplicationExit
        .quad   0                       // exit status (subcode)

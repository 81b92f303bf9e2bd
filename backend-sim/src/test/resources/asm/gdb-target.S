// The image the GDB end-to-end test debugs: a call to a named function, a store to a named
// variable (for a watchpoint), then a semihosting exit whose code (7) the function computed.
// Uses only instructions the simulator implements.
        .text
        .global _start
_start:
        adr     x1, stack_top
        mov     sp, x1
        movz    x0, #5
        bl      add_two                     // x0 = 7
        adr     x1, counter
        str     x0, [x1]                    // counter = 7
        adr     x1, exit_block
        str     x0, [x1, #8]                // exit code = 7
        movz    w0, #0x18                   // SYS_EXIT
        hlt     #0xf000
        b       .

        .global add_two
        .type   add_two, %function
add_two:
        add     x0, x0, #2
        ret
        .size   add_two, . - add_two

        .data
        .balign 8
        .global counter
counter:
        .quad   0
exit_block:
        .quad   0x20026, 0
        .balign 16
        .space  256
stack_top:

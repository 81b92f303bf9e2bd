// A small higher-half kernel for the GDB end-to-end test (GdbMultiarchTest): boot code at its
// physical address turns the MMU on with TTBR1_EL1 mapping RAM at 0xffff0000_4000_0000 (one
// 1 GiB block) and TTBR0_EL1 mapping it at its own address (so the boot code goes on after the
// MMU is on), then jumps to the kernel, linked at virtual addresses (higher-half.ld). The kernel
// pushes two known words, calls a function, reads and writes a variable, takes an SVC through
// its vector table, and exits through semihosting with the code the function computed (7).
// Uses only instructions the simulator implements.

        .section .boot, "ax"
        .global _start
_start:
        movz    x0, #0xff                   // MAIR_EL1 attr0: Normal, write-back
        msr     mair_el1, x0
        movz    x0, #0x0010                 // T0SZ = 16
        movk    x0, #0x8010, lsl #16        // T1SZ = 16, TG1 = 4 KiB (0b10)
        msr     tcr_el1, x0
        adr     x0, l0_low
        msr     ttbr0_el1, x0
        adr     x0, l0_high
        msr     ttbr1_el1, x0
        isb
        mrs     x0, sctlr_el1
        orr     x0, x0, #1                  // M: the MMU on
        msr     sctlr_el1, x0
        isb
        ldr     x0, =kernel_main            // a virtual address
        br      x0
        .ltorg

        .balign 4096, 0
        .global l0_low
l0_low:                                     // TTBR0: VA 0x4000_0000.. = PA 0x4000_0000..
        .quad   l1_low + 3
        .balign 4096, 0
l1_low:
        .quad   0
        .quad   0x40000000 + 0x701          // L1[1]: 1 GiB block, AF, inner shareable, attr0, EL1 rw
        .balign 4096, 0
        .global l0_high
l0_high:                                    // TTBR1: VA 0xffff0000_4000_0000.. = PA 0x4000_0000..
        .quad   l1_high + 3
        .balign 4096, 0
l1_high:
        .quad   0
        .quad   0x40000000 + 0x701
        .balign 4096, 0
        .global exit_block
exit_block:                                 // semihosting reads it at its physical address
        .quad   0x20026, 0

        .text
        .global kernel_main
        .type   kernel_main, %function
kernel_main:
        ldr     x1, =stack_top
        mov     sp, x1
        ldr     x1, =vectors
        msr     vbar_el1, x1
        movz    x19, #0x1234
        movz    x20, #0x5678
        stp     x19, x20, [sp, #-16]!       // two known words on the stack
        movz    x0, #5
        bl      add_two                     // x0 = 7
        ldr     x1, =counter
        ldr     x2, [x1]                    // a read (rwatch)
        add     x2, x2, x0
        str     x2, [x1]                    // counter = 7
        .global do_svc
do_svc:
        svc     #0x42                       // into the vector table, and back
        ldr     x1, =exit_block
        str     x0, [x1, #8]                // exit code = 7
        movz    w0, #0x18                   // SYS_EXIT
        hlt     #0xf000
        b       .
        .size   kernel_main, . - kernel_main

        .global add_two
        .type   add_two, %function
add_two:
        add     x0, x0, #2
        ret
        .size   add_two, . - add_two
        .ltorg

        .balign 2048
        .global vectors
vectors:
        .org    vectors + 0x200
        .global el1h_sync
        .type   el1h_sync, %function
el1h_sync:                                  // current EL with SP_EL1, synchronous
        mrs     x3, esr_el1
        eret
        .size   el1h_sync, . - el1h_sync

        .data
        .balign 8
        .global counter
counter:
        .quad   0
        .balign 16
        .space  512
stack_top:

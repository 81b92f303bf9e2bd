// Cross-check: the MMU. Identity map plus a higher-half kernel map, 4 KiB pages remapped with the
// right TLBI, translation / permission / access-flag faults with their level, and a trip to EL0
// and back through SVC, with a user access to kernel memory refused.
        .include "lib.inc"
        .equ HIGH, 0xffffff8000000000   // TTBR1 base with T1SZ = 25
        .equ AF, (1 << 10)
        .equ SH, (3 << 8)
        .equ NORMAL, (1 << 2)           // MAIR index 1
        .equ UXN, (1 << 54)
        .equ PXN, (1 << 53)
        .equ NG, (1 << 11)
        .equ AP_EL0_RW, (1 << 6)
        .equ AP_EL1_RO, (2 << 6)
        .equ AP_RO_ALL, (3 << 6)
        .equ USER_VA, 0x80000000

        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        adr     x0, vectors
        msr     vbar_el1, x0
        PUTS    "mmu\n"

        // TTBR0 level 1: devices (block 0), RAM (block 1, kernel only, UXN), user pages (table at 2)
        ldr     x1, =l1_low
        ldr     x0, =(AF | UXN | PXN | 1)               // 0x0000_0000, Device-nGnRnE (MAIR index 0)
        str     x0, [x1, #0]
        ldr     x0, =(0x40000000 | AF | SH | NORMAL | UXN | 1)
        str     x0, [x1, #8]
        ldr     x0, =l2_user
        orr     x0, x0, #3
        str     x0, [x1, #16]
        ldr     x1, =l2_user
        ldr     x0, =l3_user
        orr     x0, x0, #3
        str     x0, [x1]
        // TTBR1 level 1: RAM again, at HIGH + 0x4000_0000
        ldr     x1, =l1_high
        ldr     x0, =(0x40000000 | AF | SH | NORMAL | 1)
        str     x0, [x1, #8]
        // user pages: 0 -> page_a (EL0 RW), 4 -> user code (RO, EL0 executable)
        ldr     x0, =page_a
        bl      user_page
        ldr     x1, =l3_user
        str     x0, [x1, #0]
        ldr     x0, =user_code
        ldr     x2, =(AF | SH | NORMAL | AP_RO_ALL | NG | PXN | 3)
        orr     x0, x0, x2
        str     x0, [x1, #32]

        ldr     x0, =0x000000000000ff00         // attr0 Device-nGnRnE, attr1 Normal WB
        msr     mair_el1, x0
        ldr     x0, =((25) | (25 << 16) | (2 << 30) | (2 << 32))   // T0SZ, T1SZ, TG1 = 4K, IPS 40 bits
        msr     tcr_el1, x0
        ldr     x0, =l1_low
        msr     ttbr0_el1, x0
        ldr     x0, =l1_high
        msr     ttbr1_el1, x0
        isb
        mrs     x0, sctlr_el1
        orr     x0, x0, #1
        msr     sctlr_el1, x0
        isb
        PUTS    "mmu on\n"

        // run from the higher half, then come back
        adr     x0, high_code
        ldr     x1, =HIGH
        add     x0, x0, x1
        br      x0
high_code:
        PUTS    "running at "
        adr     x0, high_code
        bl      puthex
        PUTS    "\n"
        adr     x0, low_again
        ldr     x1, =HIGH
        sub     x0, x0, x1
        br      x0
low_again:
        ldr     x0, =hello_high
        ldr     x1, =HIGH
        add     x0, x0, x1
        bl      puts

        // read through a page, remap it with TLBI VALE1, read again
        ldr     x2, =USER_VA
        ldr     x0, [x2]
        bl      puthex
        PUTS    " page a\n"
        ldr     x0, =page_b
        bl      user_page
        ldr     x1, =l3_user
        str     x0, [x1]
        dsb     ishst
        ldr     x0, =(USER_VA >> 12)
        tlbi    vale1is, x0
        dsb     ish
        isb
        ldr     x2, =USER_VA
        ldr     x0, [x2]
        bl      puthex
        PUTS    " page b\n"

        // faults: unmapped page (L3), read-only page (L3), AF = 0 (L3), nothing at level 1
        ldr     x1, =l3_user
        str     xzr, [x1]
        ldr     x0, =page_a
        ldr     x2, =(AF | SH | NORMAL | AP_EL1_RO | NG | UXN | PXN | 3)
        orr     x0, x0, x2
        str     x0, [x1, #8]
        ldr     x0, =page_a
        ldr     x2, =(SH | NORMAL | NG | UXN | PXN | 3)
        orr     x0, x0, x2
        str     x0, [x1, #16]
        dsb     ishst
        ldr     x0, =(USER_VA >> 12)
        tlbi    vae1is, x0
        dsb     ish
        isb
        ldr     x2, =USER_VA
        ldr     x0, [x2]                // translation fault, level 3
        ldr     x2, =USER_VA + 0x1000
        ldr     x0, [x2]                // reads fine
        bl      puthex
        PUTS    " read-only page\n"
        ldr     x2, =USER_VA + 0x1000
        str     x0, [x2]                // permission fault, level 3
        ldr     x2, =USER_VA + 0x2000
        ldr     x0, [x2]                // access flag fault, level 3
        ldr     x2, =0xc0000000
        ldr     x0, [x2]                // translation fault, level 1

        // EL0: a user page of code, user data at USER_VA + 0x1000 is EL1-only now
        ldr     x1, =l3_user
        ldr     x0, =page_b
        bl      user_page
        str     x0, [x1, #0]
        dsb     ishst
        tlbi    vmalle1is
        dsb     ish
        isb
        ldr     x0, =(USER_VA + 0x4000)
        msr     elr_el1, x0
        mov     x0, #0                  // EL0t, interrupts unmasked
        msr     spsr_el1, x0
        eret
el1_again:
        PUTS    "back at EL1\n"
        mrs     x0, sctlr_el1
        bic     x0, x0, #1
        msr     sctlr_el1, x0
        isb
        PUTS    "mmu off\ndone\n"
        mov     x0, #0
        b       exit

// x0 = physical page -> x0 = a user RW page descriptor
user_page:
        ldr     x2, =(AF | SH | NORMAL | AP_EL0_RW | NG | UXN | PXN | 3)
        orr     x0, x0, x2
        ret

// x0 = vector offset, x1 = frame
handle: stp     x29, x30, [sp, #-32]!
        stp     x19, x20, [sp, #16]
        mov     x19, x1
        mov     x20, x0
        PUTS    "vector "
        PUTX    x20
        mrs     x21, esr_el1
        lsr     x22, x21, #26
        PUTS    " EC "
        PUTX    x22
        cmp     x22, #0x15
        b.eq    syscall
        PUTS    " FSC "
        and     x0, x21, #0x3f
        PUTX    x0
        PUTS    " WnR "
        ubfx    x0, x21, #6, #1
        PUTX    x0
        PUTS    " FAR "
        mrs     x0, far_el1
        PUTX    x0
        PUTS    "\n"
        cmp     x22, #0x24              // from EL0: the task is killed, back to the kernel
        b.eq    kill
        ldr     x0, [x19, #248]         // from EL1: skip the faulting instruction
        add     x0, x0, #4
        str     x0, [x19, #248]
        b       2f
syscall:
        PUTS    " svc "
        ldr     x0, [x19, #0]           // the user's x0
        PUTX    x0
        PUTS    "\n"
        b       2f
kill:   PUTS    "user task killed\n"
        adr     x0, el1_again
        str     x0, [x19, #248]
        mov     x0, #0x3c5
        str     x0, [x19, #256]
2:      ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret

        VECTORS vectors, handle

// the user program: its own page of code, mapped at USER_VA + 0x4000
        .balign 4096
user_code:
        mov     x1, #0x80000000         // USER_VA: page_b, EL0 RW
        ldr     x0, [x1]
        svc     #2                      // report what it read
        mov     x0, #0x77
        str     x0, [x1]
        ldr     x0, [x1]
        svc     #3
        ldr     x1, =0x40080000         // kernel memory: refused
        ldr     x0, [x1]
        b       .
        .ltorg
        .balign 4096

        .section .rodata
hello_high:
        .asciz  "string read through TTBR1\n"

        .data
        .balign 4096
page_a: .quad   0xaaaa0000aaaa0001
        .balign 4096
page_b: .quad   0xbbbb0000bbbb0002
        .balign 4096

        .bss
        .balign 4096
l1_low: .space  4096
l1_high: .space 4096
l2_user: .space 4096
l3_user: .space 4096
        .space  8192
stack_top:

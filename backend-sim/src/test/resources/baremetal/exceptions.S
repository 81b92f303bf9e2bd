// Cross-check: the synchronous exceptions a small kernel meets, with the syndrome each one leaves.
// Prints the vector offset, ESR's class (and ISS where it is deterministic), FSC and FAR for aborts.
        .include "lib.inc"

// an ERET with SPSR_EL1 = \spsr to the instruction after it, which is skipped by the handler
        .macro ILLEGAL_ERET spsr
        mov     x0, #\spsr
        msr     spsr_el1, x0
        adr     x0, 9997f
        msr     elr_el1, x0
        eret
9997:   nop
        .endm

        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        adr     x0, vectors
        msr     vbar_el1, x0
        isb
        PUTS    "exceptions\n"
        mrs     x19, currentel
        PUTS    "CurrentEL "
        PUTX    x19
        PUTS    "\n"

        svc     #0x42
        brk     #7
        .inst   0x00000000              // UDF #0: undefined
        hvc     #0                      // PSCI_VERSION in w0 (=0): served, x0 = version
        PUTS    "psci ok\n"

        // alignment fault with SCTLR_EL1.A = 1
        mrs     x20, sctlr_el1
        orr     x0, x20, #2
        msr     sctlr_el1, x0
        isb
        ldr     x1, =buffer + 1
        ldr     x2, [x1]
        msr     sctlr_el1, x20
        isb

        // (SP alignment faults are tested on the simulator only: QEMU does not check SCTLR_EL1.SA)

        // system registers
        mrs     x0, midr_el1
        PUTX    x0
        PUTS    " midr\n"
        mrs     x0, id_aa64mmfr0_el1
        and     x0, x0, #0xf0           // ASID bits field
        PUTX    x0
        PUTS    " asidbits\n"
        mrs     x0, sctlr_el1
        PUTX    x0
        PUTS    " sctlr\n"
        msr     tpidr_el0, xzr
        mov     x0, #0x1234
        msr     tpidrro_el0, x0

        // EL0: privileged accesses trap or are undefined, SVC comes back
        adr     x0, el0_code
        msr     elr_el1, x0
        mov     x0, #0x3c0              // EL0t, DAIF masked
        msr     spsr_el1, x0
        ldr     x0, =stack0_top
        msr     sp_el0, x0
        eret
el0_code:
        mrs     x0, sctlr_el1           // undefined at EL0
        mrs     x0, ctr_el0             // SCTLR.UCT = 0: trapped (EC 0x18)
        // (MSR DAIFSet at EL0 with UMA = 0 traps too; QEMU reports op1 and op2 swapped in the ISS, so
        //  that trap is tested on the simulator only)
        mrs     x0, tpidrro_el0         // allowed
        msr     tpidr_el0, x0           // allowed
        msr     tpidrro_el0, x0         // read-only at EL0: undefined
        mov     x0, #0x18               // semihosting SYS_EXIT(99) from EL0: undefined, as on QEMU
        adr     x1, el0_exit_block      // without -semihosting-config userspace=on; it must not
        hlt     #0xf000                 // stop the machine
        svc     #1                      // back to EL1 (the handler switches ELR/SPSR)
el1_again:
        mrs     x0, tpidr_el0
        PUTX    x0
        PUTS    " tpidr_el0\n"
        mrs     x0, currentel
        PUTX    x0
        PUTS    " back at EL1\n"

        // illegal exception returns: each ERET leaves EL1h with PSTATE.IL set, and its target
        // instruction takes the Illegal Execution state exception (EC 0x0E)
        ILLEGAL_ERET 0x3d3              // M[4] = 1: AArch32 Supervisor, but EL1 is AArch64
        ILLEGAL_ERET 0x3d5              // M[4] = 1 with EL1h's M[3:0]: not AArch64 EL1h either
        ILLEGAL_ERET 0x3c9              // EL2h: higher than EL1, and not implemented
        ILLEGAL_ERET 0x3c1              // EL0 with M[0] = 1 (SP_EL1 at EL0)
        // (AArch32 User, M = 0x10, is left out: QEMU's cortex-a53 implements AArch32 at EL0, so
        //  there it is a legal return; the simulator, AArch64 only, makes it illegal: ExceptionTest)
        mrs     x0, currentel
        PUTX    x0
        PUTS    " still at EL1\n"
        PUTS    "done\n"
        mov     x0, #0
        b       exit

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
        cmp     x22, #0x24
        b.eq    abort
        cmp     x22, #0x25
        b.eq    abort
        PUTS    " ISS "
        and     x0, x21, #0x1ffffff
        PUTX    x0
        b       advance
abort:  PUTS    " FSC "
        and     x0, x21, #0x3f
        PUTX    x0
        PUTS    " WnR "
        ubfx    x0, x21, #6, #1
        PUTX    x0
        PUTS    " FAR "
        mrs     x0, far_el1
        PUTX    x0
advance:
        PUTS    "\n"
        cmp     x22, #0x15              // SVC: ELR is already the next instruction
        b.ne    1f
        ldr     x0, [x19, #256]
        and     x0, x0, #0xf
        cbnz    x0, 2f                  // SVC from EL1: nothing to do
        adr     x0, el1_again           // SVC from EL0: return to EL1h at el1_again
        str     x0, [x19, #248]
        mov     x0, #0x3c5
        str     x0, [x19, #256]
        b       2f
1:      ldr     x0, [x19, #248]         // everything else: skip the faulting instruction
        add     x0, x0, #4
        str     x0, [x19, #248]
        cmp     x22, #0x0e              // Illegal Execution state: the saved PSTATE.IL is 1,
        b.ne    2f                      // so clear it, or the return would be illegal again
        ldr     x0, [x19, #256]
        bic     x0, x0, #(1 << 20)
        str     x0, [x19, #256]
2:      ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret

        VECTORS vectors, handle

        .data
        .balign 16
el0_exit_block:
        .quad   0x20026, 99
buffer: .quad   0x1122334455667788, 0x99aabbccddeeff00
        .bss
        .balign 16
        .space  8192
stack_top:
        .space  8192
stack0_top:

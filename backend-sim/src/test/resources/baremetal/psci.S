// Cross-check: the PSCI firmware interface QEMU virt serves through HVC (the conduit its DTB's
// /psci node names): PSCI_FEATURES for every function ID of PSCI 1.1's range, the SMCCC probes and
// a few IDs outside PSCI, then the calls a kernel makes at boot on one core: PSCI_VERSION,
// MIGRATE_INFO_TYPE, AFFINITY_INFO, CPU_ON refused for this core and for cores that do not exist,
// CPU_SUSPEND with a bad power_state, MIGRATE, unknown IDs. Each line: the ID, its arguments, x0
// after the call. (SYSTEM_OFF, SYSTEM_RESET and CPU_OFF end the run: PsciTest has them.)
        .include "lib.inc"
        .global _start
_start:
        ldr     x0, =stack_top
        mov     sp, x0
        PUTS    "psci\n"
        // PSCI_FEATURES(id) for id = 0x84000000..0x84000015 and 0xc4000000..0xc4000015
        mov     x19, #0x84000000
        mov     x20, #0x16
        bl      features
        mov     x19, #0xc4000000
        mov     x20, #0x16
        bl      features
        // PSCI 0.1's IDs (QEMU's), SMCCC_VERSION, SMCCC_ARCH_FEATURES, nonsense
        ldr     x19, =0x95c1ba5e
        mov     x20, #4
        bl      features
        mov     x19, #0x80000000
        mov     x20, #2
        bl      features
        ldr     x19, =0x12345678
        mov     x20, #1
        bl      features

        adr     x21, calls
1:      ldp     x0, x1, [x21], #16
        ldp     x2, x3, [x21], #16
        cbz     x0, 2f
        bl      call
        b       1b
2:      PUTS    "done\n"
        mov     x0, #0
        b       exit

// features: PSCI_FEATURES of x20 IDs from x19 up
features:
        mov     x22, x30
3:      ldr     x0, =0x8400000a
        mov     x1, x19
        mov     x2, #0
        mov     x3, #0
        bl      call
        add     x19, x19, #1
        subs    x20, x20, #1
        b.ne    3b
        ret     x22

// call: prints x0..x3, makes the call, prints x0
call:
        mov     x23, x30
        stp     x0, x1, [sp, #-32]!
        stp     x2, x3, [sp, #16]
        PUTX    x0
        PUTS    " "
        ldr     x0, [sp, #8]
        bl      puthex
        PUTS    " "
        ldr     x0, [sp, #16]
        bl      puthex
        PUTS    " -> "
        ldp     x0, x1, [sp], #16
        ldp     x2, x3, [sp], #16
        hvc     #0
        bl      puthex
        PUTS    "\n"
        ret     x23

        .balign 8
calls:  // function ID, x1, x2, x3
        .quad   0x84000000, 0, 0, 0             // PSCI_VERSION
        .quad   0x84000006, 0, 0, 0             // MIGRATE_INFO_TYPE
        .quad   0x84000007, 0, 0, 0             // MIGRATE_INFO_UP_CPU (1.0: optional)
        .quad   0xc4000004, 0, 0, 0             // AFFINITY_INFO64: cpu 0, level 0
        .quad   0xc4000004, 0x80000000, 0, 0    // MPIDR_EL1 as read (bit 31 RES1)
        .quad   0xc4000004, 1, 0, 0             // cpu 1: not there
        .quad   0xc4000004, 0x100, 0, 0         // Aff1 = 1
        .quad   0xc4000004, 0, 1, 0             // level 1
        .quad   0xc4000004, 7, 2, 0             // level 2, any cpu
        .quad   0x84000004, 0, 0, 0             // AFFINITY_INFO (SMC32)
        .quad   0xc4000003, 0, 0x40080000, 0    // CPU_ON64 of cpu 0: already on
        .quad   0xc4000003, 0x80000000, 0x40080000, 0
        .quad   0xc4000003, 1, 0x40080000, 0    // cpu 1: no such cpu
        .quad   0x84000003, 1, 0x40080000, 0    // CPU_ON (SMC32)
        .quad   0xc4000003, 0x10000, 0x40080000, 0
        .quad   0x84000001, 0xffff0000, 0, 0    // CPU_SUSPEND with a bad power_state
        .quad   0xc4000001, 0x00020000, 0, 0
        .quad   0x84000005, 0, 0, 0             // MIGRATE
        .quad   0xc4000005, 0, 0, 0
        .quad   0x84000012, 0, 0, 0             // SYSTEM_RESET2
        .quad   0x8400000e, 0x40080000, 0, 0    // SYSTEM_SUSPEND
        .quad   0x80000000, 0, 0, 0             // SMCCC_VERSION
        .quad   0x80000001, 0x80008000, 0, 0    // SMCCC_ARCH_FEATURES(WORKAROUND_1)
        .quad   0x8400000c, 0, 0, 0             // CPU_FREEZE
        .quad   0xc4000000, 0, 0, 0             // VERSION with the SMC64 bit
        .quad   0x12345678, 0, 0, 0
        .quad   0xffffffff, 0, 0, 0
        .quad   0xffffffff84000000, 0, 0, 0     // VERSION in w0, junk above
        .quad   0, 0, 0, 0

        .balign 16
        .space  4096
stack_top:

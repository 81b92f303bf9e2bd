// The entry of bench.c's MMU-on build in vs-qemu.sh: turns stage-1 translation on with the
// identity map of mmu-identity.inc (as tight-loop-mmu.S does), then goes on to the C corpus's
// crt0 (backend-sim/src/test/resources/corpus/crt0.S: SP, .bss, main(), semihosting SYS_EXIT).
// Link with crt0.S and -Wl,-e,_mmu_start.
        .include "mmu-identity.inc"
        .section .text.boot, "ax"
        .global _mmu_start
_mmu_start:
        enable_identity_mmu l1_table
        b       _start
        .ltorg

        .data
        identity_l1_table l1_table

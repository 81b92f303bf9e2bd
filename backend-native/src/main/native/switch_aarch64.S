/*
 * cpu_switch_to for AArch64 (AAPCS64), the original kernel's layout (SavedContextLayout):
 *   x19..x28 at 0..72, x29 (fp) at 80, x30 (lr) at 88, sp at 96: 104 bytes.
 *
 *   void levitate_switch(uint64_t *old, const uint64_t *new);   x0 = old, x1 = new
 *
 * SAFETY: called only from C with a valid pair of context arrays; *new was either saved by this
 * function or prepared by lv_create (sp 16-byte aligned, lr = levitate_trampoline). x0..x18 are
 * caller-saved: the C caller assumes the call clobbers them.
 */
        .text
        .globl  levitate_switch
        .type   levitate_switch, %function
levitate_switch:
        mov     x10, sp
        stp     x19, x20, [x0, #0]
        stp     x21, x22, [x0, #16]
        stp     x23, x24, [x0, #32]
        stp     x25, x26, [x0, #48]
        stp     x27, x28, [x0, #64]
        stp     x29, x30, [x0, #80]
        str     x10, [x0, #96]

        ldp     x19, x20, [x1, #0]
        ldp     x21, x22, [x1, #16]
        ldp     x23, x24, [x1, #32]
        ldp     x25, x26, [x1, #48]
        ldp     x27, x28, [x1, #64]
        ldp     x29, x30, [x1, #80]
        ldr     x10, [x1, #96]
        mov     sp, x10
        ret
        .size   levitate_switch, .-levitate_switch

/*
 * First code a new task runs: x19 holds its lv_task pointer (set by lv_create).
 * SAFETY: sp is 16-byte aligned (lv_create); lv_task_main never returns.
 */
        .globl  levitate_trampoline
        .type   levitate_trampoline, %function
levitate_trampoline:
        mov     x0, x19
        bl      lv_task_main
        brk     #0
        .size   levitate_trampoline, .-levitate_trampoline

/*
 * int64_t levitate_regcheck(int64_t seed, int64_t rounds): fill x19..x29 with patterns, yield,
 * check all of them, repeat; returns the number of rounds with a mismatch.
 * SAFETY: a normal AAPCS64 function; saves and restores every callee-saved register it uses.
 */
        .globl  levitate_regcheck
        .type   levitate_regcheck, %function
levitate_regcheck:
        stp     x29, x30, [sp, #-112]!
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        stp     x23, x24, [sp, #48]
        stp     x25, x26, [sp, #64]
        stp     x27, x28, [sp, #80]
        str     x0, [sp, #96]           /* seed */
        str     x1, [sp, #104]          /* rounds left */
        mov     x9, #0
        str     xzr, [sp, #-16]!        /* mismatches at [sp] (stays 16-aligned) */
1:      ldr     x1, [sp, #120]
        cbz     x1, 3f
        ldr     x0, [sp, #112]
        add     x19, x0, #1
        add     x20, x0, #2
        add     x21, x0, #3
        add     x22, x0, #4
        add     x23, x0, #5
        add     x24, x0, #6
        add     x25, x0, #7
        add     x26, x0, #8
        add     x27, x0, #9
        add     x28, x0, #10
        add     x29, x0, #11
        bl      lv_yield
        ldr     x0, [sp, #112]
        mov     x2, #0
        add     x3, x0, #1
        eor     x3, x3, x19
        orr     x2, x2, x3
        add     x3, x0, #2
        eor     x3, x3, x20
        orr     x2, x2, x3
        add     x3, x0, #3
        eor     x3, x3, x21
        orr     x2, x2, x3
        add     x3, x0, #4
        eor     x3, x3, x22
        orr     x2, x2, x3
        add     x3, x0, #5
        eor     x3, x3, x23
        orr     x2, x2, x3
        add     x3, x0, #6
        eor     x3, x3, x24
        orr     x2, x2, x3
        add     x3, x0, #7
        eor     x3, x3, x25
        orr     x2, x2, x3
        add     x3, x0, #8
        eor     x3, x3, x26
        orr     x2, x2, x3
        add     x3, x0, #9
        eor     x3, x3, x27
        orr     x2, x2, x3
        add     x3, x0, #10
        eor     x3, x3, x28
        orr     x2, x2, x3
        add     x3, x0, #11
        eor     x3, x3, x29
        orr     x2, x2, x3
        cbz     x2, 2f
        ldr     x4, [sp]
        add     x4, x4, #1
        str     x4, [sp]
2:      ldr     x1, [sp, #120]
        sub     x1, x1, #1
        str     x1, [sp, #120]
        add     x0, x0, #0x1000
        str     x0, [sp, #112]
        b       1b
3:      ldr     x0, [sp], #16
        ldp     x19, x20, [sp, #16]
        ldp     x21, x22, [sp, #32]
        ldp     x23, x24, [sp, #48]
        ldp     x25, x26, [sp, #64]
        ldp     x27, x28, [sp, #80]
        ldp     x29, x30, [sp], #112
        ret
        .size   levitate_regcheck, .-levitate_regcheck

        .section .note.GNU-stack,"",%progbits

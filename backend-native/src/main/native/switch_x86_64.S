/*
 * cpu_switch_to for x86-64 System V: save the callee-saved state of the running context into
 * *old, load it from *new, and continue where *new left off.
 *
 *   void levitate_switch(uint64_t *old, const uint64_t *new);   rdi = old, rsi = new
 *
 * The saved context uses the same 104-byte, 13-slot layout as AArch64 (SavedContextLayout):
 *   slot  0..4  (off  0..32)  rbx, r12, r13, r14, r15   (where AArch64 keeps x19..x23)
 *   slot  5..9  (off 40..72)  unused on x86-64
 *   slot 10     (off 80)      rbp                        (AArch64: x29, the frame pointer)
 *   slot 11     (off 88)      return address             (AArch64: x30, the link register)
 *   slot 12     (off 96)      rsp after the return       (AArch64: sp)
 *
 * SAFETY: called only from C with a valid pair of context arrays; *new was either saved by this
 * function or prepared by lv_create (rsp 16-byte aligned, return address = levitate_trampoline).
 * Caller-saved registers need no saving: the C caller assumes they are clobbered by the call.
 */
        .text
        .globl  levitate_switch
        .type   levitate_switch, @function
levitate_switch:
        movq    %rbx,   0(%rdi)
        movq    %r12,   8(%rdi)
        movq    %r13,  16(%rdi)
        movq    %r14,  24(%rdi)
        movq    %r15,  32(%rdi)
        movq    %rbp,  80(%rdi)
        movq    (%rsp), %rax            /* our return address */
        movq    %rax,  88(%rdi)
        leaq    8(%rsp), %rax           /* rsp as it will be after returning */
        movq    %rax,  96(%rdi)

        movq     0(%rsi), %rbx
        movq     8(%rsi), %r12
        movq    16(%rsi), %r13
        movq    24(%rsi), %r14
        movq    32(%rsi), %r15
        movq    80(%rsi), %rbp
        movq    96(%rsi), %rsp
        jmpq    *88(%rsi)               /* "return" into the new context */
        .size   levitate_switch, .-levitate_switch

/*
 * First code a new task runs: rbx holds its lv_task pointer (set by lv_create).
 * SAFETY: rsp is 16-byte aligned at entry (lv_create); lv_task_main never returns.
 */
        .globl  levitate_trampoline
        .type   levitate_trampoline, @function
levitate_trampoline:
        andq    $-16, %rsp
        movq    %rbx, %rdi
        call    lv_task_main
        ud2
        .size   levitate_trampoline, .-levitate_trampoline

/*
 * A task body that proves the switch preserves every callee-saved register: fill them with
 * patterns derived from the seed, yield, check them all, repeat. Returns the number of
 * mismatches (0 when the switch is right).
 *   int64_t levitate_regcheck(int64_t seed, int64_t rounds)   rdi = seed, rsi = rounds
 * SAFETY: a normal SysV function; it saves and restores the callee-saved registers it uses.
 */
        .globl  levitate_regcheck
        .type   levitate_regcheck, @function
levitate_regcheck:
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $24, %rsp               /* 16-byte alignment for the call + 2 locals */
        movq    %rsi,  0(%rsp)          /* rounds left */
        movq    $0,    8(%rsp)          /* mismatches */
        movq    %rdi,  16(%rsp)         /* seed */
1:      cmpq    $0, 0(%rsp)
        je      3f
        movq    16(%rsp), %rax
        movq    %rax, %rbx
        leaq    1(%rax), %rbp
        leaq    2(%rax), %r12
        leaq    3(%rax), %r13
        leaq    4(%rax), %r14
        leaq    5(%rax), %r15
        call    lv_yield
        movq    16(%rsp), %rax
        xorq    %rax, %rbx
        leaq    1(%rax), %rcx
        xorq    %rcx, %rbp
        orq     %rbp, %rbx
        leaq    2(%rax), %rcx
        xorq    %rcx, %r12
        orq     %r12, %rbx
        leaq    3(%rax), %rcx
        xorq    %rcx, %r13
        orq     %r13, %rbx
        leaq    4(%rax), %rcx
        xorq    %rcx, %r14
        orq     %r14, %rbx
        leaq    5(%rax), %rcx
        xorq    %rcx, %r15
        orq     %r15, %rbx
        je      2f
        incq    8(%rsp)
2:      decq    0(%rsp)
        addq    $0x1000, 16(%rsp)       /* new patterns every round */
        jmp     1b
3:      movq    8(%rsp), %rax
        addq    $24, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        ret
        .size   levitate_regcheck, .-levitate_regcheck

        .section .note.GNU-stack,"",@progbits

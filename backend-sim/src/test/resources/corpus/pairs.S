// The assembly part of the corpus: load/store pair forms GCC does not emit from plain C at -O2
// but hand-written copy routines do (Linux's copy_page, memcpy implementations): LDNP/STNP of X
// and W, LDPSW in all three addressing modes, and STP/LDP with writeback on both sides. main()
// copies a buffer with them, sums what it reads, and prints the results through lib.c's printf.
        .text
        .global main
main:
        stp     x29, x30, [sp, #-48]!
        mov     x29, sp
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        adrp    x19, src
        add     x19, x19, :lo12:src
        adrp    x20, dst
        add     x20, x20, :lo12:dst

        // LDNP/STNP of X: copy 256 bytes, 32 at a time
        mov     x0, x19
        mov     x1, x20
        mov     x2, #8
1:      ldnp    x3, x4, [x0]
        ldnp    x5, x6, [x0, #16]
        stnp    x3, x4, [x1]
        stnp    x5, x6, [x1, #16]
        add     x0, x0, #32
        add     x1, x1, #32
        subs    x2, x2, #1
        b.ne    1b
        // LDNP/STNP of W with negative offsets: copy src[256..320) to dst[256..320) backwards
        add     x0, x19, #320
        add     x1, x20, #320
        mov     x2, #8
2:      ldnp    w3, w4, [x0, #-8]
        stnp    w3, w4, [x1, #-8]
        sub     x0, x0, #8
        sub     x1, x1, #8
        subs    x2, x2, #1
        b.ne    2b
        // sum dst[0..320) as X words
        mov     x0, x20
        mov     x21, #0
        mov     x2, #40
3:      ldr     x3, [x0], #8
        eor     x21, x3, x21, ror #7
        subs    x2, x2, #1
        b.ne    3b
        adr     x0, fmt_copy
        mov     x1, x21
        bl      printf

        // LDPSW: offset, pre-index and post-index, signed words
        mov     x0, x19
        mov     x22, #0
        ldpsw   x3, x4, [x0, #8]
        add     x22, x22, x3
        add     x22, x22, x4
        ldpsw   x3, x4, [x0, #16]!
        add     x22, x22, x3
        sub     x22, x22, x4
        ldpsw   x3, x4, [x0], #-12
        eor     x22, x22, x3
        add     x22, x22, x4, lsl #1
        sub     x5, x0, x19            // x0 = src + 4
        adr     x0, fmt_ldpsw
        mov     x1, x22
        mov     x2, x5
        bl      printf

        // a stack of pairs with writeback
        mov     x0, sp
        mov     x3, #0x1111
        mov     x4, #0x2222
        stp     x3, x4, [sp, #-16]!
        stp     w4, w3, [sp, #-16]!     // SP stays 16-aligned (the simulator checks SCTLR.SA; QEMU does not)
        ldp     w5, w6, [sp], #16
        ldp     x7, x8, [sp], #16
        mov     x9, sp
        sub     x9, x0, x9             // 0: balanced
        add     x1, x5, x6, lsl #16
        add     x2, x7, x8, lsl #16
        mov     x3, x9
        adr     x0, fmt_stack
        bl      printf

        adr     x0, fmt_done
        bl      printf
        mov     w0, #0
        ldp     x21, x22, [sp, #32]
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp], #48
        ret

fmt_copy:   .asciz "pairs\nldnp/stnp copy: %016lx\n"
fmt_ldpsw:  .asciz "ldpsw: %016lx, base moved by %ld\n"
fmt_stack:  .asciz "stack pairs: %lx %lx, sp moved by %ld\n"
fmt_done:   .asciz "done\n"

        .data
        .balign 16
src:
        .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39
        .quad   0x9e3779b97f4a7c15 * (\i + 1) ^ (0xfedcba9876543210 >> (\i & 7))
        .endr
        .bss
        .balign 16
dst:    .space  320

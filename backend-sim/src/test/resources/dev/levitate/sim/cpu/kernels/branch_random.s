// branch_random: a branch on bit 40 of a 64-bit LCG (about half mispredicted)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 1.20-1.60 (about half the branches mispredict, 8 cycles each; llvm-mca has no predictor)
    mov x5, #12345
    movz x6, #0x7f2d
    movk x6, #0x4c95, lsl #16
    movk x6, #0xf42d, lsl #32
    movk x6, #0x5851, lsl #48
# LLVM-MCA-BEGIN branch_random
loop:
    subs x20, x20, #1
    madd x5, x5, x6, x20
    tbz x5, #40, skip
    add x1, x1, #1
    add x2, x2, #1
skip:
    add x3, x3, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

// mul_indep: independent 32-bit multiplies with ALU work beside them (one multiplier)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.65-0.80 (llvm-mca's in-order write-back rule holds each add behind its multiply)
    mov x5, #3
    mov x6, #5
# LLVM-MCA-BEGIN mul_indep
loop:
    subs x20, x20, #1
    mul w0, w5, w6
    add x10, x10, #1
    mul w1, w5, w6
    add x11, x11, #1
    mul w2, w5, w6
    add x12, x12, #1
    mul w3, w5, w6
    add x13, x13, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

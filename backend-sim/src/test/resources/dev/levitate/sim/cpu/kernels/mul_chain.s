// mul_chain: dependent 32-bit multiplies
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: 0.20
    mov x0, #3
    mov x1, #5
# LLVM-MCA-BEGIN mul_chain
loop:
    subs x20, x20, #1
    mul w0, w0, w1
    mul w0, w0, w1
    mul w0, w0, w1
    mul w0, w0, w1
    b.ne loop
# LLVM-MCA-END
    brk #0

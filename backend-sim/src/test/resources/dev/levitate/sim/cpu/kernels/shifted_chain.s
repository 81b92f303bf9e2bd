// shifted_chain: adds whose shifted operand is the previous result (ALU + 1)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: 0.20
    mov x0, #1
    mov x1, #3
# LLVM-MCA-BEGIN shifted_chain
loop:
    subs x20, x20, #1
    add x0, x1, x0, lsl #1
    add x0, x1, x0, lsl #1
    add x0, x1, x0, lsl #1
    add x0, x1, x0, lsl #1
    b.ne loop
# LLVM-MCA-END
    brk #0

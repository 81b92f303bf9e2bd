// alu_pairs: eight independent adds (dual issue, 2 per cycle)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: 0.20
# LLVM-MCA-BEGIN alu_pairs
loop:
    subs x20, x20, #1
    add x0, x0, #1
    add x1, x1, #1
    add x2, x2, #1
    add x3, x3, #1
    add x4, x4, #1
    add x5, x5, #1
    add x6, x6, #1
    add x7, x7, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

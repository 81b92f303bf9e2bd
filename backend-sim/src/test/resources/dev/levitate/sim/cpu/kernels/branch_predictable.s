// branch_predictable: a data-dependent branch that always goes the same way (never taken)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.60-0.75 (llvm-mca's in-order write-back rule delays both branches)
    mov x5, #1
# LLVM-MCA-BEGIN branch_predictable
loop:
    subs x20, x20, #1
    add x0, x0, #1
    cbz x5, skip
    add x1, x1, #1
    add x2, x2, #1
skip:
    add x3, x3, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

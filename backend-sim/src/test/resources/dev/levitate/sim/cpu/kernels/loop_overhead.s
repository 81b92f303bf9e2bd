// loop_overhead: the bare counted loop, the flag-setting subs right before its b.ne
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.45-0.55 (A53 forwards flags to the branch, ours pairs subs with b.ne; llvm-mca waits 3 cycles)
# LLVM-MCA-BEGIN loop_overhead
loop:
    add x0, x0, #1
    add x1, x1, #1
    subs x20, x20, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

// divide: a chain of 64-bit divides (iterative divider)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 4.50-7.00 (an iterative 64-bit divider busy 20 cycles; llvm-mca's A53 divide is 4 cycles)
    mov x0, #1000
    mov x1, #1
# LLVM-MCA-BEGIN divide
loop:
    subs x20, x20, #1
    udiv x0, x0, x1
    udiv x0, x0, x1
    b.ne loop
# LLVM-MCA-END
    brk #0

// mixed: the tight loop of issue #4 (load, madd, adds, store, add); the adds sets the flags too, so the
// counter's subs stays right before b.ne
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.60-0.75 (load latency 4 and the in-order write-back rule in llvm-mca)
    mov x1, x28
    mov x2, #3
# LLVM-MCA-BEGIN mixed
loop:
    ldr x3, [x1]
    madd x4, x3, x2, x4
    adds x5, x5, x3
    str x4, [x1, #8]
    add x6, x6, #1
    subs x20, x20, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

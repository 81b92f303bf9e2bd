// store_stream: post-indexed stores beside ALU work
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.25-0.35 (llvm-mca: post-index writeback latency 4, ours 1)
    mov x1, x28
# LLVM-MCA-BEGIN store_stream
loop:
    subs x20, x20, #1
    str x3, [x1], #8
    add x3, x3, #1
    str x3, [x1], #8
    add x4, x4, #1
    str x3, [x1], #8
    add x5, x5, #1
    str x3, [x1], #8
    add x6, x6, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

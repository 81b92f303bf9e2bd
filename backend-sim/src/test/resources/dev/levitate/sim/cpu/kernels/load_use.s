// load_use: each load consumed by the next instruction
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.60-0.80 (llvm-mca: load latency 4, ours 3; and the in-order write-back rule)
    str x28, [x28]
# LLVM-MCA-BEGIN load_use
loop:
    subs x20, x20, #1
    ldr x2, [x28]
    add x3, x3, x2
    ldr x4, [x28, #8]
    add x5, x5, x4
    ldr x6, [x28, #16]
    add x7, x7, x6
    ldr x8, [x28, #24]
    add x9, x9, x8
    b.ne loop
# LLVM-MCA-END
    brk #0

// alu_chain: eight dependent adds (latency bound, 1 cycle each)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: 0.25 (llvm-mca holds b.ne back 2 cycles: see docs/cycle-model.md, in-order write-back)
    mov x0, #0
# LLVM-MCA-BEGIN alu_chain
loop:
    subs x20, x20, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    b.ne loop
# LLVM-MCA-END
    brk #0

// memcpy: 32 bytes per iteration with ldp/stp at offsets and one pointer add each
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: 0.25 (llvm-mca holds b.ne back 2 cycles: in-order write-back)
    mov x1, x28
    add x0, x28, #0x80000
# LLVM-MCA-BEGIN memcpy
loop:
    subs x20, x20, #1
    ldp x2, x3, [x1]
    ldp x4, x5, [x1, #16]
    add x1, x1, #32
    stp x2, x3, [x0]
    stp x4, x5, [x0, #16]
    add x0, x0, #32
    b.ne loop
# LLVM-MCA-END
    brk #0

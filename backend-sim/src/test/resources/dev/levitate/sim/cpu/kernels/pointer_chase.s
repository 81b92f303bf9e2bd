// pointer_chase: ldr x1, [x1] on a self-pointer (load-to-address latency)
// The harness sets x20 = iterations, x28 = a 1 MiB scratch buffer; the loop between the
// LLVM-MCA markers is what llvm-mca sees; brk #0 ends the run.
// tolerance: ratio 0.70-0.80 (llvm-mca: load latency 4, ours 3: exactly 3/4)
    str x28, [x28]
    mov x1, x28
# LLVM-MCA-BEGIN pointer_chase
loop:
    subs x20, x20, #1
    ldr x1, [x1]
    ldr x1, [x1]
    ldr x1, [x1]
    ldr x1, [x1]
    b.ne loop
# LLVM-MCA-END
    brk #0

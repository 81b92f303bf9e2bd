// A user program for the Levitate kernel: Linux-style system calls (x8 = number, svc #0).
        .text
        .global _start
_start:
        mov     x19, x0                 // the argument
        mov     x0, #1
        adr     x1, msg
        mov     x2, #(msg_end - msg)
        mov     x8, #64                 // write
        svc     #0
        adr     x1, counter             // a writable data segment
        ldr     x2, [x1]
        add     x2, x2, x19
        str     x2, [x1]
        mov     x8, #172                // getpid
        svc     #0
        ldr     x0, [x1]                // exit with counter + argument
        mov     x8, #93                 // exit
        svc     #0
msg:    .ascii  "hello from an ELF user program\n"
msg_end:
        .data
        .balign 8
counter: .quad  40

// dtbprobe: what a bare ELF finds at boot on QEMU virt's -kernel: x0..x3, its own address, and
// whether a device tree (magic 0xd00dfeed) is at the start of RAM. Linked at different addresses
// (-N -Ttext=ADDR) to show QEMU's rule: a DTB at 0x40000000 only when the image leaves it room.
        .global _start
_start:
        mov     x19, x0
        mov     x20, x1
        orr     x20, x20, x2
        orr     x20, x20, x3
        mov     x0, x19
        bl      hex
        mov     x0, x20
        bl      hex
        adr     x0, _start
        bl      hex
        mov     x0, #0x40000000
        ldr     w0, [x0]
        bl      hex
        ldr     x0, =0x84000008                 // PSCI SYSTEM_OFF
        hvc     #0
        b       .
// hex: x0 as 16 hex digits and a newline (clobbers x9-x14)
hex:    mov     x9, #0x09000000
        mov     x11, x0
        mov     x12, #60
1:      lsr     x13, x11, x12
        and     x13, x13, #15
        cmp     x13, #10
        add     x14, x13, #'0'
        add     x13, x13, #('a' - 10)
        csel    x13, x14, x13, lo
        strb    w13, [x9]
        subs    x12, x12, #4
        b.ge    1b
        mov     w13, #'\n'
        strb    w13, [x9]
        ret
        .ltorg

// The 64-byte header of a Linux arm64 Image (Documentation/arch/arm64/booting.rst) and the entry
// of dtbinfo, a small kernel that reads the device tree it is given. Loaded at RAM base +
// text_offset = 0x40080000, where it is linked; entered with x0 = the DTB, x1..x3 = 0, MMU off.
        .section .head, "ax"
        .global _start
_start:
        b       entry                   // code0
        .word   0                       // code1
        .quad   0x80000                 // text_offset
        .quad   _kernel_size            // image_size, .bss included
        .quad   0xa                     // flags: little-endian, 4 KiB pages, anywhere in RAM
        .quad   0, 0, 0                 // res2..res4
        .ascii  "ARM\x64"               // magic
        .word   0                       // res5
entry:
        adr     x9, _start
        ldr     x10, =stack_top
        mov     sp, x10
        ldr     x10, =__bss_start
        ldr     x11, =__bss_end
1:      cmp     x10, x11
        b.hs    2f
        str     xzr, [x10], #8
        b       1b
2:      mov     x4, x9                  // main(dtb, x1, x2, x3, where it runs)
        bl      kernel_main
        ldr     x0, =0x84000008         // PSCI SYSTEM_OFF, if main returns
        hvc     #0
        b       .

        .bss
        .balign 16
        .space  16384
stack_top:

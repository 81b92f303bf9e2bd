/*
 * The example kernel run with its MMU ON during the checks: a boot that identity-maps RAM through
 * TTBR0 with tables of its own, puts mmu.c's root (built by mmu_init, still empty) in TTBR1, turns
 * the MMU on and stops at boot_done, where the check takes over (binding: mmu_on.binding, boot =
 * boot_done, root = ttbr1, half = upper). mmu.c is built with UPPER_HALF, so its functions take
 * upper-half VAs; they still reach their tables by PA, which the identity map makes valid.
 *
 * Built with: aarch64-linux-gnu-gcc -ffreestanding -mgeneral-regs-only -nostdlib -static -O2
 *             -Wl,-Ttext=0x40080000 [-DBUG_...] mmu_on.c   (mmu.c next to it)
 */
#define CHECK_DRIVER
#define UPPER_HALF
#include "mmu.c"

__attribute__((noipa)) u64 alloc_page(void) { return 0; }   /* serviced by the host */
__attribute__((noipa)) void free_page(u64 pa) { (void) pa; } /* serviced by the host */

static u64 id_l0[512] __attribute__((aligned(4096)));       /* TTBR0: the identity map */
static u64 id_l1[512] __attribute__((aligned(4096)));
static unsigned char boot_stack[16384] __attribute__((aligned(16)));

__attribute__((noipa)) void boot_done(void) { }

__attribute__((noreturn)) void kmain(void) {
    /* 1 GiB block: VA 0x40000000 -> PA 0x40000000 (all of RAM), normal write-back, AF, inner shareable */
    id_l1[1] = 0x40000000UL | (1UL << 10) | (3UL << 8) | VALID;
    id_l0[0] = (u64) id_l1 | VALID | TABLE;
    mmu_init();
    __asm__ volatile(
        "dsb ish\n\t"
        "msr mair_el1, %0\n\t"
        "msr tcr_el1, %1\n\t"
        "msr ttbr0_el1, %2\n\t"
        "msr ttbr1_el1, %3\n\t"
        "isb\n\t"
        "tlbi vmalle1\n\t"
        "dsb ish\n\t"
        "mrs x9, sctlr_el1\n\t"
        "orr x9, x9, #1\n\t"          /* M */
        "orr x9, x9, #(1 << 2)\n\t"   /* C */
        "orr x9, x9, #(1 << 12)\n\t"  /* I */
        "msr sctlr_el1, x9\n\t"
        "isb"
        :: "r"(0xFFUL),
           /* T0SZ = T1SZ = 16; both halves write-back, inner shareable, 4 KiB granule (TG1 = 2); IPS 40 bits */
           "r"(16UL | (1UL << 8) | (1UL << 10) | (3UL << 12)
               | (16UL << 16) | (1UL << 24) | (1UL << 26) | (3UL << 28) | (2UL << 30) | (2UL << 32)),
           "r"((u64) id_l0), "r"(kernel_root)
        : "x9", "memory");
    boot_done();
    for (;;) {
        __asm__ volatile("wfe");
    }
}

void _start(void) {
    __asm__ volatile("mov sp, %0\n\tb kmain" :: "r"(boot_stack + sizeof boot_stack));
    __builtin_unreachable();
}

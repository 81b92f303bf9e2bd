/*
 * A bare-metal driver for mmu.c (QEMU virt and the simulator's Machine alike): turn the MMU on
 * with the kernel's own tables, map a page, read it (so the TLB caches its translation), unmap it
 * with the kernel's unmap_page, then read it again and say over semihosting whether that read
 * faulted. With mmu.c built clean the second read must fault; built with -DBUG_NO_TLBI the unmap
 * never invalidates, and a core that still holds the translation reads the old page.
 *
 * A second page is mapped in the same last-level table, so unmap_page frees no table and reclaim
 * issues no TLBI of its own: with BUG_NO_TLBI nothing invalidates the VA at all.
 *
 * Built with: aarch64-linux-gnu-gcc -ffreestanding -mgeneral-regs-only -nostdlib -static -O2
 *             -Wl,-Ttext=0x40080000 [-DBUG_NO_TLBI] stale_tlb.c   (mmu.c next to it)
 */
#define CHECK_DRIVER
#include "mmu.c"

#define RAM_BASE   0x40000000UL
#define RAM_SIZE   0x08000000UL                 /* QEMU virt's default 128 MiB */
#define NORMAL     ((1UL << 10) | (3UL << 8))   /* AF, inner shareable, AttrIndx 0 (MAIR: normal WB) */
#define TEST_VA    0x100000000UL                /* outside the identity map of RAM */

static u64 next_frame = 0x44000000UL;            /* frames for the kernel's tables, zeroed */

u64 alloc_page(void) {
    u64 f = next_frame;
    next_frame += PAGE;
    zero((u64 *) f);
    return f;
}

void free_page(u64 pa) { (void) pa; }

static u64 data[1024] __attribute__((aligned(4096)));   /* two pages: the test VA's and its neighbour's */
volatile u64 fault_esr;                                  /* set by the exception handler */

static void semihost(u64 op, const void *arg) {
    register u64 x0 __asm__("x0") = op;
    register const void *x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

static void puts0(const char *s) { semihost(4, s); }   /* SYS_WRITE0 */

static void puthex(u64 v) {
    char b[19];
    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < 16; i++) {
        b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    }
    b[18] = 0;
    puts0(b);
}

static void exit0(void) {
    static const u64 block[2] = {0x20026, 0};            /* ADP_Stopped_ApplicationExit, 0 */
    semihost(0x18, block);
    for (;;) {
    }
}

/* Reads va; returns 1 when the read faulted (the handler skips the load). */
static int faults(u64 va, u64 *value) {
    fault_esr = 0;
    *value = *(volatile u64 *) va;
    return fault_esr != 0;
}

static void report(const char *what, u64 va) {
    u64 v = 0;
    puts0(what);
    if (faults(va, &v)) {
        puts0(": faulted, ESR ");
        puthex(fault_esr);
    } else {
        puts0(": read ");
        puthex(v);
    }
    puts0("\n");
}

void kmain(void) {
    data[0] = 0x5a5a5a5a5a5a5a5aUL;
    mmu_init();
    if (map_range(RAM_BASE, RAM_BASE, RAM_SIZE, NORMAL, 1) != 0
            || map_page(TEST_VA, (u64) data, NORMAL) != 0
            || map_page(TEST_VA + PAGE, (u64) data + PAGE, NORMAL) != 0) {
        puts0("map failed\n");
        exit0();
    }
    __asm__ volatile(
        "msr mair_el1, %0\n\t"
        "msr tcr_el1, %1\n\t"
        "msr ttbr0_el1, %2\n\t"
        "isb\n\t"
        "mrs x9, sctlr_el1\n\t"
        "orr x9, x9, #1\n\t"          /* M */
        "orr x9, x9, #(1 << 2)\n\t"   /* C */
        "orr x9, x9, #(1 << 12)\n\t"  /* I */
        "msr sctlr_el1, x9\n\t"
        "isb"
        :: "r"(0xFFUL),
           /* T0SZ 16, IRGN0/ORGN0 write-back, SH0 inner, 4 KiB granule, EPD1, IPS 40 bits */
           "r"(16UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32)),
           "r"(kernel_root)
        : "x9", "memory");
    puts0("mmu on\n");
    report("before unmap", TEST_VA);
    if (unmap_page(TEST_VA) != 0) {
        puts0("unmap failed\n");
        exit0();
    }
    report("after unmap", TEST_VA);
    exit0();
}

/* The stack, the vectors (a synchronous exception from EL1 records ESR_EL1 and skips the
 * instruction) and the entry. */
static unsigned char stack[16384] __attribute__((aligned(16)));

__asm__(
    ".section .text.vectors, \"ax\"\n"
    ".balign 2048\n"
    "vectors:\n"
    ".rept 4\n"            /* 0x000-0x1ff: current EL with SP_EL0 */
    "b .\n"
    ".balign 128\n"
    ".endr\n"
    "    stp x9, x10, [sp, #-16]!\n"   /* 0x200: current EL, SPx, synchronous */
    "    mrs x9, esr_el1\n"
    "    adrp x10, fault_esr\n"
    "    str x9, [x10, :lo12:fault_esr]\n"
    "    mrs x9, elr_el1\n"
    "    add x9, x9, #4\n"
    "    msr elr_el1, x9\n"
    "    ldp x9, x10, [sp], #16\n"
    "    eret\n"
    ".balign 128\n"
    ".rept 11\n"          /* 0x280-0x7ff */
    "b .\n"
    ".balign 128\n"
    ".endr\n"
    ".text\n");

void _start(void) {
    __asm__ volatile(
        "adrp x9, vectors\n\t"
        "add x9, x9, :lo12:vectors\n\t"
        "msr vbar_el1, x9\n\t"
        "isb\n\t"
        "mov sp, %0\n\t"
        "b kmain" :: "r"(stack + sizeof stack) : "x9");
    __builtin_unreachable();
}

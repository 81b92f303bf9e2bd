/* A small kernel's boot-time use of the EL1 system (issue 20, part 1): cache maintenance by
 * set/way over every level CLIDR reports (as Linux's and U-Boot's flush loops do), ID register
 * probing, the PMU's cycle counter, the thread ID registers, DC ZVA with the block size DCZID
 * gives, then page tables, the MMU on, and AT S1E1R/S1E1W checked against a software walk of the
 * same tables. Only what QEMU's cortex-a53 and the simulator both define is printed: not the
 * L2's size (QEMU 1 MiB, here 512 KiB), not PFR0/ISAR0/MMFR0's feature fields, no counts. */
#include "lib.h"

#define READ(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define WRITE(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)))
#define ISB() __asm__ volatile("isb" ::: "memory")
#define DSB() __asm__ volatile("dsb sy" ::: "memory")

static uint64_t field(uint64_t v, int lsb, int width)
{
    return (v >> lsb) & ((1ULL << width) - 1);
}

/* Clean and invalidate every data/unified cache level up to the LoC by set/way. */
static void flush_dcache_all(void)
{
    uint64_t clidr = READ(clidr_el1);
    int loc = (int)field(clidr, 24, 3);
    for (int level = 0; level < loc; level++) {
        int ctype = (int)field(clidr, 3 * level, 3);
        if (ctype < 2) {
            continue; /* no cache, or instruction only */
        }
        WRITE(csselr_el1, level << 1);
        ISB();
        uint64_t ccsidr = READ(ccsidr_el1);
        int line = (int)field(ccsidr, 0, 3) + 4;
        int ways = (int)field(ccsidr, 3, 10) + 1;
        int sets = (int)field(ccsidr, 13, 15) + 1;
        int wayShift = __builtin_clz((unsigned)(ways - 1));
        uint64_t ops = 0;
        for (int set = 0; set < sets; set++) {
            for (int way = 0; way < ways; way++) {
                uint64_t sw = ((uint64_t)way << wayShift) | ((uint64_t)set << line) | ((uint64_t)level << 1);
                __asm__ volatile("dc cisw, %0" : : "r"(sw) : "memory");
                ops++;
            }
        }
        if (level == 0) {
            printf("L%d data: %d-byte lines, %d ways, %d sets: %d set/way operations\n", level + 1, 1 << line, ways, sets,
                   (int)ops);
        } else {
            printf("L%d unified: %d-byte lines, %d ways, flushed\n", level + 1, 1 << line, ways);
        }
    }
    DSB();
    __asm__ volatile("ic iallu" ::: "memory");
    DSB();
    ISB();
}

static void probe_ids(void)
{
    uint64_t midr = READ(midr_el1);
    printf("implementer 0x%x part 0x%x r%dp%d\n", (int)field(midr, 24, 8), (int)field(midr, 4, 12), (int)field(midr, 20, 4),
           (int)field(midr, 0, 4));
    printf("mpidr aff0 %d\n", (int)field(READ(mpidr_el1), 0, 8));
    uint64_t mmfr0 = READ(id_aa64mmfr0_el1);
    printf("PARange %d ASIDBits %d TGran4 %d\n", (int)field(mmfr0, 0, 4), (int)field(mmfr0, 4, 4), (int)field(mmfr0, 28, 4));
    uint64_t dfr0 = READ(id_aa64dfr0_el1);
    printf("PMUVer %d breakpoints %d watchpoints %d\n", (int)field(dfr0, 8, 4), (int)field(dfr0, 12, 4) + 1,
           (int)field(dfr0, 20, 4) + 1);
    uint64_t ctr = READ(ctr_el0);
    printf("I line %d D line %d\n", 4 << field(ctr, 0, 4), 4 << field(ctr, 16, 4));
}

static void pmu(void)
{
    uint64_t pmcr = READ(pmcr_el0);
    printf("PMU %d event counters\n", (int)field(pmcr, 11, 5));
    WRITE(pmcntenset_el0, 1ULL << 31);
    WRITE(pmcr_el0, 5); /* E, C */
    ISB();
    uint64_t t0 = READ(pmccntr_el0);
    uint64_t sum = 0;
    for (int i = 0; i < 1000; i++) {
        sum += OPAQUE(i);
    }
    uint64_t t1 = READ(pmccntr_el0);
    WRITE(pmcr_el0, 0);
    printf("sum %d, cycle counter advanced: %s\n", (int)sum, t1 > t0 ? "yes" : "no");
}

static uint8_t zbuf[512] __attribute__((aligned(512)));

static void zero_with_dc_zva(void)
{
    uint64_t dczid = READ(dczid_el0);
    int block = 4 << field(dczid, 0, 4);
    memset(zbuf, 0x5a, sizeof zbuf);
    for (size_t off = 0; off < 256; off += block) {
        __asm__ volatile("dc zva, %0" : : "r"(zbuf + off) : "memory");
    }
    int zeros = 0;
    for (size_t i = 0; i < sizeof zbuf; i++) {
        zeros += zbuf[i] == 0;
    }
    printf("DC ZVA block %d bytes, prohibited %d, %d bytes zeroed\n", block, (int)field(dczid, 4, 1), zeros);
}

/* ---- page tables: level 1 blocks for devices and RAM; a level-2/3 tree at 2 GiB with pages */
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l3[512] __attribute__((aligned(4096)));
static uint8_t pages[4][4096] __attribute__((aligned(4096)));

#define VALID 1ULL
#define TABLE 3ULL
#define AF (1ULL << 10)
#define SH_INNER (3ULL << 8)
#define NORMAL (1ULL << 2)
#define AP_RO (2ULL << 6)

static void build_tables(void)
{
    l1[0] = 0x00000000ULL | AF | VALID;                      /* devices: Device-nGnRnE */
    l1[1] = 0x40000000ULL | AF | SH_INNER | NORMAL | VALID;  /* RAM */
    l1[2] = (uint64_t)(uintptr_t)l2 | TABLE;
    l2[0] = (uint64_t)(uintptr_t)l3 | TABLE;
    l2[1] = 0x40000000ULL | AF | SH_INNER | NORMAL | VALID;  /* a 2 MiB block */
    l3[0] = (uint64_t)(uintptr_t)pages[0] | AF | SH_INNER | NORMAL | TABLE;
    l3[1] = (uint64_t)(uintptr_t)pages[1] | AF | SH_INNER | NORMAL | AP_RO | TABLE;
    l3[2] = (uint64_t)(uintptr_t)pages[2] | SH_INNER | NORMAL | TABLE;   /* AF = 0 */
    l3[3] = (uint64_t)(uintptr_t)pages[3] | AF | SH_INNER | 0 | TABLE;  /* attr 0: Device */
}

/* The software walk: PA, or -(fault status) for a translation (0x04+level) or access flag
 * (0x08+level) fault; *ro tells whether the leaf is read-only at EL1. */
static int64_t walk(uint64_t va, int *ro, uint64_t *leaf)
{
    uint64_t *table = l1;
    for (int level = 1; level <= 3; level++) {
        int shift = 39 - 9 * level;
        uint64_t d = table[(va >> shift) & 511];
        if (!(d & 1) || (level == 3 && !(d & 2))) {
            return -(0x04 + level);
        }
        if (level < 3 && (d & 2)) {
            table = (uint64_t *)(uintptr_t)(d & 0xfffffffff000ULL);
            continue;
        }
        if (!(d & AF)) {
            return -(0x08 + level);
        }
        *ro = (int)((d >> 7) & 1);
        *leaf = d;
        uint64_t mask = (1ULL << shift) - 1;
        return (int64_t)((d & 0xfffffffff000ULL & ~mask) | (va & mask));
    }
    return -1;
}

static void check_at(uint64_t va)
{
    int ro = 0;
    uint64_t leaf = 0;
    int64_t sw = walk(va, &ro, &leaf);
    __asm__ volatile("at s1e1r, %0" : : "r"(va));
    ISB();
    uint64_t par_r = READ(par_el1);
    __asm__ volatile("at s1e1w, %0" : : "r"(va));
    ISB();
    uint64_t par_w = READ(par_el1);
    int agree;
    if (sw < 0) {
        agree = (par_r & 1) && (int)field(par_r, 1, 6) == (int)-sw && (par_w & 1) && (int)field(par_w, 1, 6) == (int)-sw;
        printf("va 0x%lx: fault 0x%x, AT %s\n", (unsigned long)va, (int)-sw, agree ? "agrees" : "DISAGREES");
    } else {
        uint64_t pa = par_r & 0xfffffffff000ULL;
        int writeFault = (int)(par_w & 1);
        agree = !(par_r & 1) && pa == ((uint64_t)sw & ~0xfffULL) && writeFault == ro
                && (!writeFault || field(par_w, 1, 6) == 0x0c + 3 - (va >= 0x80200000ULL ? 1 : 0));
        /* SH only for Normal cacheable memory: for Device memory the ARM ARM returns 0b10 (as the
         * simulator does) while QEMU returns the descriptor's SH */
        int attr = (int)(par_r >> 56);
        int sh = (attr & 0xf0) != 0 && attr != 0x44 ? (int)field(par_r, 7, 2) : -1;
        printf("va 0x%lx: pa 0x%lx attr 0x%x sh %d%s, AT %s\n", (unsigned long)va, (unsigned long)sw, attr, sh,
               ro ? " read-only" : "", agree ? "agrees" : "DISAGREES");
    }
}

int main(void)
{
    printf("el1 boot\n");
    flush_dcache_all();
    probe_ids();
    pmu();
    WRITE(tpidr_el1, 0x1234);
    WRITE(tpidrro_el0, 0x5678);
    printf("tpidr_el1 0x%lx tpidrro_el0 0x%lx\n", (unsigned long)READ(tpidr_el1), (unsigned long)READ(tpidrro_el0));
    zero_with_dc_zva();

    build_tables();
    DSB();
    WRITE(mair_el1, 0xff00);                                  /* attr0 Device-nGnRnE, attr1 Normal WB */
    WRITE(tcr_el1, 25ULL | (1ULL << 23) | (2ULL << 32));       /* T0SZ 25, EPD1, IPS 40 bits */
    WRITE(ttbr0_el1, (uint64_t)(uintptr_t)l1);
    ISB();
    WRITE(sctlr_el1, READ(sctlr_el1) | 1);
    ISB();
    printf("mmu on\n");
    uint64_t vas[] = {0x40080123ULL, 0x09000000ULL, 0x80000010ULL, 0x80001020ULL, 0x80002000ULL, 0x80003008ULL,
                      0x80004000ULL, 0x80200abcULL, 0x80400000ULL, 0xc0000000ULL, 0x1000000000ULL};
    for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++) {
        check_at(vas[i]);
    }
    WRITE(sctlr_el1, READ(sctlr_el1) & ~1ULL);
    ISB();
    printf("done\n");
    return 0;
}

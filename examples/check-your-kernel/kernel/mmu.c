/*
 * A small kernel's translation-table code, shaped like the original LevitateOS kernel's mmu.rs
 * (4 KiB granule, 4 levels from L0, 2 MiB blocks when VA and PA allow, unmap clears the leaf,
 * invalidates the VA and frees the tables that became empty, never the root) -- with its known
 * mistakes fixed, and each one back behind a compile-time switch so the check can show it caught:
 *
 *   -DBUG_NO_DSB           no DSB between clearing a descriptor and its TLBI   (mistake 1)
 *   -DBUG_NO_TLBI          unmap clears the leaf and never invalidates it      (stale TLB entry)
 *   -DBUG_FREE_NO_TLBI     tables freed with no invalidation                   (mistake 1)
 *   -DBUG_BLOCK_REPLACE    a page mapped inside a 2 MiB block replaces the block with an empty table (mistake 2)
 *   -DBUG_NO_BBM_SPLIT     a block split writes the table over the live block (no break-before-make)
 *   -DBUG_FREE_ROOT        reclamation goes up to the root, a boot-time table (mistake 3)
 *
 * Built with: aarch64-linux-gnu-gcc -ffreestanding -mgeneral-regs-only -nostdlib -O2.
 * protect_range gives a range new attributes (splitting blocks covered in part, break-before-make
 * on every leaf). Functions return 0 or a negative error code; tables are reached by their PA (the check calls
 * these functions with the MMU off, or on with RAM identity-mapped: mmu_on.c, built with -DUPPER_HALF
 * so the tables map the upper half). stale_tlb.c boots it on QEMU and on the simulator. alloc_page and free_page are the kernel's frame allocator:
 * the check services them from its tracking allocator.
 */
typedef unsigned long u64;

#define PAGE        4096UL
#define BLOCK       (2UL << 20)
#define OA_MASK     0x0000FFFFFFFFF000UL
#define VALID       1UL
#define TABLE       2UL           /* with VALID: table (L0-L2) or page (L3) */
#define ATTR_MASK   0xFFF0000000000FFCUL
#define VA_LIMIT    (1UL << 48)
#ifdef UPPER_HALF
#define VA_BASE     0xFFFF000000000000UL   /* the tables map the upper half (TTBR1): mmu_on.c */
#else
#define VA_BASE     0UL
#endif

#define E_MISALIGNED  (-1)
#define E_RANGE       (-2)
#define E_MAPPED      (-3)
#define E_NOT_MAPPED  (-5)
#define E_NO_MEMORY   (-6)

#ifndef CHECK_DRIVER
__attribute__((noipa)) u64 alloc_page(void) { return 0; }   /* serviced by the host */
__attribute__((noipa)) void free_page(u64 pa) { (void) pa; } /* serviced by the host */
#else
u64 alloc_page(void);   /* a driver that includes this file (stale_tlb.c) brings its own allocator and boot */
void free_page(u64 pa);
#endif

static u64 boot_root[512] __attribute__((aligned(4096)));    /* a boot-time table: never freed */

static inline void dsb(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void tlbi_va(u64 va) { __asm__ volatile("tlbi vae1is, %0" :: "r"((va >> 12) & 0xFFFFFFFFFFFUL) : "memory"); }
static inline u64 *table_at(u64 d) { return (u64 *) (d & OA_MASK); }
static inline int index_of(u64 va, int level) { return (int) ((va >> (39 - 9 * level)) & 511); }
static inline u64 span(int level) { return 1UL << (39 - 9 * level); }
static inline int is_table(u64 d, int level) { return level < 3 && (d & 3) == 3; }
static inline int is_block(u64 d, int level) { return level < 3 && (d & 3) == 1; }

static void zero(u64 *t) { for (int i = 0; i < 512; i++) { ((volatile u64 *) t)[i] = 0; } }

u64 kernel_root; /* the root's PA, for a binding that reads it (root = symbol kernel_root) */

u64 mmu_init(void) {
    zero(boot_root);
    kernel_root = (u64) boot_root;
    return kernel_root;
}

/* The leaf covering va: its slot and level, or 0 when nothing maps it. */
static volatile u64 *leaf(u64 va, int *level_out) {
    u64 *t = boot_root;
    for (int level = 0; level <= 3; level++) {
        volatile u64 *slot = &t[index_of(va, level)];
        u64 d = *slot;
        if (!(d & VALID)) {
            return 0;
        }
        if (level == 3 || is_block(d, level)) {
            *level_out = level;
            return slot;
        }
        t = table_at(d);
    }
    return 0;
}

static int check_args(u64 va, u64 pa, u64 size) {
    if ((va | pa | size) & (PAGE - 1) || size == 0) {
        return E_MISALIGNED;
    }
    if (va - VA_BASE >= VA_LIMIT || size > VA_LIMIT - (va - VA_BASE) || pa >= VA_LIMIT || size > VA_LIMIT - pa) {
        return E_RANGE;
    }
    return 0;
}

/* Frames taken before anything changes, so a refusal for lack of memory changes nothing. */
static u64 pool[64];
static int pooled;

static int reserve(int n) {
    pooled = 0;
    while (pooled < n) {
        u64 f = alloc_page();
        if (f == 0) {
            while (pooled > 0) {
                free_page(pool[--pooled]);
            }
            return E_NO_MEMORY;
        }
        pool[pooled++] = f;
    }
    return 0;
}

static u64 take(void) { return pool[--pooled]; }

static int use_block(u64 va, u64 pa, u64 end, int blocks) {
    return blocks && ((va | pa) & (BLOCK - 1)) == 0 && end - va >= BLOCK;
}

/* How many tables mapping [va, end) needs below table t (0: a table not made yet). */
static int tables_needed(u64 *t, int level, u64 va, u64 end, u64 pa, int blocks) {
    int n = 0;
    while (va < end) {
        u64 next = (va & ~(span(level) - 1)) + span(level);
        u64 stop = next < end ? next : end;
        if (level < 3 && !(level == 2 && use_block(va, pa, end, blocks))) {
            u64 d = t ? t[index_of(va, level)] : 0;
#ifdef BUG_BLOCK_REPLACE
            if (is_block(d, level)) { d = 0; }
#endif
            if (is_table(d, level)) {
                n += tables_needed(table_at(d), level + 1, va, stop, pa, blocks);
            } else {
                n += 1 + tables_needed(0, level + 1, va, stop, pa, blocks);
            }
        }
        pa += stop - va;
        va = stop;
    }
    return n;
}

static int any_mapped(u64 va, u64 end) {
    for (; va < end; va += PAGE) {
        int level;
        if (leaf(va, &level)) {
#ifdef BUG_BLOCK_REPLACE
            if (level == 2) { continue; }
#endif
            return 1;
        }
    }
    return 0;
}

int map_range(u64 va, u64 pa, u64 size, u64 attrs, u64 blocks) {
    int r = check_args(va, pa, size);
    if (r) {
        return r;
    }
    u64 end = va + size;
    if (any_mapped(va, end)) {
        return E_MAPPED;
    }
    int n = tables_needed(boot_root, 0, va, end, pa, (int) blocks);
    if (n > 64) {
        return E_NO_MEMORY;
    }
    if ((r = reserve(n))) {
        return r;
    }
    attrs &= ATTR_MASK;
    for (; va < end; ) {
        u64 *t = boot_root;
        int level = 0;
        for (;; level++) {
            volatile u64 *slot = &t[index_of(va, level)];
            if (level == 3) {
                *slot = pa | attrs | VALID | TABLE;
                va += PAGE; pa += PAGE;
                break;
            }
            if (level == 2 && use_block(va, pa, end, (int) blocks)) {
                *slot = pa | attrs | VALID;
                va += BLOCK; pa += BLOCK;
                break;
            }
            u64 d = *slot;
#ifdef BUG_BLOCK_REPLACE
            if (is_block(d, level)) { d = 0; }
#endif
            if (!is_table(d, level)) {
                u64 f = take();
                *slot = f | VALID | TABLE;
                d = *slot;
            }
            t = table_at(d);
        }
    }
    dsb();
    return 0;
}

int map_page(u64 va, u64 pa, u64 attrs) {
    return map_range(va, pa, PAGE, attrs, 0);
}

static int empty(u64 *t) {
    for (int i = 0; i < 512; i++) {
        if (t[i] & VALID) {
            return 0;
        }
    }
    return 1;
}

/* After va's leaf was cleared and invalidated: free the tables on its path that are now empty. */
static void reclaim(u64 va) {
    u64 *path[4];
    u64 *t = boot_root;
    int depth = 0;
    for (int level = 0; level < 3; level++) {
        path[level] = t;
        depth = level;
        u64 d = t[index_of(va, level)];
        if (!is_table(d, level)) {
            break;
        }
        t = table_at(d);
        path[level + 1] = t;
        depth = level + 1;
    }
    u64 *freed[4];
    int nfreed = 0;
    for (int level = depth; level > 0 && empty(path[level]); level--) {
        path[level - 1][index_of(va, level - 1)] = 0;
        freed[nfreed++] = path[level];
    }
#ifdef BUG_FREE_ROOT
    if (nfreed == depth && empty(boot_root)) {
        freed[nfreed++] = boot_root;
    }
#endif
    if (nfreed == 0) {
        return;
    }
#ifndef BUG_FREE_NO_TLBI
    dsb();
    tlbi_va(va);              /* VAE1: all levels, so the walk cache lets go of the tables too */
    dsb();
#endif
    for (int i = 0; i < nfreed; i++) {
        free_page((u64) freed[i]);
    }
}

static void clear_and_invalidate(volatile u64 *slot, u64 va) {
    *slot = 0;
#ifndef BUG_NO_DSB
    dsb();
#endif
#ifndef BUG_NO_TLBI
    tlbi_va(va);
#endif
    dsb();
}

/* Replaces the block at slot (covering va) by a table of the same pages: break-before-make. */
static void split(volatile u64 *slot, u64 va) {
    u64 d = *slot;
    u64 *t = (u64 *) take();
    u64 base = d & OA_MASK & ~(BLOCK - 1);
    u64 attrs = d & ATTR_MASK;
    for (int i = 0; i < 512; i++) {
        t[i] = (base + i * PAGE) | attrs | VALID | TABLE;
    }
    dsb();
#ifndef BUG_NO_BBM_SPLIT
    clear_and_invalidate(slot, va & ~(BLOCK - 1));
#endif
    *slot = (u64) t | VALID | TABLE;
    dsb();
}

int unmap_range(u64 va, u64 size) {
    int r = check_args(va, 0, size);
    if (r) {
        return r;
    }
    u64 end = va + size;
    int level = 0;
    for (u64 p = va; p < end; p += PAGE) {
        if (!leaf(p, &level)) {
            return E_NOT_MAPPED;
        }
    }
    /* blocks the range covers only in part must be split: at most the first and the last */
    int splits = 0;
    volatile u64 *first = leaf(va, &level);
    if (level == 2 && ((va & (BLOCK - 1)) || end - (va & ~(BLOCK - 1)) < BLOCK)) {
        splits++;
    }
    volatile u64 *last = leaf(end - PAGE, &level);
    if (last != first && level == 2 && (end & (BLOCK - 1))) {
        splits++;
    }
    if ((r = reserve(splits))) {
        return r;
    }
    while (va < end) {
        volatile u64 *slot = leaf(va, &level);
        if (level == 2) {
            if ((va & (BLOCK - 1)) == 0 && end - va >= BLOCK) {
                clear_and_invalidate(slot, va);
                reclaim(va);
                va += BLOCK;
                continue;
            }
            split(slot, va);
            slot = leaf(va, &level);
        }
        clear_and_invalidate(slot, va);
        reclaim(va);
        va += PAGE;
    }
    return 0;
}

/*
 * New attributes for every page of [va, va + size), same PAs. Blocks the range covers only in part
 * are split first; every leaf then goes through break-before-make (invalid, DSB, TLBI, DSB, new
 * value), which is always allowed, whatever changes (memory type, shareability, nG).
 */
int protect_range(u64 va, u64 size, u64 attrs) {
    int r = check_args(va, 0, size);
    if (r) {
        return r;
    }
    u64 end = va + size;
    int level = 0;
    for (u64 p = va; p < end; p += PAGE) {
        if (!leaf(p, &level)) {
            return E_NOT_MAPPED;
        }
    }
    int splits = 0;
    volatile u64 *first = leaf(va, &level);
    if (level == 2 && ((va & (BLOCK - 1)) || end - (va & ~(BLOCK - 1)) < BLOCK)) {
        splits++;
    }
    volatile u64 *last = leaf(end - PAGE, &level);
    if (last != first && level == 2 && (end & (BLOCK - 1))) {
        splits++;
    }
    if ((r = reserve(splits))) {
        return r;
    }
    attrs &= ATTR_MASK;
    while (va < end) {
        volatile u64 *slot = leaf(va, &level);
        u64 step = PAGE;
        if (level == 2) {
            if ((va & (BLOCK - 1)) == 0 && end - va >= BLOCK) {
                step = BLOCK;
            } else {
                split(slot, va);
                slot = leaf(va, &level);
            }
        }
        u64 d = *slot;
        clear_and_invalidate(slot, va);
        *slot = (d & ~ATTR_MASK) | attrs;
        dsb();
        va += step;
    }
    return 0;
}

int unmap_page(u64 va) {
    return unmap_range(va, PAGE);
}

#ifndef CHECK_DRIVER
/*
 * Boot, for a binding that boots the kernel first (boot = boot_done): a stack, mmu_init, then
 * boot_done, where the check takes over. The default binding calls mmu_init itself instead.
 */
static unsigned char boot_stack[16384] __attribute__((aligned(16)));

__attribute__((noipa)) void boot_done(void) { }

__attribute__((noreturn)) void kmain(void) {
    mmu_init();
    boot_done();
    for (;;) {
        __asm__ volatile("wfe");
    }
}

void _start(void) {
    __asm__ volatile("mov sp, %0\n\tb kmain" :: "r"(boot_stack + sizeof boot_stack));
    __builtin_unreachable();
}
#endif

/*
 * dtbinfo: a kernel in Linux arm64 Image format that reads the flattened device tree it is given in
 * x0 (Devicetree Specification v0.4, ch. 5) and prints what it found: the memory, the PL011 (whose
 * address it takes from the tree before printing anything), the interrupt controller, the timer's
 * interrupts, the PSCI method (then calls PSCI through it), /chosen's bootargs and the initrd range
 * with a checksum of the initrd's bytes. The same output is expected on QEMU virt and on Levitate.
 * Built freestanding: aarch64-linux-gnu-gcc -O2 -ffreestanding -nostdlib -mgeneral-regs-only.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static volatile u8 *uart;

void *memset(void *d, int c, unsigned long n)
{
    u8 *p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

static void putc(char c)
{
    if (uart)
        *uart = (u8)c;
}

static void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

static void puthex(u64 v)
{
    puts("0x");
    int started = 0;
    for (int sh = 60; sh >= 0; sh -= 4) {
        int d = (v >> sh) & 15;
        if (d || started || sh == 0) {
            putc("0123456789abcdef"[d]);
            started = 1;
        }
    }
}

static void putdec(long v)
{
    char b[24];
    int i = 0;
    if (v < 0) {
        putc('-');
        v = -v;
    }
    do {
        b[i++] = '0' + v % 10;
        v /= 10;
    } while (v);
    while (i)
        putc(b[--i]);
}

static u32 be32(const u8 *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 cells(const u8 *p, int n)
{
    u64 v = 0;
    for (int i = 0; i < n; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int startswith(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

static unsigned long slen(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

/* whether a string list property (NUL-separated) holds s */
static int has_string(const u8 *v, u32 len, const char *s)
{
    u32 i = 0;
    while (i < len) {
        const char *e = (const char *)v + i;
        if (streq(e, s))
            return 1;
        i += slen(e) + 1;
    }
    return 0;
}

static u64 hvc(u64 fn, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 asm("x0") = fn;
    register u64 x1 asm("x1") = a1;
    register u64 x2 asm("x2") = a2;
    register u64 x3 asm("x3") = a3;
    asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return x0;
}

/* what the walk finds */
static u64 mem_base, mem_size, uart_base, gicd, gicc, initrd_start, initrd_end;
static int uart_irq = -1, have_initrd;
static u32 timer_irq[12], timer_cells;
static const char *model, *bootargs, *stdout_path, *psci_method, *cpu_compat;
static const char *uart_name;

/* walks the structure block: depth-first, tracking the path's last node name */
static void walk(const u8 *fdt)
{
    const u8 *st = fdt + be32(fdt + 8);
    const char *strs = (const char *)fdt + be32(fdt + 12);
    const char *node[16];
    int depth = -1;
    const u8 *p = st;
    for (;;) {
        u32 tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            depth++;
            if (depth < 16)
                node[depth] = name;
            p += (slen(name) + 4) & ~3ul;
        } else if (tok == FDT_END_NODE) {
            depth--;
        } else if (tok == FDT_PROP) {
            u32 len = be32(p);
            const char *pname = strs + be32(p + 4);
            const u8 *v = p + 8;
            p += (8 + len + 3) & ~3ul;
            const char *n = depth >= 0 && depth < 16 ? node[depth] : "";
            if (depth == 0 && streq(pname, "model"))
                model = (const char *)v;
            else if (depth == 1 && startswith(n, "memory@") && streq(pname, "reg")) {
                mem_base = cells(v, 2);
                mem_size = cells(v + 8, 2);
            } else if (depth == 1 && streq(pname, "compatible") && has_string(v, len, "arm,pl011")) {
                uart_name = n;
            } else if (depth == 1 && startswith(n, "pl011@") && streq(pname, "reg")) {
                uart_base = cells(v, 2);
            } else if (depth == 1 && startswith(n, "pl011@") && streq(pname, "interrupts")) {
                uart_irq = (be32(v) == 0 ? 32 : 16) + be32(v + 4);
            } else if (depth == 1 && startswith(n, "intc@") && streq(pname, "reg")) {
                gicd = cells(v, 2);
                gicc = cells(v + 16, 2);
            } else if (depth == 1 && streq(n, "timer") && streq(pname, "interrupts")) {
                timer_cells = len / 4 < 12 ? len / 4 : 12;
                for (u32 i = 0; i < timer_cells; i++)
                    timer_irq[i] = be32(v + 4 * i);
            } else if (depth == 1 && streq(n, "psci") && streq(pname, "method")) {
                psci_method = (const char *)v;
            } else if (depth == 2 && startswith(n, "cpu@") && streq(pname, "compatible")) {
                cpu_compat = (const char *)v;
            } else if (depth == 1 && streq(n, "chosen")) {
                if (streq(pname, "bootargs"))
                    bootargs = (const char *)v;
                else if (streq(pname, "stdout-path"))
                    stdout_path = (const char *)v;
                else if (streq(pname, "linux,initrd-start")) {
                    initrd_start = cells(v, len / 4);
                    have_initrd = 1;
                } else if (streq(pname, "linux,initrd-end"))
                    initrd_end = cells(v, len / 4);
            }
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break; /* FDT_END or garbage */
        }
    }
}

void kernel_main(u64 dtb, u64 x1, u64 x2, u64 x3, u64 where)
{
    const u8 *fdt = (const u8 *)dtb;
    if (dtb == 0 || be32(fdt) != 0xd00dfeed)
        return; /* nothing to read, and no UART known: power off silently */
    walk(fdt);
    uart = (volatile u8 *)uart_base;
    puts("dtbinfo: running at ");
    puthex(where);
    puts(", dtb at ");
    puthex(dtb);
    puts(", version ");
    putdec(be32(fdt + 20));
    puts(", x1..x3 ");
    puthex(x1 | x2 | x3);
    u64 el, sctlr;
    asm volatile("mrs %0, CurrentEL" : "=r"(el));
    asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    puts(", EL");
    putdec(el >> 2);
    puts(sctlr & 1 ? ", MMU on\n" : ", MMU off\n");
    puts("model: ");
    puts(model ? model : "(none)");
    puts("\ncpu: ");
    puts(cpu_compat ? cpu_compat : "(none)");
    puts("\nmemory: ");
    puthex(mem_base);
    puts(" size ");
    puthex(mem_size);
    puts(" (");
    putdec(mem_size >> 20);
    puts(" MiB)\nuart: ");
    puts(uart_name ? uart_name : "(none)");
    puts(" at ");
    puthex(uart_base);
    puts(", interrupt ID ");
    putdec(uart_irq);
    puts("\ngic: distributor ");
    puthex(gicd);
    puts(", cpu interface ");
    puthex(gicc);
    puts("\ntimer PPIs:");
    for (u32 i = 0; i + 2 < timer_cells; i += 3) {
        puts(" ");
        putdec(16 + timer_irq[i + 1]);
    }
    puts("\nstdout-path: ");
    puts(stdout_path ? stdout_path : "(none)");
    puts("\nbootargs: ");
    if (bootargs) {
        puts("\"");
        puts(bootargs);
        puts("\"");
    } else {
        puts("(none)");
    }
    puts("\ninitrd: ");
    if (have_initrd) {
        puthex(initrd_start);
        puts(" .. ");
        puthex(initrd_end);
        puts(", ");
        putdec(initrd_end - initrd_start);
        puts(" bytes, sum ");
        u64 sum = 0;
        for (const u8 *b = (const u8 *)initrd_start; b < (const u8 *)initrd_end; b++)
            sum = sum * 31 + *b;
        puthex(sum);
        puts(", first line \"");
        for (const u8 *b = (const u8 *)initrd_start; b < (const u8 *)initrd_end && *b != '\n'; b++)
            putc(*b);
        puts("\"");
    } else {
        puts("(none)");
    }
    puts("\npsci: method ");
    puts(psci_method ? psci_method : "(none)");
    if (psci_method && streq(psci_method, "hvc")) {
        u64 v = hvc(0x84000000, 0, 0, 0);
        puts(", version ");
        putdec(v >> 16);
        puts(".");
        putdec(v & 0xffff);
        puts(", features(CPU_ON) ");
        putdec((long)hvc(0x8400000a, 0xc4000003, 0, 0));
        puts(", CPU_ON(0) ");
        putdec((long)hvc(0xc4000003, 0, where, 0));
        puts(", CPU_ON(1) ");
        putdec((long)hvc(0xc4000003, 1, where, 0));
        puts(", AFFINITY_INFO(0) ");
        putdec((long)hvc(0xc4000004, 0, 0, 0));
        puts(", MIGRATE_INFO_TYPE ");
        putdec((long)hvc(0x84000006, 0, 0, 0));
    }
    puts("\ndtbinfo: done, SYSTEM_OFF\n");
    hvc(0x84000008, 0, 0, 0);
}

/*
 * levitate_native.c — contexts, stacks with guard pages, built-in task bodies, and the xv6 shape:
 * the calling thread's own stack is the scheduler context; lv_resume switches from it into a
 * task, and the task switches back when it yields or exits. No JVM frame ever lives on a task
 * stack: Java calls lv_resume, which returns to Java only after the switch back.
 */
#define _GNU_SOURCE
#include "levitate_native.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

_Static_assert(LV_CTX_SLOTS * 8 == LV_CTX_SIZE, "104-byte context");
_Static_assert(LV_CTX_FP == 10 * 8 && LV_CTX_LR == 11 * 8 && LV_CTX_SP == 12 * 8, "fp, lr, sp slots");

#define MAX_CONTEXTS 4096           /* slots; an id is generation << 12 | slot */
#define SLOT_BITS 12
#define MAGIC 0x4C45564954415445ULL /* "LEVITATE" */
#define GUARD_BYTES 4096
#define STACK_MARGIN 2048           /* what RECURSE keeps free above the guard */

enum state { ST_FREE = 0, ST_NEW, ST_READY, ST_RUNNING, ST_EXITED, ST_FAULTED };

struct lv_task {
    uint64_t ctx[LV_CTX_SLOTS];     /* first: the assembly addresses it directly (static assert below) */
    uint64_t magic;
    int id;
    int state;
    int body;
    int stop;
    int64_t a0, a1;
    int64_t *program;
    int program_pairs;
    int pc;
    int64_t value;                  /* exit code, sleep ticks, or fault address */
    char *map_base;                 /* guard page, then the stack */
    size_t map_size;
};

_Static_assert(offsetof(struct lv_task, ctx) == 0, "ctx first");
_Static_assert(sizeof(((struct lv_task *)0)->ctx) == LV_CTX_SIZE, "ctx is 104 bytes");

static struct lv_task *slots[MAX_CONTEXTS];
static unsigned generation[MAX_CONTEXTS];
static int live;

/* One scheduler context and one current task per host thread. Initial-exec TLS: read with one
 * %fs-relative (tpidr_el0) access instead of a __tls_get_addr call per use (measured: about 4 ns
 * of a round trip). It takes 112 bytes of the static TLS surplus glibc keeps for dlopen. */
#define LV_TLS_IE __attribute__((tls_model("initial-exec")))
static __thread uint64_t sched_ctx[LV_CTX_SLOTS] LV_TLS_IE;
static __thread struct lv_task *current LV_TLS_IE;

/*
 * switch_inline: levitate_switch written into its caller (x86-64). The out-of-line switch is
 * entered by a call and left by an indirect jump, so every switch leaves the return-stack
 * predictor one entry off and the next returns on both sides mispredict (measured: about 20 ns of
 * a 30 ns round trip). Inline, no call or return happens at a switch; the saved "return address"
 * is the label after the jump, and rsp is saved as it is. The two kinds of saved context are
 * interchangeable: both resume by loading rsp and jumping to the saved address.
 * SAFETY: all caller-saved registers, flags and memory are declared clobbered (the other context
 * ran in between); callee-saved ones are saved and restored; nothing is written below rsp.
 */
#if defined(__x86_64__)
static inline __attribute__((always_inline)) void switch_inline(uint64_t *old_ctx, const uint64_t *new_ctx) {
    __asm__ volatile(
        "movq %%rbx,  0(%0)\n\t"
        "movq %%r12,  8(%0)\n\t"
        "movq %%r13, 16(%0)\n\t"
        "movq %%r14, 24(%0)\n\t"
        "movq %%r15, 32(%0)\n\t"
        "movq %%rbp, 80(%0)\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "movq %%rax, 88(%0)\n\t"
        "movq %%rsp, 96(%0)\n\t"
        "movq  0(%1), %%rbx\n\t"
        "movq  8(%1), %%r12\n\t"
        "movq 16(%1), %%r13\n\t"
        "movq 24(%1), %%r14\n\t"
        "movq 32(%1), %%r15\n\t"
        "movq 80(%1), %%rbp\n\t"
        "movq 96(%1), %%rsp\n\t"
        "jmpq *88(%1)\n"
        "1:\n\t"
        : "+D"(old_ctx), "+S"(new_ctx)
        :
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "cc", "memory",
          "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}
#else
#define switch_inline levitate_switch
#endif

/* lv_yield written into the body that yields (see switch_inline). */
static inline __attribute__((always_inline)) void yield_inline(struct lv_task *t) {
    t->stop = LV_STOP_YIELDED;
    t->state = ST_READY;
    switch_inline(t->ctx, sched_ctx);
}

int lv_abi_version(void) { return LV_ABI_VERSION; }

int lv_layout(int what) {
    switch (what) {
    case 0: return (int)sizeof(((struct lv_task *)0)->ctx);
    case 1: return LV_CTX_FP;
    case 2: return LV_CTX_LR;
    case 3: return LV_CTX_SP;
    case 4: return (int)offsetof(struct lv_task, ctx) + LV_CTX_X19;
    default: return -1;
    }
}

const char *lv_arch(void) {
#if defined(__x86_64__)
    return "x86-64";
#elif defined(__aarch64__)
    return "aarch64";
#else
    return "unknown";
#endif
}

static struct lv_task *lookup(int id) {
    if (id < 0) {
        return NULL;
    }
    unsigned slot = (unsigned)id & (MAX_CONTEXTS - 1);
    unsigned gen = (unsigned)id >> SLOT_BITS;
    struct lv_task *t = slots[slot];
    /* SAFETY: a made-up id either misses the table, hits an empty slot, or has a stale
     * generation; only then is the pointer used. */
    if (t == NULL || generation[slot] != gen || t->magic != MAGIC || t->id != id) {
        return NULL;
    }
    return t;
}

static void finish(struct lv_task *t, int state, int stop, int64_t value) {
    t->state = state;
    t->stop = stop;
    t->value = value;
}

static void spin(int64_t n) {
    for (volatile int64_t i = 0; i < n; i++) {
    }
}

static int64_t recurse(struct lv_task *t, int64_t depth, int64_t limit) {
    volatile char frame[1024];
    char *here = (char *)frame;
    /* SAFETY: the stack grows down towards the guard page; stop before reaching it. */
    if (here < t->map_base + GUARD_BYTES + STACK_MARGIN) {
        return -1 - depth;
    }
    frame[0] = (char)depth;
    if (depth >= limit) {
        return depth;
    }
    int64_t r = recurse(t, depth + 1, limit);
    return r + (frame[0] - (char)depth);
}

static void run_body(struct lv_task *t) {
    switch (t->body) {
    case LV_BODY_COUNTER:
        for (int64_t i = 0; i < t->a0; i++) {
            yield_inline(t);
        }
        finish(t, ST_EXITED, LV_STOP_EXITED, t->a0);
        return;
    case LV_BODY_REGCHECK:
        finish(t, ST_EXITED, LV_STOP_EXITED, levitate_regcheck(t->a0, t->a1));
        return;
    case LV_BODY_RECURSE: {
        int64_t r = recurse(t, 0, t->a0);
        if (r < 0) {
            /* the depth check fired: report a stack overflow as a fault, not a crash */
            finish(t, ST_FAULTED, LV_STOP_FAULTED, -1 - r);
        } else {
            finish(t, ST_EXITED, LV_STOP_EXITED, r);
        }
        return;
    }
    case LV_BODY_SCRIPT:
        while (t->pc < t->program_pairs) {
            int64_t op = t->program[2 * t->pc];
            int64_t arg = t->program[2 * t->pc + 1];
            t->pc++;
            switch (op) {
            case LV_OP_EXIT:
                finish(t, ST_EXITED, LV_STOP_EXITED, arg);
                return;
            case LV_OP_COMPUTE:
                spin(arg);
                break;
            case LV_OP_YIELD:
                yield_inline(t);
                break;
            case LV_OP_SLEEP:
                t->value = arg;
                t->stop = LV_STOP_SLEEP;
                t->state = ST_READY;
                switch_inline(t->ctx, sched_ctx);
                break;
            default:
                finish(t, ST_FAULTED, LV_STOP_FAULTED, op);
                return;
            }
        }
        finish(t, ST_EXITED, LV_STOP_EXITED, 0);
        return;
    default:
        finish(t, ST_FAULTED, LV_STOP_FAULTED, t->body);
        return;
    }
}

/* Entered from levitate_trampoline on the task's own stack. Never returns. */
void lv_task_main(struct lv_task *t);
void lv_task_main(struct lv_task *t) {
    run_body(t);
    levitate_switch(t->ctx, sched_ctx);
    abort(); /* SAFETY: an exited task is never resumed (lv_resume refuses it) */
}

void lv_yield(void) {
    struct lv_task *t = current;
    if (t == NULL) {
        return; /* called outside a task: nothing to yield to */
    }
    t->stop = LV_STOP_YIELDED;
    t->state = ST_READY;
    levitate_switch(t->ctx, sched_ctx);
}

int lv_create(int body, int64_t a0, int64_t a1, const int64_t *program, int program_pairs, int64_t stack_size) {
    if (body < LV_BODY_COUNTER || body > LV_BODY_RECURSE || stack_size < 4096 || stack_size > (64 << 20)
        || program_pairs < 0 || (program_pairs > 0 && program == NULL) || (body == LV_BODY_SCRIPT && program_pairs == 0)) {
        return LV_ERR_ARG;
    }
    long page = sysconf(_SC_PAGESIZE);
    size_t stack = ((size_t)stack_size + (size_t)page - 1) & ~((size_t)page - 1);
    int slot = -1;
    for (int i = 0; i < MAX_CONTEXTS; i++) {
        if (slots[i] == NULL) {
            slot = i;
            break;
        }
    }
    if (slot < 0) {
        return LV_ERR_NOMEM;
    }
    struct lv_task *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return LV_ERR_NOMEM;
    }
    size_t size = stack + GUARD_BYTES;
    char *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) {
        free(t);
        return LV_ERR_NOMEM;
    }
    /* SAFETY: the lowest page becomes PROT_NONE: an overflow faults instead of corrupting. */
    if (mprotect(base, GUARD_BYTES, PROT_NONE) != 0) {
        munmap(base, size);
        free(t);
        return LV_ERR_NOMEM;
    }
    if (program_pairs > 0) {
        t->program = malloc(sizeof(int64_t) * 2 * (size_t)program_pairs);
        if (t->program == NULL) {
            munmap(base, size);
            free(t);
            return LV_ERR_NOMEM;
        }
        memcpy(t->program, program, sizeof(int64_t) * 2 * (size_t)program_pairs);
    }
    generation[slot] = (generation[slot] + 1) & 0x7FFFF;
    t->magic = MAGIC;
    t->id = (int)(generation[slot] << SLOT_BITS | (unsigned)slot);
    t->state = ST_NEW;
    t->body = body;
    t->a0 = a0;
    t->a1 = a1;
    t->program_pairs = program_pairs;
    t->map_base = base;
    t->map_size = size;
    uint64_t top = ((uint64_t)(uintptr_t)(base + size)) & ~(uint64_t)15; /* AAPCS64 / SysV: 16-aligned */
    t->ctx[LV_CTX_SP / 8] = top;
    t->ctx[LV_CTX_LR / 8] = (uint64_t)(uintptr_t)&levitate_trampoline;
    t->ctx[LV_CTX_FP / 8] = 0;
    t->ctx[0] = (uint64_t)(uintptr_t)t; /* x19 (rbx on x86-64): the trampoline's argument */
    slots[slot] = t;
    live++;
    return t->id;
}

int lv_resume(int id) {
    struct lv_task *t = lookup(id);
    if (t == NULL) {
        return LV_ERR_UNKNOWN;
    }
    if (current != NULL) {
        return LV_ERR_NESTED;
    }
    if (t->state == ST_EXITED || t->state == ST_FAULTED) {
        return LV_ERR_FINISHED;
    }
    t->state = ST_RUNNING;
    current = t;
    switch_inline(sched_ctx, t->ctx);
    current = NULL;
    return t->stop;
}

int64_t lv_value(int id) {
    struct lv_task *t = lookup(id);
    return t == NULL ? 0 : t->value;
}

int64_t lv_saved(int id, int offset) {
    struct lv_task *t = lookup(id);
    if (t == NULL || offset < 0 || offset >= LV_CTX_SIZE || (offset & 7) != 0) {
        return 0;
    }
    return (int64_t)t->ctx[offset / 8];
}

int64_t lv_stack_low(int id) {
    struct lv_task *t = lookup(id);
    return t == NULL ? 0 : (int64_t)(uintptr_t)(t->map_base + GUARD_BYTES);
}

int64_t lv_stack_high(int id) {
    struct lv_task *t = lookup(id);
    return t == NULL ? 0 : (int64_t)(uintptr_t)(t->map_base + t->map_size);
}

int lv_destroy(int id) {
    struct lv_task *t = lookup(id);
    if (t == NULL) {
        return LV_ERR_UNKNOWN;
    }
    if (t->state == ST_RUNNING) {
        return LV_ERR_NESTED;
    }
    unsigned slot = (unsigned)id & (MAX_CONTEXTS - 1);
    slots[slot] = NULL;
    munmap(t->map_base, t->map_size);
    free(t->program);
    t->magic = 0;
    free(t);
    live--;
    return 0;
}

int lv_live(void) { return live; }

int64_t lv_cycles(void) {
#if defined(__x86_64__)
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (int64_t)(((uint64_t)hi << 32) | lo);
#elif defined(__aarch64__)
    uint64_t v;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
    return (int64_t)v;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
#endif
}

/* ---------------------------------------------------------------- benchmarks in native code */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static __thread uint64_t bench_a[LV_CTX_SLOTS], bench_b[LV_CTX_SLOTS];
static __thread int64_t bench_left;

static void bench_partner(void) {
    for (;;) {
        levitate_switch(bench_b, bench_a);
    }
}

/* Nanoseconds for `switches` levitate_switch calls (half there, half back). */
int64_t lv_bench_switch_ns(int64_t switches) {
    size_t size = 64 * 1024;
    char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED) {
        return -1;
    }
    memset(bench_b, 0, sizeof bench_b);
    uint64_t top = ((uint64_t)(uintptr_t)(stack + size)) & ~(uint64_t)15;
#if defined(__x86_64__)
    top -= 8; /* enter bench_partner as if called: rsp = 8 mod 16 */
#endif
    bench_b[LV_CTX_SP / 8] = top;
    bench_b[LV_CTX_LR / 8] = (uint64_t)(uintptr_t)&bench_partner;
    int64_t start = now_ns();
    for (bench_left = switches / 2; bench_left > 0; bench_left--) {
        levitate_switch(bench_a, bench_b);
    }
    int64_t ns = now_ns() - start;
    munmap(stack, size);
    return ns;
}

static ucontext_t uc_main, uc_partner;

static void uc_partner_fn(void) {
    for (;;) {
        swapcontext(&uc_partner, &uc_main);
    }
}

/* The same ping-pong with glibc's swapcontext (which also saves the signal mask: a syscall). */
int64_t lv_bench_swapcontext_ns(int64_t switches) {
    size_t size = 64 * 1024;
    char *stack = malloc(size);
    if (stack == NULL) {
        return -1;
    }
    getcontext(&uc_partner);
    uc_partner.uc_stack.ss_sp = stack;
    uc_partner.uc_stack.ss_size = size;
    uc_partner.uc_link = NULL;
    makecontext(&uc_partner, uc_partner_fn, 0);
    int64_t start = now_ns();
    for (int64_t i = switches / 2; i > 0; i--) {
        swapcontext(&uc_main, &uc_partner);
    }
    int64_t ns = now_ns() - start;
    free(stack);
    return ns;
}

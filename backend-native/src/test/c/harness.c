/*
 * A C harness for the shim, built twice by NativeHarnessTest: natively with gcc, and for AArch64
 * with aarch64-linux-gnu-gcc -static, run under qemu-aarch64. It exercises the same shim source
 * the jar ships: register preservation across switches, stack alignment, scripted steps, misuse,
 * and the guard page (a write just below a task's stack must fault).
 */
#define _GNU_SOURCE
#include "levitate_native.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static sigjmp_buf guard_jump;
static volatile uintptr_t guard_low, guard_high, fault_address;

static void on_segv(int sig, siginfo_t *info, void *uctx) {
    (void)sig;
    (void)uctx;
    fault_address = (uintptr_t)info->si_addr;
    if (fault_address >= guard_low && fault_address < guard_high) {
        siglongjmp(guard_jump, 1);
    }
    signal(SIGSEGV, SIG_DFL); /* not ours: crash as usual */
}

int main(void) {
    printf("arch %s\n", lv_arch());
    CHECK(lv_layout(0) == 104 && lv_layout(1) == 80 && lv_layout(2) == 88 && lv_layout(3) == 96 && lv_layout(4) == 0,
          "layout");

    /* 1. four tasks, 2000 rounds each of fill / yield / check every callee-saved register */
    enum { N = 4, ROUNDS = 2000 };
    int ids[N];
    for (int i = 0; i < N; i++) {
        ids[i] = lv_create(LV_BODY_REGCHECK, 0x1111111100000000LL * (i + 1), ROUNDS, NULL, 0, 16384);
        CHECK(ids[i] >= 0, "create %d", i);
    }
    int running = N, switches = 0, misaligned = 0, outside = 0;
    int64_t results[N];
    while (running > 0) {
        for (int i = 0; i < N; i++) {
            if (ids[i] < 0) {
                continue;
            }
            int r = lv_resume(ids[i]);
            switches += 2;
            int64_t sp = lv_saved(ids[i], LV_CTX_SP);
            if (r == LV_STOP_YIELDED) {
                misaligned += (sp & 15) != 0;
                outside += sp < lv_stack_low(ids[i]) || sp > lv_stack_high(ids[i]);
            } else {
                CHECK(r == LV_STOP_EXITED, "task %d stopped with %d", i, r);
                results[i] = lv_value(ids[i]);
                CHECK(lv_resume(ids[i]) == LV_ERR_FINISHED, "an exited task cannot be resumed");
                CHECK(lv_destroy(ids[i]) == 0, "destroy");
                ids[i] = -1;
                running--;
            }
        }
    }
    for (int i = 0; i < N; i++) {
        CHECK(results[i] == 0, "task %d saw %lld rounds with a clobbered callee-saved register", i, (long long)results[i]);
    }
    CHECK(misaligned == 0, "%d saved stack pointers were not 16-byte aligned", misaligned);
    CHECK(outside == 0, "%d saved stack pointers were outside their stack", outside);
    int clobbered = 0;
    for (int i = 0; i < N; i++) {
        clobbered += results[i] != 0;
    }
    printf("regcheck: %d switches, %s\n", switches,
           clobbered == 0 && misaligned == 0 && outside == 0 ? "all callee-saved registers and sp preserved" : "REGISTERS OR SP DAMAGED");

    /* 2. a scripted workload stops where its steps say */
    int64_t program[] = {LV_OP_COMPUTE, 1000, LV_OP_YIELD, 0, LV_OP_SLEEP, 7, LV_OP_EXIT, 42};
    int s = lv_create(LV_BODY_SCRIPT, 0, 0, program, 4, 16384);
    CHECK(lv_resume(s) == LV_STOP_YIELDED, "script yield");
    CHECK(lv_resume(s) == LV_STOP_SLEEP && lv_value(s) == 7, "script sleep 7");
    CHECK(lv_resume(s) == LV_STOP_EXITED && lv_value(s) == 42, "script exit 42");
    lv_destroy(s);

    /* 3. misuse is refused, never dereferenced */
    CHECK(lv_resume(-7) == LV_ERR_UNKNOWN, "negative id");
    CHECK(lv_resume(123456) == LV_ERR_UNKNOWN, "made-up id");
    CHECK(lv_resume(s) == LV_ERR_UNKNOWN, "destroyed id");
    CHECK(lv_create(99, 0, 0, NULL, 0, 16384) == LV_ERR_ARG, "unknown body");

    /* 4. deep recursion is stopped by the depth check before the guard page */
    int r = lv_create(LV_BODY_RECURSE, 100000, 0, NULL, 0, 16384);
    CHECK(lv_resume(r) == LV_STOP_FAULTED, "stack overflow becomes a fault");
    lv_destroy(r);

    /* 5. the guard page is really there: a write just below a task's stack faults */
    int g = lv_create(LV_BODY_COUNTER, 1, 0, NULL, 0, 16384);
    guard_high = (uintptr_t)lv_stack_low(g);
    guard_low = guard_high - 4096;
    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(guard_jump, 1) == 0) {
        *(volatile char *)(guard_high - 1) = 1;
        CHECK(0, "writing into the guard page did not fault");
    } else {
        CHECK(fault_address == guard_high - 1, "fault address");
        printf("guard page: write at %#lx faulted as it must\n", (unsigned long)fault_address);
    }
    lv_destroy(g);
    CHECK(lv_live() == 0, "every context destroyed");

    /* 6. in-native switch cost against swapcontext, for the record (not asserted) */
    long long ns = lv_bench_switch_ns(2000000);
    long long uc = lv_bench_swapcontext_ns(200000);
    printf("bench: cpu_switch_to %.2f ns/switch, swapcontext %.2f ns/switch\n", ns / 2e6, uc / 2e5);

    /* 7. the round trip Java pays for besides its call: lv_resume on a task that yields back
     * (two switches), best of 10 x 100,000, for the record (not asserted) */
    int rt = lv_create(LV_BODY_COUNTER, INT64_MAX, 0, NULL, 0, 16384);
    CHECK(rt >= 0, "round-trip task");
    double best = 1e18;
    for (int run = 0; run < 10 && rt >= 0; run++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < 100000; i++) {
            lv_resume(rt);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double per = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e5;
        best = per < best ? per : best;
    }
    if (rt >= 0) {
        lv_destroy(rt);
        printf("bench: lv_resume round trip (2 switches) %.2f ns\n", best);
    }

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

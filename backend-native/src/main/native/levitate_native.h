/*
 * levitate_native: cpu_switch_to on real registers, behind a tiny C API that Java calls through
 * JNA. Contexts are named by integer ids (slot and generation), never by pointers, so a foreign,
 * stale or made-up id is refused instead of dereferenced.
 */
#ifndef LEVITATE_NATIVE_H
#define LEVITATE_NATIVE_H

#include <stdint.h>

#define LV_ABI_VERSION 1

/* The saved context: 13 slots of 8 bytes, the layout of dev.levitate.core.spi.SavedContextLayout. */
#define LV_CTX_SLOTS 13
#define LV_CTX_X19 0
#define LV_CTX_FP 80
#define LV_CTX_LR 88
#define LV_CTX_SP 96
#define LV_CTX_SIZE 104

/* Built-in task bodies. */
#define LV_BODY_COUNTER 0   /* yield a0 times, exit(a0) */
#define LV_BODY_REGCHECK 1  /* a1 rounds of fill/yield/check callee-saved registers; exit(mismatches) */
#define LV_BODY_SCRIPT 2    /* run the scripted-workload program */
#define LV_BODY_RECURSE 3   /* recurse a0 levels of 1 KiB frames, checking the stack depth; exit(depth) */

/* Scripted-workload opcodes: the program is pairs (opcode, argument) of int64. */
#define LV_OP_EXIT 0        /* exit(argument) */
#define LV_OP_COMPUTE 1     /* spin for argument iterations */
#define LV_OP_YIELD 2       /* give up the CPU */
#define LV_OP_SLEEP 3       /* stop with LV_STOP_SLEEP, value = argument ticks */

/* Why lv_resume returned (positive), or why it refused (negative). */
#define LV_STOP_YIELDED 1
#define LV_STOP_EXITED 2
#define LV_STOP_SLEEP 3
#define LV_STOP_FAULTED 4
#define LV_ERR_UNKNOWN (-1)   /* no live context with that id */
#define LV_ERR_FINISHED (-2)  /* the context exited or faulted: it cannot run again */
#define LV_ERR_NESTED (-3)    /* lv_resume called from inside a task */
#define LV_ERR_NOMEM (-4)     /* mmap failed or the table of contexts is full */
#define LV_ERR_ARG (-5)       /* a bad argument (body, program, stack size) */

int lv_abi_version(void);
int lv_layout(int what); /* 0: size, 1: fp offset, 2: lr offset, 3: sp offset, 4: x19 offset */
const char *lv_arch(void);
int lv_create(int body, int64_t a0, int64_t a1, const int64_t *program, int program_pairs, int64_t stack_size);
int lv_resume(int id);
int64_t lv_value(int id);
int64_t lv_saved(int id, int offset);
int64_t lv_stack_low(int id);
int64_t lv_stack_high(int id);
int lv_destroy(int id);
int lv_live(void);
int64_t lv_cycles(void);
void lv_yield(void);
int64_t lv_bench_switch_ns(int64_t switches);
int64_t lv_bench_swapcontext_ns(int64_t switches);

/* Internal, used by the assembly. */
void levitate_switch(uint64_t *old_ctx, const uint64_t *new_ctx);
void levitate_trampoline(void);
int64_t levitate_regcheck(int64_t seed, int64_t rounds);

#endif

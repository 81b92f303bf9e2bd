/* Function pointers: tables of operations, callbacks, a tiny stack-machine bytecode interpreter
 * dispatched through a switch (a jump table at -O2) and a second one through a table of handler
 * pointers, both running the same programs. The last line goes out through semihosting
 * SYS_WRITE0 rather than the UART. */
#include "lib.h"

typedef int64_t (*binop)(int64_t, int64_t);

static int64_t op_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t op_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t op_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t op_and(int64_t a, int64_t b) { return a & b; }
static int64_t op_xor(int64_t a, int64_t b) { return a ^ b; }
static int64_t op_min(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t op_max(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t op_shl(int64_t a, int64_t b) { return (int64_t)((uint64_t)a << (b & 63)); }

static const struct {
    const char *name;
    binop f;
} ops[] = {
    {"add", op_add}, {"sub", op_sub}, {"mul", op_mul}, {"and", op_and},
    {"xor", op_xor}, {"min", op_min}, {"max", op_max}, {"shl", op_shl},
};
#define NOPS (sizeof ops / sizeof ops[0])

static int64_t fold(const int64_t *v, int n, binop f, int64_t init)
{
    int64_t acc = init;
    for (int i = 0; i < n; i++) {
        acc = f(acc, v[i]);
    }
    return acc;
}

/* The bytecode: a stack machine with a few registers. */
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, SHL, SHR, DUP, SWAP, DROP,
       JMP, JZ, JNZ, LT, EQ, CALL, RET, PRINT, HALT, NOPCODES };

struct vm {
    int64_t stack[64];
    int64_t regs[8];
    int sp, rsp, rstack[16];
    uint64_t steps;
};

static int64_t run_switch(struct vm *m, const int32_t *code)
{
    int pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        m->steps++;
        int64_t a, b;
        switch (op) {
        case PUSH: m->stack[m->sp++] = code[pc++]; break;
        case LOAD: m->stack[m->sp++] = m->regs[code[pc++]]; break;
        case STORE: m->regs[code[pc++]] = m->stack[--m->sp]; break;
        case ADD: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a + b; break;
        case SUB: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a - b; break;
        case MUL: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int64_t)((uint64_t)a * (uint64_t)b); break;
        case DIV: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = b ? a / b : 0; break;
        case MOD: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = b ? a % b : 0; break;
        case AND: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a & b; break;
        case OR: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a | b; break;
        case XOR: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a ^ b; break;
        case SHL: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int64_t)((uint64_t)a << (b & 63)); break;
        case SHR: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int64_t)((uint64_t)a >> (b & 63)); break;
        case DUP: a = m->stack[m->sp - 1]; m->stack[m->sp++] = a; break;
        case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
        case DROP: m->sp--; break;
        case JMP: pc = code[pc]; break;
        case JZ: a = m->stack[--m->sp]; pc = a == 0 ? code[pc] : pc + 1; break;
        case JNZ: a = m->stack[--m->sp]; pc = a != 0 ? code[pc] : pc + 1; break;
        case LT: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a < b; break;
        case EQ: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = a == b; break;
        case CALL: m->rstack[m->rsp++] = pc + 1; pc = code[pc]; break;
        case RET: pc = m->rstack[--m->rsp]; break;
        case PRINT: printf("  vm: %ld\n", m->stack[--m->sp]); break;
        case HALT: return m->sp ? m->stack[m->sp - 1] : 0;
        default: printf("bad opcode %d\n", op); return -1;
        }
    }
}

/* The same machine, each opcode a function; the handler returns the next pc (-1 = halt). */
typedef int (*handler)(struct vm *, const int32_t *, int);
#define BIN(name, expr)                                                        \
    static int h_##name(struct vm *m, const int32_t *c, int pc)               \
    {                                                                          \
        (void)c;                                                               \
        int64_t b = m->stack[--m->sp], a = m->stack[--m->sp];                  \
        m->stack[m->sp++] = (expr);                                            \
        return pc;                                                             \
    }
BIN(add, a + b)
BIN(sub, a - b)
BIN(mul, (int64_t)((uint64_t)a * (uint64_t)b))
BIN(div, b ? a / b : 0)
BIN(mod, b ? a % b : 0)
BIN(and, a & b)
BIN(or, a | b)
BIN(xor, a ^ b)
BIN(shl, (int64_t)((uint64_t)a << (b & 63)))
BIN(shr, (int64_t)((uint64_t)a >> (b & 63)))
BIN(lt, a < b)
BIN(eq, a == b)
static int h_push(struct vm *m, const int32_t *c, int pc) { m->stack[m->sp++] = c[pc]; return pc + 1; }
static int h_load(struct vm *m, const int32_t *c, int pc) { m->stack[m->sp++] = m->regs[c[pc]]; return pc + 1; }
static int h_store(struct vm *m, const int32_t *c, int pc) { m->regs[c[pc]] = m->stack[--m->sp]; return pc + 1; }
static int h_dup(struct vm *m, const int32_t *c, int pc) { (void)c; m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; return pc; }
static int h_swap(struct vm *m, const int32_t *c, int pc)
{
    (void)c;
    int64_t a = m->stack[m->sp - 1];
    m->stack[m->sp - 1] = m->stack[m->sp - 2];
    m->stack[m->sp - 2] = a;
    return pc;
}
static int h_drop(struct vm *m, const int32_t *c, int pc) { (void)c; m->sp--; return pc; }
static int h_jmp(struct vm *m, const int32_t *c, int pc) { (void)m; return c[pc]; }
static int h_jz(struct vm *m, const int32_t *c, int pc) { return m->stack[--m->sp] == 0 ? c[pc] : pc + 1; }
static int h_jnz(struct vm *m, const int32_t *c, int pc) { return m->stack[--m->sp] != 0 ? c[pc] : pc + 1; }
static int h_call(struct vm *m, const int32_t *c, int pc) { m->rstack[m->rsp++] = pc + 1; return c[pc]; }
static int h_ret(struct vm *m, const int32_t *c, int pc) { (void)c; (void)pc; return m->rstack[--m->rsp]; }
static int h_print(struct vm *m, const int32_t *c, int pc) { (void)c; printf("  vm: %ld\n", m->stack[--m->sp]); return pc; }
static int h_halt(struct vm *m, const int32_t *c, int pc) { (void)m; (void)c; (void)pc; return -1; }

static const handler handlers[NOPCODES] = {
    [PUSH] = h_push, [LOAD] = h_load, [STORE] = h_store, [ADD] = h_add, [SUB] = h_sub, [MUL] = h_mul,
    [DIV] = h_div, [MOD] = h_mod, [AND] = h_and, [OR] = h_or, [XOR] = h_xor, [SHL] = h_shl, [SHR] = h_shr,
    [DUP] = h_dup, [SWAP] = h_swap, [DROP] = h_drop, [JMP] = h_jmp, [JZ] = h_jz, [JNZ] = h_jnz,
    [LT] = h_lt, [EQ] = h_eq, [CALL] = h_call, [RET] = h_ret, [PRINT] = h_print, [HALT] = h_halt,
};

static int64_t run_table(struct vm *m, const int32_t *code)
{
    int pc = 0;
    for (;;) {
        int32_t op = code[pc];
        m->steps++;
        int next = handlers[op](m, code, pc + 1);
        if (next < 0) {
            return m->sp ? m->stack[m->sp - 1] : 0;
        }
        pc = next;
    }
}

/* r0 = n; r1 = 0; r2 = 1; while (r0) { print? ; t = r1 + r2; r1 = r2; r2 = t; r0-- } ; push r1 */
static const int32_t prog_fib[] = {
    PUSH, 50, STORE, 0, PUSH, 0, STORE, 1, PUSH, 1, STORE, 2,
    /* 12 */ LOAD, 0, JZ, 36,
    LOAD, 1, LOAD, 2, ADD, LOAD, 2, STORE, 1, STORE, 2,
    LOAD, 0, PUSH, 1, SUB, STORE, 0, JMP, 12,
    /* 36 */ LOAD, 1, HALT,
};

static int32_t code[256];
static int ncode;
static void emit(int32_t w) { code[ncode++] = w; }
static int here(void) { return ncode; }

static void build_collatz(void)
{
    ncode = 0;
    emit(PUSH); emit(0); emit(STORE); emit(3);
    emit(PUSH); emit(1); emit(STORE); emit(0);
    int loop = here();
    emit(LOAD); emit(0); emit(PUSH); emit(301); emit(LT); emit(JZ); int fix_end = here(); emit(0);
    emit(LOAD); emit(0); emit(CALL); int fix_sub = here(); emit(0);
    emit(LOAD); emit(3); emit(ADD); emit(STORE); emit(3);
    emit(LOAD); emit(0); emit(PUSH); emit(100); emit(MOD); emit(JNZ); int fix_skip = here(); emit(0);
    emit(LOAD); emit(3); emit(PRINT);
    code[fix_skip] = here();
    emit(LOAD); emit(0); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(0); emit(JMP); emit(loop);
    code[fix_end] = here();
    emit(LOAD); emit(3); emit(HALT);
    /* steps(x): r4 = x, r5 = 0; while (r4 != 1) { r4 = r4 odd ? 3 r4 + 1 : r4 / 2; r5++ } push r5 */
    code[fix_sub] = here();
    emit(STORE); emit(4); emit(PUSH); emit(0); emit(STORE); emit(5);
    int top = here();
    emit(LOAD); emit(4); emit(PUSH); emit(1); emit(EQ); emit(JNZ); int fix_done = here(); emit(0);
    emit(LOAD); emit(4); emit(PUSH); emit(1); emit(AND); emit(JZ); int fix_even = here(); emit(0);
    emit(LOAD); emit(4); emit(PUSH); emit(3); emit(MUL); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(4);
    emit(JMP); int fix_inc = here(); emit(0);
    code[fix_even] = here();
    emit(LOAD); emit(4); emit(PUSH); emit(1); emit(SHR); emit(STORE); emit(4);
    code[fix_inc] = here();
    emit(LOAD); emit(5); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(5); emit(JMP); emit(top);
    code[fix_done] = here();
    emit(LOAD); emit(5); emit(RET);
}

int main(void)
{
    printf("fnptr\n");
    int64_t v[16];
    uint64_t seed = 99;
    for (int i = 0; i < 16; i++) {
        v[i] = (int64_t)(rnd(&seed) >> (i * 3));
    }
    for (unsigned i = 0; i < NOPS; i++) {
        printf("fold %s = %ld\n", ops[i].name, fold(v, 16, ops[i].f, i == 2 ? 1 : 0));
    }
    /* an indirect call chosen by data, many times */
    uint64_t h = CHECK_INIT;
    int64_t acc = 1;
    for (int i = 0; i < 5000; i++) {
        binop f = ops[rnd(&seed) % NOPS].f;
        acc = f(acc, (int64_t)(rnd(&seed) & 0xffff));
        h = mix(h, (uint64_t)acc);
    }
    printf("indirect calls: %016lx\n", h);

    struct vm m1 = {0}, m2 = {0};
    int64_t r1 = run_switch(&m1, prog_fib);
    int64_t r2 = run_table(&m2, prog_fib);
    printf("fib(50) by bytecode: switch %ld (%lu steps), table %ld (%lu steps)\n", r1, m1.steps, r2, m2.steps);
    build_collatz();
    struct vm m3 = {0}, m4 = {0};
    printf("collatz, switch:\n");
    int64_t r3 = run_switch(&m3, code);
    printf("collatz, table:\n");
    int64_t r4 = run_table(&m4, code);
    printf("collatz total steps 1..300: %ld / %ld (%lu / %lu vm steps)\n", r3, r4, m3.steps, m4.steps);
    printf("done\n");
    semi_puts("fnptr: semihosting SYS_WRITE0 works\n");
    return 0;
}

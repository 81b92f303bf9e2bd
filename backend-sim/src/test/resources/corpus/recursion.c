/* Recursion: Fibonacci, Ackermann (small), the Towers of Hanoi move count, mutual recursion,
 * a recursive descent expression parser, and permutations by backtracking. Exits with status 42
 * (not 0) so the exit-status path from main through crt0 and semihosting is checked too. */
#include "lib.h"

__attribute__((noinline)) static uint64_t fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static uint64_t ack(uint64_t m, uint64_t n)
{
    if (m == 0) {
        return n + 1;
    }
    if (n == 0) {
        return ack(m - 1, 1);
    }
    return ack(m - 1, ack(m, n - 1));
}

static uint64_t moves;
static int pegs[3];

__attribute__((noinline)) static void hanoi(int n, int from, int to, int via)
{
    if (n == 0) {
        return;
    }
    hanoi(n - 1, from, via, to);
    pegs[from]--;
    pegs[to]++;
    moves++;
    hanoi(n - 1, via, to, from);
}

static int is_odd(unsigned n);

__attribute__((noinline)) static int is_even(unsigned n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

__attribute__((noinline)) static int is_odd(unsigned n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

/* expr := term (('+'|'-') term)*, term := factor (('*'|'/') factor)*, factor := num | '(' expr ')' | '-' factor */
static const char *pos;

static int64_t expr(void);

static int64_t factor(void)
{
    if (*pos == '(') {
        pos++;
        int64_t v = expr();
        pos++;   /* ')' */
        return v;
    }
    if (*pos == '-') {
        pos++;
        return -factor();
    }
    int64_t v = 0;
    while (*pos >= '0' && *pos <= '9') {
        v = v * 10 + (*pos++ - '0');
    }
    return v;
}

static int64_t term(void)
{
    int64_t v = factor();
    while (*pos == '*' || *pos == '/') {
        char op = *pos++;
        int64_t r = factor();
        v = op == '*' ? v * r : (r ? v / r : 0);
    }
    return v;
}

static int64_t expr(void)
{
    int64_t v = term();
    while (*pos == '+' || *pos == '-') {
        char op = *pos++;
        int64_t r = term();
        v = op == '+' ? v + r : v - r;
    }
    return v;
}

static int64_t eval(const char *s)
{
    pos = s;
    return expr();
}

static char perm[8];
static int used[8];
static uint64_t perm_hash, perm_count;

static void permute(int k, int n)
{
    if (k == n) {
        uint64_t v = 0;
        for (int i = 0; i < n; i++) {
            v = v * 10 + (uint64_t)perm[i];
        }
        perm_hash = mix(perm_hash, v);
        perm_count++;
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!used[i]) {
            used[i] = 1;
            perm[k] = (char)i;
            permute(k + 1, n);
            used[i] = 0;
        }
    }
}

int main(void)
{
    printf("recursion\n");
    for (unsigned n = 0; n <= 24; n += 6) {
        printf("fib(%u) = %lu\n", n, fib(OPAQUE(n)));
    }
    for (uint64_t m = 0; m <= 3; m++) {
        for (uint64_t n = 0; n <= 3; n++) {
            printf("ack(%lu,%lu)=%lu ", m, n, ack(OPAQUE(m), n));
        }
        printf("\n");
    }
    for (int n = 1; n <= 16; n += 5) {
        moves = 0;
        pegs[0] = n;
        pegs[1] = pegs[2] = 0;
        hanoi(n, 0, 2, 1);
        printf("hanoi(%d) = %lu moves, pegs %d %d %d\n", n, moves, pegs[0], pegs[1], pegs[2]);
    }
    printf("even(1001) = %d, odd(1001) = %d\n", is_even(OPAQUE(1001U)), is_odd(OPAQUE(1001U)));
    const char *exprs[] = {"1+2*3", "(1+2)*3", "-(4-10)*(7/2)", "100/7/2-3*-3", "((((((1))))))+((2*(3+(4*(5+6)))))"};
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        printf("%s = %ld\n", exprs[i], eval(exprs[i]));
    }
    perm_hash = CHECK_INIT;
    permute(0, 7);
    printf("permutations of 7: %lu, checksum %016lx\n", perm_count, perm_hash);
    printf("done, exiting with 42\n");
    return 42;
}

/* A realistic workload for the benchmark (benchmarks/sim/vs-qemu.sh): per round, CRC-32 of a
 * 16 KiB buffer (table-driven and bitwise), a quicksort of 2,048 keys, and a bytecode interpreter
 * loop (switch dispatch). About 1.2 million guest instructions a round; BENCH_ROUNDS (a -D at
 * build time) sets the rounds: 3 for the cross-check test, a few hundred for the benchmark. */
#include "lib.h"

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 3
#endif

#define BUF 16384
#define KEYS 2048

static uint8_t data[BUF];
static uint32_t crc_table[256];
static uint32_t keys[KEYS];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--) {
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
        }
    }
    return ~crc;
}

static void qsort32(uint32_t *v, int lo, int hi)
{
    while (lo < hi) {
        uint32_t pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i <= j) {
                uint32_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            qsort32(v, lo, j);
            lo = i;
        } else {
            qsort32(v, i, hi);
            hi = j;
        }
    }
}

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, AND, XOR, SHR, LT, JZ, JMP, HALT };

/* r0 = i, r1 = acc: for (i = 0; i < n; i++) acc = (acc * 31 + (i ^ (acc >> 3))) & 0xffffff */
static const int32_t prog[] = {
    PUSH, 0, STORE, 0, PUSH, 7, STORE, 1,
    /* 8 */ LOAD, 0, LOAD, 2, LT, JZ, 45,
    LOAD, 1, PUSH, 31, MUL, LOAD, 0, LOAD, 1, PUSH, 3, SHR, XOR, ADD, PUSH, 0xffffff, AND, STORE, 1,
    LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 8, HALT, HALT,
    /* 45 */ LOAD, 1, HALT,
};

static int64_t interp(const int32_t *code, int64_t n)
{
    int64_t stack[16], regs[4] = {0, 0, n, 0};
    int sp = 0, pc = 0;
    for (;;) {
        int64_t a, b;
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = regs[code[pc++]]; break;
        case STORE: regs[code[pc++]] = stack[--sp]; break;
        case ADD: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a + b; break;
        case SUB: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a - b; break;
        case MUL: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a * b; break;
        case AND: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a & b; break;
        case XOR: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a ^ b; break;
        case SHR: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a >> b; break;
        case LT: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a < b; break;
        case JZ: a = stack[--sp]; pc = a == 0 ? code[pc] : pc + 1; break;
        case JMP: pc = code[pc]; break;
        case HALT: return stack[sp - 1];
        default: return -1;
        }
    }
}

int main(void)
{
    printf("bench: %d rounds\n", BENCH_ROUNDS);
    crc_init();
    uint64_t seed = 2024;
    for (int i = 0; i < BUF; i++) {
        data[i] = (uint8_t)rnd(&seed);
    }
    printf("crc32(\"123456789\") = %08x\n", crc32_table((const uint8_t *)"123456789", 9, 0));
    uint64_t h = CHECK_INIT;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        uint32_t c1 = crc32_table(data, BUF, (uint32_t)r);
        uint32_t c2 = crc32_bitwise(data, 1024, (uint32_t)r);
        data[r % BUF] ^= (uint8_t)c1;
        for (int i = 0; i < KEYS; i++) {
            keys[i] = (uint32_t)rnd(&seed);
        }
        qsort32(keys, 0, KEYS - 1);
        int64_t v = interp(prog, 2000 + r);
        h = mix(h, c1);
        h = mix(h, c2);
        h = mix(h, keys[0] ^ keys[KEYS / 2] ^ keys[KEYS - 1]);
        h = mix(h, (uint64_t)v);
        if (r < 3 || r == BENCH_ROUNDS - 1) {
            printf("round %d: crc %08x %08x, keys %08x..%08x, vm %ld\n", r, c1, c2, keys[0], keys[KEYS - 1], v);
        }
    }
    printf("checksum %016lx\n", h);
    printf("done\n");
    return 0;
}

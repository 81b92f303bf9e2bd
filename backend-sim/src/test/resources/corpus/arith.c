/* Integer arithmetic on every width: add, sub, mul, div, mod, with the edge cases (INT_MIN / -1,
 * division by zero through the instruction, wrap-around), and checksums of many random operands. */
#include "lib.h"

#define DIV_ASM(name, type, insn, reg)                                           \
    static type name(type a, type b)                                             \
    {                                                                            \
        type r;                                                                  \
        __asm__(insn " %" reg "0, %" reg "1, %" reg "2" : "=r"(r) : "r"(a), "r"(b)); \
        return r;                                                                \
    }
/* The instructions themselves, so the architecturally defined cases (x / 0 = 0,
 * INT_MIN / -1 = INT_MIN) can be checked without undefined behaviour in C. */
DIV_ASM(sdiv64, int64_t, "sdiv", "x")
DIV_ASM(udiv64, uint64_t, "udiv", "x")
DIV_ASM(sdiv32, int32_t, "sdiv", "w")
DIV_ASM(udiv32, uint32_t, "udiv", "w")

#define OPS(T, name, h)                                                              \
    static uint64_t name(T a, T b, uint64_t h0)                                      \
    {                                                                                \
        uint64_t h = h0;                                                             \
        h = mix(h, (uint64_t)(T)(a + b));                                            \
        h = mix(h, (uint64_t)(T)(a - b));                                            \
        h = mix(h, (uint64_t)(T)(a * b));                                            \
        h = mix(h, (uint64_t)(T)(a & b) ^ (uint64_t)(T)(a | b) << 1);                \
        h = mix(h, (uint64_t)(a < b) | (uint64_t)(a <= b) << 1 | (uint64_t)(a == b) << 2); \
        h = mix(h, (uint64_t)(T)(-a));                                               \
        h = mix(h, (uint64_t)(T)(~b));                                               \
        if (b != 0 && !(b == (T)-1 && a == (T)((uint64_t)1 << (8 * sizeof(T) - 1)))) { \
            h = mix(h, (uint64_t)(T)(a / b));                                        \
            h = mix(h, (uint64_t)(T)(a % b));                                        \
        }                                                                            \
        return h;                                                                    \
    }

OPS(int8_t, ops_s8, h)
OPS(uint8_t, ops_u8, h)
OPS(int16_t, ops_s16, h)
OPS(uint16_t, ops_u16, h)
OPS(int32_t, ops_s32, h)
OPS(uint32_t, ops_u32, h)
OPS(int64_t, ops_s64, h)
OPS(uint64_t, ops_u64, h)

static const int64_t edges[] = {
    0, 1, -1, 2, -2, 3, 7, -7, 127, -128, 255, 32767, -32768, 65535,
    2147483647LL, -2147483647LL - 1, 4294967295LL, 0x7fffffffffffffffLL,
    -0x7fffffffffffffffLL - 1, 0x123456789abcdefLL, -1000000007LL, 1000000007LL,
};
#define NEDGES (sizeof edges / sizeof edges[0])

__attribute__((noinline)) static uint64_t all_ops(int64_t a, int64_t b, uint64_t h)
{
    h = ops_s8((int8_t)a, (int8_t)b, h);
    h = ops_u8((uint8_t)a, (uint8_t)b, h);
    h = ops_s16((int16_t)a, (int16_t)b, h);
    h = ops_u16((uint16_t)a, (uint16_t)b, h);
    h = ops_s32((int32_t)a, (int32_t)b, h);
    h = ops_u32((uint32_t)a, (uint32_t)b, h);
    h = ops_s64(a, b, h);
    h = ops_u64((uint64_t)a, (uint64_t)b, h);
    return h;
}

/* 128-bit products through the high-half multiplies. */
__attribute__((noinline)) static uint64_t wide(uint64_t a, uint64_t b)
{
    unsigned __int128 u = (unsigned __int128)a * b;
    __int128 s = (__int128)(int64_t)a * (int64_t)b;
    uint64_t h = mix(CHECK_INIT, (uint64_t)(u >> 64));
    h = mix(h, (uint64_t)u);
    h = mix(h, (uint64_t)((unsigned __int128)s >> 64));
    h = mix(h, (uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b));     /* smull */
    h = mix(h, (uint64_t)(uint32_t)a * (uint32_t)b);                        /* umull */
    h = mix(h, (uint64_t)(a * b + (a ^ b)));                                /* madd */
    h = mix(h, (uint64_t)((a ^ b) - a * b));                                /* msub */
    return h;
}

int main(void)
{
    printf("arith\n");
    printf("sdiv64(INT64_MIN, -1) = %lx\n", (uint64_t)sdiv64(OPAQUE(INT64_MIN), OPAQUE(-1L)));
    printf("sdiv32(INT32_MIN, -1) = %x\n", (uint32_t)sdiv32(OPAQUE(INT32_MIN), OPAQUE(-1)));
    printf("sdiv64(5, 0) = %ld, udiv64(5, 0) = %lu\n", sdiv64(OPAQUE(5L), OPAQUE(0L)), udiv64(OPAQUE(5UL), OPAQUE(0UL)));
    printf("sdiv32(-7, 2) = %d, udiv32(-7, 2) = %u\n", sdiv32(OPAQUE(-7), OPAQUE(2)), udiv32(OPAQUE(-7U), OPAQUE(2U)));
    printf("-7 / 2 = %d, -7 %% 2 = %d, 7 %% -2 = %d\n", OPAQUE(-7) / OPAQUE(2), OPAQUE(-7) % OPAQUE(2), OPAQUE(7) % OPAQUE(-2));
    printf("INT64_MIN %% -1 via msub = %ld\n", OPAQUE(INT64_MIN) - sdiv64(OPAQUE(INT64_MIN), -1) * -1);
    printf("uint8 200+100 = %u, int8 100+100 = %d, uint16 0-1 = %u, int16 -32768-1 = %d\n",
           (uint8_t)(OPAQUE((uint8_t)200) + 100), (int8_t)(OPAQUE((int8_t)100) + 100),
           (uint16_t)(OPAQUE((uint16_t)0) - 1), (int16_t)(OPAQUE((int16_t)-32768) - 1));
    printf("extremes: %d %u %ld %lu\n", INT32_MIN, UINT32_MAX, INT64_MIN, UINT64_MAX);

    uint64_t h = CHECK_INIT;
    for (unsigned i = 0; i < NEDGES; i++) {
        for (unsigned j = 0; j < NEDGES; j++) {
            h = all_ops(OPAQUE(edges[i]), OPAQUE(edges[j]), h);
        }
    }
    printf("edge pairs: %016lx\n", h);

    uint64_t seed = 0x9e3779b97f4a7c15ULL, hr = CHECK_INIT, hw = CHECK_INIT;
    for (int i = 0; i < 2000; i++) {
        uint64_t a = rnd(&seed), b = rnd(&seed);
        if (i & 1) {
            b >>= (a & 63);
        }
        hr = all_ops((int64_t)a, (int64_t)b, hr);
        hw ^= wide(a, b) + (uint64_t)i;
    }
    printf("random pairs: %016lx\n", hr);
    printf("wide products: %016lx\n", hw);

    /* Signed and unsigned comparisons and conversions. */
    int32_t sm = OPAQUE(-1);
    uint32_t um = OPAQUE(1U);
    printf("compare: %d %d %d %d\n", sm < (int32_t)um, (uint32_t)sm < um, (int64_t)sm < (int64_t)um,
           (uint64_t)(int64_t)sm == UINT64_MAX);
    printf("convert: %ld %lu %d %u\n", (int64_t)(int8_t)OPAQUE(0x80), (uint64_t)(uint16_t)OPAQUE(-1),
           (int32_t)(int16_t)OPAQUE(0x8001), (uint32_t)(int8_t)OPAQUE(0xff));
    printf("done\n");
    return 0;
}

/* Bit manipulation: clz/ctz/popcount by hand and with __builtin_*, rotations, byte swaps, bit
 * reversal, bitfields, shifts by variable amounts, sign and zero extension of fields. */
#include "lib.h"

static int clz_hand(uint64_t x)
{
    if (x == 0) {
        return 64;
    }
    int n = 0;
    while (!(x & 0x8000000000000000ULL)) {
        x <<= 1;
        n++;
    }
    return n;
}

static int ctz_hand(uint64_t x)
{
    if (x == 0) {
        return 64;
    }
    int n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
}

static int pop_hand(uint64_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

static uint64_t rev_hand(uint64_t x)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | ((x >> i) & 1);
    }
    return r;
}

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << (r & 63)) | (x >> ((64 - r) & 63));
}

static inline uint32_t rotr32(uint32_t x, unsigned r)
{
    return (x >> (r & 31)) | (x << ((32 - r) & 31));
}

struct fields {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    signed d : 7;
    unsigned e : 1;
    uint64_t f : 36;
    int64_t g : 28;
};

int main(void)
{
    printf("bits\n");
    uint64_t seed = 12345, h = CHECK_INIT;
    int mismatches = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t x = rnd(&seed);
        x >>= (i % 65 == 64) ? 0 : (unsigned)(i % 64);   /* all widths of leading zeros */
        if (i % 97 == 0) {
            x = 0;
        }
        uint32_t w = (uint32_t)(x ^ (x >> 17));
        int c1 = clz_hand(x), t1 = ctz_hand(x), p1 = pop_hand(x);
        int c2 = x ? __builtin_clzll(x) : 64, t2 = x ? __builtin_ctzll(x) : 64;
        int p2 = __builtin_popcountll(x);
        if (c1 != c2 || t1 != t2 || p1 != p2 || rev_hand(x) != rev_hand(rev_hand(rev_hand(x)))) {
            mismatches++;
        }
        h = mix(h, (uint64_t)c1 | (uint64_t)t1 << 8 | (uint64_t)p1 << 16);
        h = mix(h, w ? (uint64_t)__builtin_clz(w) | (uint64_t)__builtin_ctz(w) << 8 : 99);
        h = mix(h, (uint64_t)__builtin_popcount(w) | (uint64_t)__builtin_clrsbll((int64_t)x) << 8
                   | (uint64_t)__builtin_clrsb((int32_t)w) << 16 | (uint64_t)__builtin_parityll(x) << 24);
        h = mix(h, __builtin_bswap64(x) ^ __builtin_bswap32(w) ^ __builtin_bswap16((uint16_t)w));
        h = mix(h, rev_hand(x));
        unsigned r = (unsigned)(rnd(&seed) & 127);
        h = mix(h, rotl64(x, r) ^ rotr32(w, r));
        h = mix(h, x << (r & 63) ^ x >> (r & 63) ^ (uint64_t)((int64_t)x >> (r & 63)));
        h = mix(h, (uint64_t)(w << (r & 31)) ^ (w >> (r & 31)) ^ (uint64_t)(uint32_t)((int32_t)w >> (r & 31)));
        /* field extracts and inserts: ubfx, sbfx, bfi */
        unsigned lsb = r & 31, width = 1 + (unsigned)(x & 31);
        uint64_t mask = width >= 64 ? ~0ULL : ((1ULL << width) - 1);
        uint64_t ux = (x >> lsb) & mask;
        int64_t sx = (int64_t)(ux << (64 - width)) >> (64 - width);
        h = mix(h, ux ^ (uint64_t)sx);
        h = mix(h, (x & ~(mask << lsb)) | ((w & mask) << lsb));
        h = mix(h, (x >> 7 & 0x3ff) | (x & 0xff) << 40 | (uint64_t)(int8_t)x << 20);
    }
    printf("scan mismatches: %d\n", mismatches);
    printf("bits checksum: %016lx\n", h);

    struct fields f = {0};
    uint64_t hf = CHECK_INIT;
    for (int i = 0; i < 500; i++) {
        uint64_t x = rnd(&seed);
        f.a = (unsigned)x;
        f.b = (int)(x >> 3);
        f.c = (unsigned)(x >> 8);
        f.d = (int)(x >> 20);
        f.e = (unsigned)(x >> 27);
        f.f = x >> 28;
        f.g = (int64_t)x >> 5;
        f.c += f.a * 3;
        f.d -= f.b;
        hf = mix(hf, (uint64_t)f.a | (uint64_t)(int64_t)f.b << 3 | (uint64_t)f.c << 12 | (uint64_t)f.e << 63);
        hf = mix(hf, (uint64_t)(int64_t)f.d ^ f.f ^ (uint64_t)f.g);
    }
    printf("bitfields: %016lx\n", hf);
    uint64_t raw[2];
    memcpy(raw, &f, sizeof raw);
    printf("bitfield layout: %016lx %016lx\n", raw[0], raw[1]);
    printf("clz(1) = %d, ctz(1 << 63) = %d, popcount(-1) = %d, bswap = %lx\n", __builtin_clzll(OPAQUE(1ULL)),
           __builtin_ctzll(OPAQUE(1ULL << 63)), __builtin_popcountll(OPAQUE(~0ULL)), __builtin_bswap64(OPAQUE(0x0102030405060708ULL)));
    printf("done\n");
    return 0;
}

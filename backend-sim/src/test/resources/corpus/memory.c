/* Loads and stores of every size, signed and unsigned, through pointers, arrays, pre/post-indexed
 * loops and register offsets; unaligned data built from byte arrays; struct copies (memcpy calls
 * emitted by GCC) and struct passing by value. */
#include "lib.h"

static uint8_t buf[4096] __attribute__((aligned(16)));
static volatile uint64_t sink;

struct rec {
    uint8_t u8;
    int8_t s8;
    uint16_t u16;
    int16_t s16;
    uint32_t u32;
    int32_t s32;
    uint64_t u64;
    int64_t s64;
    char name[13];
};

struct big {
    uint64_t w[24];
    uint8_t tail[7];
};

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

static void store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

__attribute__((noinline)) static struct rec make_rec(uint64_t x)
{
    struct rec r;
    r.u8 = (uint8_t)x;
    r.s8 = (int8_t)(x >> 8);
    r.u16 = (uint16_t)(x >> 3);
    r.s16 = (int16_t)(x >> 17);
    r.u32 = (uint32_t)(x >> 5);
    r.s32 = (int32_t)(x >> 29);
    r.u64 = x * 3;
    r.s64 = -(int64_t)x;
    for (int i = 0; i < 12; i++) {
        r.name[i] = (char)('a' + (x >> (i * 4)) % 26);
    }
    r.name[12] = 0;
    return r;
}

__attribute__((noinline)) static uint64_t sum_rec(struct rec r)
{
    uint64_t h = CHECK_INIT;
    h = mix(h, (uint64_t)r.u8 + (uint64_t)(int64_t)r.s8);
    h = mix(h, (uint64_t)r.u16 + (uint64_t)(int64_t)r.s16);
    h = mix(h, (uint64_t)r.u32 + (uint64_t)(int64_t)r.s32);
    h = mix(h, r.u64 ^ (uint64_t)r.s64);
    h = mix(h, strlen(r.name) + (uint64_t)r.name[3]);
    return h;
}

__attribute__((noinline)) static uint64_t sum_big(struct big b)
{
    uint64_t s = 0;
    for (int i = 0; i < 24; i++) {
        s = s * 31 + b.w[i];
    }
    for (int i = 0; i < 7; i++) {
        s = s * 7 + b.tail[i];
    }
    return s;
}

int main(void)
{
    printf("memory\n");
    uint64_t seed = 777, h = CHECK_INIT;
    for (unsigned i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)rnd(&seed);
    }
    /* Every size, signed and unsigned, at every aligned offset. */
    for (unsigned i = 0; i + 8 <= sizeof buf; i += 8) {
        uint8_t *p = buf + i;
        h = mix(h, *(uint8_t *)p + (uint64_t)(int64_t) * (int8_t *)(p + 1));
        h = mix(h, *(uint16_t *)(p + 2) + (uint64_t)(int64_t) * (int16_t *)(p + 4));
        h = mix(h, (uint64_t)(int64_t) * (int32_t *)p ^ *(uint32_t *)(p + 4));
        h = mix(h, *(uint64_t *)p);
    }
    printf("aligned loads: %016lx\n", h);

    /* Stores of every size, then read back as bytes. */
    for (unsigned i = 0; i + 16 <= sizeof buf; i += 16) {
        uint64_t x = rnd(&seed);
        *(uint8_t *)(buf + i) = (uint8_t)x;
        *(uint16_t *)(buf + i + 2) = (uint16_t)(x >> 8);
        *(uint32_t *)(buf + i + 4) = (uint32_t)(x >> 16);
        *(uint64_t *)(buf + i + 8) = x ^ (x << 13);
    }
    h = CHECK_INIT;
    for (unsigned i = 0; i < sizeof buf; i++) {
        h = mix(h, buf[i]);
    }
    printf("stores: %016lx\n", h);

    /* Unaligned values through byte arrays, at every offset. */
    h = CHECK_INIT;
    for (unsigned off = 0; off < 16; off++) {
        uint64_t x = rnd(&seed);
        store_le64(buf + 100 + off, x);
        store_be32(buf + 200 + off, (uint32_t)x);
        h = mix(h, load_le64(buf + 100 + off) ^ x);
        h = mix(h, load_le32(buf + 200 + off));
        h = mix(h, load_le64(buf + 3 * off + 1));
    }
    printf("unaligned: %016lx\n", h);

    /* Strided loops (post-indexed addressing) and register offsets with extension. */
    int16_t *s16 = (int16_t *)buf;
    int32_t *s32 = (int32_t *)buf;
    int64_t acc = 0;
    for (int i = 0; i < 2048; i++) {
        acc += s16[i];
    }
    for (int i = 2047; i >= 0; i -= 3) {
        acc ^= (int64_t)s16[i] << (i & 15);
    }
    for (unsigned i = 0; i < 1024; i++) {
        acc += s32[i ^ 5];
        acc -= (int8_t)buf[(uint8_t)(i * 7)];
    }
    int8_t *s8 = (int8_t *)buf;
    for (int i = -10; i < 10; i++) {
        acc = acc * 3 + s8[2000 + i];
    }
    printf("strided: %ld\n", acc);

    /* Struct copies: by assignment (memcpy), by value, arrays of structs. */
    struct rec recs[8];
    uint64_t hr = CHECK_INIT;
    for (int i = 0; i < 8; i++) {
        recs[i] = make_rec(rnd(&seed));
    }
    struct rec tmp = recs[0];
    for (int i = 0; i < 7; i++) {
        recs[i] = recs[i + 1];
    }
    recs[7] = tmp;
    for (int i = 0; i < 8; i++) {
        hr = mix(hr, sum_rec(recs[i]));
    }
    printf("records: %016lx %s %d %u\n", hr, recs[2].name, recs[3].s16, recs[4].u32);

    struct big b;
    for (int i = 0; i < 24; i++) {
        b.w[i] = rnd(&seed);
    }
    for (int i = 0; i < 7; i++) {
        b.tail[i] = (uint8_t)(i * 37);
    }
    struct big c = b;
    c.w[5] ^= 1;
    printf("big struct: %016lx %016lx\n", sum_big(b), sum_big(c));

    /* memset/memmove/memcmp on odd lengths and offsets. */
    memset(buf + 3, 0xa5, 61);
    memmove(buf + 10, buf + 1, 100);
    memmove(buf + 1, buf + 10, 100);
    memcpy(buf + 500, buf + 7, 333);
    h = CHECK_INIT;
    for (unsigned i = 0; i < 1024; i++) {
        h = mix(h, buf[i]);
    }
    printf("memset/memmove: %016lx %d\n", h, memcmp(buf + 500, buf + 7, 333));

    /* Volatile accesses are not merged or removed. */
    for (int i = 0; i < 4; i++) {
        sink = (uint64_t)i;
    }
    printf("sink: %lu\n", sink);
    printf("done\n");
    return 0;
}

/* Ordinary C for ObjdumpAgreementTest: compiled by aarch64-linux-gnu-gcc -O2 -ffreestanding
 * -nostdlib -mgeneral-regs-only -c, its instructions are disassembled by Levitate and by GNU
 * objdump and must read the same. The functions are chosen to draw out the aliases objdump
 * prefers (mov, cmp, tst, lsl/lsr/asr, ubfx/sbfx/bfi, uxtb/sxtw, cset/cinc/csetm, mul/mneg,
 * neg, mvn, ror, smull/umull) and the addressing modes. */
typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef short s16;
typedef unsigned char u8;
typedef signed char s8;

struct bits { u32 a : 3, b : 7, c : 12, d : 10; };
struct node { struct node *next; s64 key; u32 flags; u16 h; u8 b; s8 sb; };

u64 shifts(u64 x, u32 y, s64 z) { return (x << 7) ^ (x >> 13) ^ (u64)(z >> 3) ^ (y << 2) ^ (y >> 5); }
s32 sshift(s32 x) { return x >> 4; }
u64 ror64(u64 x) { return (x >> 17) | (x << 47); }
u32 ror32(u32 x) { return (x >> 9) | (x << 23); }
u32 extract(u32 x) { return (x >> 5) & 0x3ff; }
s64 sextract(s64 x) { return (x << 40) >> 52; }
u32 insert(struct bits *p, u32 v) { p->b = v; p->c = v >> 3; return p->a + p->d; }
u64 zext(u8 a, u16 b, u32 c) { return (u64)a + b + (u64)c; }
s64 sext(s8 a, s16 b, s32 c) { return (s64)a * 3 + b + (s64)c; }
int cmp(s64 a, s64 b) { return a < b; }
int cmpm(s64 a, s64 b) { return -(a == b); }
u64 cinc(u64 a, u64 b, u64 c) { return a > b ? c + 1 : c; }
u64 cinv(u64 a, u64 b, u64 c) { return a > b ? ~c : c; }
s64 cneg(s64 a) { return a < 0 ? -a : a; }
s64 csel(s64 a, s64 b, s64 c) { return a != 0 ? b : c; }
int tst(u64 a) { return (a & 0x80) != 0; }
int tstr(u64 a, u64 b) { return (a & b) == 0; }
int cmn(s64 a) { return a == -42; }
s64 mul(s64 a, s64 b) { return a * b; }
s64 mneg(s64 a, s64 b) { return -(a * b); }
s64 madd(s64 a, s64 b, s64 c) { return a * b + c; }
s64 msub(s64 a, s64 b, s64 c) { return c - a * b; }
s64 smull(s32 a, s32 b) { return (s64)a * b; }
u64 umull(u32 a, u32 b) { return (u64)a * b; }
s64 smaddl(s32 a, s32 b, s64 c) { return (s64)a * b + c; }
u64 umulh(u64 a, u64 b) { return (u64)(((unsigned __int128)a * b) >> 64); }
s64 smulh(s64 a, s64 b) { return (s64)(((__int128)a * b) >> 64); }
s64 divs(s64 a, s64 b) { return a / b + a % b; }
u64 divu(u64 a, u64 b) { return a / b + a % b; }
u32 divw(u32 a, u32 b) { return a / b; }
s64 neg(s64 a) { return -a; }
s32 negw(s32 a) { return -a; }
u64 mvn(u64 a) { return ~a; }
u64 bic(u64 a, u64 b) { return a & ~b; }
u64 orn(u64 a, u64 b) { return a | ~b; }
u64 eon(u64 a, u64 b) { return a ^ ~b; }
u64 consts(int i) {
    switch (i) {
    case 0: return 0x10000;
    case 1: return 0xffffffffffff0000UL;
    case 2: return 0x123456789abcdef0UL;
    case 3: return 0xff00ff00ff00ff00UL;
    case 4: return 0xfffffffffffffffeUL;
    case 5: return 0xffff;
    case 6: return 0x5555555555555555UL;
    case 7: return 0x100000000UL;
    default: return 42;
    }
}
u32 constw(int i) { return i ? 0xfffe : 0xffff0000u; }
u64 vshift(u64 a, u64 b, s64 c) { return (a << b) + (a >> (b & 63)) + (u64)(c >> b); }
u32 vshiftw(u32 a, u32 b) { return (a << b) | (a >> (32 - b)); }
u64 clz(u64 a) { return __builtin_clzl(a) + __builtin_ctzl(a); }
u32 clzw(u32 a) { return __builtin_clz(a) + __builtin_clrsb(a); }
u64 bswap(u64 a) { return __builtin_bswap64(a); }
u32 bswapw(u32 a) { return __builtin_bswap32(a); }
u16 bswaph(u16 a) { return __builtin_bswap16(a); }
s64 list_sum(struct node *n) {
    s64 s = 0;
    for (; n; n = n->next) {
        s += n->key + n->flags + n->h + n->b + n->sb;
    }
    return s;
}
void fill(struct node *n, s64 k) { n->key = k; n->flags = (u32)k; n->h = (u16)k; n->b = (u8)k; n->sb = (s8)k; n->next = 0; }
s64 idx(s64 *a, s32 i, u32 j, s64 k) { return a[i] + a[j] + a[k] + ((s32 *)a)[i] + ((s16 *)a)[j] + ((u8 *)a)[k]; }
void sidx(s64 *a, s32 i, u32 j, s64 k, s64 v) { a[i] = v; ((s32 *)a)[j] = (s32)v; ((s16 *)a)[k] = (s16)v; ((u8 *)a)[i] = (u8)v; }
s64 neg_off(s64 *a) { return a[-1] + a[-3] + ((s32 *)a)[-5] + ((u8 *)a)[-7] + a[4095] + ((s8 *)a)[3]; }
void copy(u64 *d, const u64 *s, long n) { for (long i = 0; i < n; i++) d[i] = s[i] + 1; }
void bcopy8(u8 *d, const u8 *s, long n) { while (n--) *d++ = *s++; }
s64 pairs(s64 *p) { return p[0] * p[1] - p[2] * p[3] + p[10] - p[11]; }
void spairs(s64 *p, s64 a, s64 b) { p[0] = a; p[1] = b; p[6] = b; p[7] = a; }
s32 wpairs(s32 *p) { return p[0] + p[1] + p[4] + p[5]; }
s64 ldpsw(s32 *p) { return (s64)p[2] + (s64)p[3]; }
extern s64 ext(s64, s64, s64, s64, s64, s64, s64, s64, s64, s64);
s64 calls(s64 a) { return ext(a, 1, 2, 3, 4, 5, 6, 7, 8, 9) + ext(a + 1, a * 2, 0, -1, a, a, a, a, a, a) + 5; }
s64 recurse(s64 n) { return n <= 1 ? 1 : n * recurse(n - 1) + recurse(n - 2); }
s64 big_frame(s64 n) { volatile s64 buf[600]; for (s64 i = 0; i < 600; i++) buf[i] = i * n; return buf[n & 511] + buf[599]; }
int branches(s64 a, u64 b, s32 c) {
    if (a > 100) return 1;
    if (b <= 7) return 2;
    if (c & 0x40) return 3;
    if (!(b & (1UL << 40))) return 4;
    if (a == 0) return 5;
    if (c != 0) return 6;
    if (b >= 0x1000000) return 7;
    return 8;
}
int sw(int i) {
    switch (i) {
    case 0: return 11; case 1: return 22; case 2: return 35; case 3: return 47;
    case 4: return 51; case 5: return 69; case 6: return 73; case 7: return 88;
    default: return -1;
    }
}
static const char msg[] = "levitate objdump corpus";
const char *str(int i) { return msg + i; }
s64 gvar;
s32 garr[64];
s64 globals(int i) { gvar += garr[i & 63]; return gvar; }
int ccmp(s64 a, s64 b, s64 c) { return a == 3 && (b > c || c == 17); }
int ccmn(s64 a, s64 b) { return a == -5 || b == -9; }
int atomics(long *p, long v, int *q) {
    long old = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
    long x = 0;
    __atomic_compare_exchange_n(p, &x, v, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE);
    __atomic_store_n(q, 7, __ATOMIC_RELEASE);
    return (int)old + __atomic_load_n(q, __ATOMIC_ACQUIRE) + __atomic_exchange_n(q, 3, __ATOMIC_RELAXED);
}
void barriers(volatile u32 *p) { __asm__ volatile("dmb ish" ::: "memory"); *p = 1; __asm__ volatile("dsb sy\n\tisb" ::: "memory"); }
u64 sysregs(void) { u64 v; __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v)); __asm__ volatile("msr tpidr_el0, %0" :: "r"(v + 1)); return v; }
u64 adds_flags(u64 a, u64 b, u64 *c) { u64 r; *c = __builtin_add_overflow(a, b, &r); return r; }
s64 subs_flags(s64 a, s64 b, int *c) { s64 r; *c = __builtin_sub_overflow(a, b, &r); return r; }
u64 popcnt(u64 a) { u64 n = 0; while (a) { a &= a - 1; n++; } return n; }
u64 bitfield_or(u64 a, u64 b) { return (a & ~0xff00UL) | ((b & 0xff) << 8); }
u32 bfxil(u32 a, u32 b) { return (a & ~0x1fu) | ((b >> 7) & 0x1f); }
s64 sbfiz(s32 a) { return (s64)a << 3; }
u64 ubfiz(u32 a) { return (u64)(a & 0xfff) << 4; }
u64 lsl_w(u8 a) { return (u64)a << 12; }
s64 abs_diff(s64 a, s64 b) { return a > b ? a - b : b - a; }
u64 ngc(u64 a, u64 b, u64 c, u64 d) { unsigned __int128 x = ((unsigned __int128)a << 64 | b); unsigned __int128 y = ((unsigned __int128)c << 64 | d); x = -x - y; return (u64)(x >> 64) ^ (u64)x; }
unsigned __int128 add128(unsigned __int128 a, unsigned __int128 b) { return a + b; }
unsigned __int128 sub128(unsigned __int128 a, unsigned __int128 b) { return a - b; }

/* The C corpus's runtime: see lib.h. */
#include "lib.h"

#define UART_DR ((volatile uint32_t *)0x09000000)

void uart_putc(int c)
{
    *UART_DR = (uint32_t)(c & 0xff);
}

void uart_puts(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

void semi_puts(const char *s)
{
    register uint64_t x0 __asm__("x0") = 0x04;   /* SYS_WRITE0 */
    register const char *x1 __asm__("x1") = s;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

/* Digits of v in base b, most significant first, into buf (reversed then fixed); returns length. */
static int utoa_base(uint64_t v, unsigned base, char *buf)
{
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        char t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
    }
    return n;
}

static void pad(int n, char c)
{
    while (n-- > 0) {
        uart_putc(c);
    }
}

/* %d %i %u %x %s %c %p %% with optional '-', '0', width, and 'l'/'ll'/'z' lengths. */
int vprintf(const char *fmt, va_list ap)
{
    int out = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            uart_putc(*fmt);
            out++;
            continue;
        }
        fmt++;
        int left = 0, zero = 0, width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '-') {
                left = 1;
            } else if (*fmt == '0') {
                zero = 1;
            } else {
                break;
            }
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        char buf[24];
        const char *s = buf;
        int len = 0, neg = 0;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t u = (uint64_t)v;
            if (v < 0) {
                neg = 1;
                u = 0 - u;
            }
            len = utoa_base(u, 10, buf);
            break;
        }
        case 'u':
            len = utoa_base(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, buf);
            break;
        case 'x':
            len = utoa_base(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, buf);
            break;
        case 'p':
            uart_puts("0x");
            out += 2;
            len = utoa_base((uint64_t)(uintptr_t)va_arg(ap, void *), 16, buf);
            break;
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            len = 1;
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            len = (int)strlen(s);
            break;
        case '%':
            buf[0] = '%';
            len = 1;
            break;
        case '\0':
            return out;
        default:
            buf[0] = '%';
            buf[1] = *fmt;
            len = 2;
            break;
        }
        int fill = width - len - neg;
        if (!left && !zero) {
            pad(fill, ' ');
        }
        if (neg) {
            uart_putc('-');
        }
        if (!left && zero) {
            pad(fill, '0');
        }
        for (int i = 0; i < len; i++) {
            uart_putc(s[i]);
        }
        if (left) {
            pad(fill, ' ');
        }
        out += len + neg + (fill > 0 ? fill : 0);
    }
    return out;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* GCC must not turn these loops back into calls to themselves. */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        for (; n >= 8; n -= 8, d += 8, s += 8) {
            *(uint64_t *)d = *(const uint64_t *)s;
        }
    }
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    if (((uintptr_t)d & 7) == 0) {
        uint64_t w = (unsigned char)c * 0x0101010101010101ULL;
        for (; n >= 8; n -= 8, d += 8) {
            *(uint64_t *)d = w;
        }
    }
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return p[i] - q[i];
        }
    }
    return 0;
}

NO_LIBCALL size_t strlen(const char *s)
{
    const char *p = s;
    while (*p) {
        p++;
    }
    return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

NO_LIBCALL char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++) != 0) {
    }
    return dst;
}

/* libgcc's population count: GCC calls it for __builtin_popcount* under -mgeneral-regs-only
 * (the CNT instruction is SIMD). */
int __popcountdi2(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

/* libgcc's parity, for __builtin_parity*. */
int __paritydi2(uint64_t x)
{
    return __popcountdi2(x) & 1;
}

/* The C corpus's little runtime: PL011 UART output, a small printf, semihosting output, and the
 * string functions GCC expects to exist even under -nostdlib (it emits memcpy/memset calls for
 * struct copies and array initialisers). */
#ifndef CORPUS_LIB_H
#define CORPUS_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void uart_putc(int c);
void uart_puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
void semi_puts(const char *s);   /* semihosting SYS_WRITE0 */
void _exit(int status) __attribute__((noreturn));

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *dst, const char *src);

/* A 64-bit checksum: FNV-1a over the value's eight bytes. */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define CHECK_INIT 0xcbf29ce484222325ULL

/* A deterministic pseudo-random sequence (xorshift64*). */
static inline uint64_t rnd(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* Hide a value from the optimiser so the operation is done at run time. */
#define OPAQUE(x) ({ __auto_type _v = (x); __asm__ volatile("" : "+r"(_v)); _v; })

#endif

/* String code: strlen/strcmp/strcpy, reversal in place, itoa/atoi in several bases, a word
 * counter, a hand-rolled strstr, and case conversion. Prints the strings themselves. */
#include "lib.h"

static void strrev(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
}

static char *itoa(int64_t v, char *out, int base)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = out;
    do {
        *p++ = digits[u % (unsigned)base];
        u /= (unsigned)base;
    } while (u);
    if (v < 0) {
        *p++ = '-';
    }
    *p = 0;
    strrev(out);
    return out;
}

static int64_t atoi_base(const char *s, int base)
{
    int neg = 0;
    int64_t v = 0;
    while (*s == ' ') {
        s++;
    }
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s; s++) {
        int d = *s >= 'a' ? *s - 'a' + 10 : *s - '0';
        if (d < 0 || d >= base) {
            break;
        }
        v = (int64_t)((uint64_t)v * (uint64_t)base + (uint64_t)d);
    }
    return neg ? -v : v;
}

static const char *find(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        if (memcmp(hay, needle, n) == 0) {
            return hay;
        }
    }
    return n == 0 ? hay : NULL;
}

static int words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t';
        if (!sp && !in) {
            n++;
        }
        in = !sp;
    }
    return n;
}

static const char *const samples[] = {
    "", "a", "ab", "hello, world", "The quick brown fox jumps over the lazy dog",
    "levitate", "levitation", "LEVITATE", "zzz", "aaaa\tbbb  ccc\n dd",
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

int main(void)
{
    char buf[128], tmp[128];
    printf("strings\n");
    for (unsigned i = 0; i < NSAMPLES; i++) {
        strcpy(buf, samples[i]);
        strrev(buf);
        for (char *p = buf; *p; p++) {
            if (*p == '\t' || *p == '\n') {
                *p = '_';
            }
        }
        printf("%2u len=%-3lu words=%d rev=\"%s\"\n", i, strlen(samples[i]), words(samples[i]), buf);
    }
    /* strcmp's sign between every pair */
    char signs[NSAMPLES * NSAMPLES + 1];
    for (unsigned i = 0; i < NSAMPLES; i++) {
        for (unsigned j = 0; j < NSAMPLES; j++) {
            int c = strcmp(samples[i], samples[j]);
            signs[i * NSAMPLES + j] = c < 0 ? '<' : c > 0 ? '>' : '=';
        }
    }
    signs[NSAMPLES * NSAMPLES] = 0;
    printf("strcmp: %s\n", signs);

    static const int64_t nums[] = {0, 1, -1, 42, -42, 255, 65535, 2147483647, -2147483648LL,
                                   0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1, 1000000007};
    uint64_t h = CHECK_INIT;
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        printf("%ld:", nums[i]);
        for (int base = 2; base <= 36; base += 7) {
            itoa(nums[i], tmp, base);
            printf(" %s", tmp);
            if (atoi_base(tmp, base) != nums[i]) {
                printf("(MISMATCH)");
            }
        }
        printf("\n");
    }
    for (int i = -5000; i < 5000; i += 7) {
        itoa((int64_t)i * i * i, tmp, 10);
        for (char *p = tmp; *p; p++) {
            h = mix(h, (uint64_t)*p);
        }
    }
    printf("itoa checksum: %016lx\n", h);

    const char *text = samples[4];
    const char *w[] = {"fox", "dog", "the", "The", "", "cat", "lazy dog", "g"};
    for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++) {
        const char *p = find(text, w[i]);
        printf("find(\"%s\") = %ld\n", w[i], p ? (long)(p - text) : -1L);
    }
    strcpy(buf, text);
    for (char *p = buf; *p; p++) {
        if (*p >= 'a' && *p <= 'z') {
            *p = (char)(*p - 32);
        } else if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p + 32);
        }
    }
    printf("swapcase: %s\n", buf);
    printf("chars: %c%c%c %5d|%-5d|%05d|%x|%8lx|\n", 'o', 'k', '!', 42, 42, -42, 0xbeefu, 0xcafeUL);
    printf("done\n");
    return 0;
}

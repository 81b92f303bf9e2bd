/* Sorting a pseudo-random array: quicksort, mergesort, insertion sort and heapsort on 64-bit,
 * 32-bit and 16-bit keys; each result is checked for order and checksummed. */
#include "lib.h"

#define N 3000
static int64_t a64[N], b64[N], tmp64[N];
static int32_t a32[N];
static uint16_t a16[N];

static void quicksort(int64_t *v, int lo, int hi)
{
    while (lo < hi) {
        int64_t pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i <= j) {
                int64_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
}

static void mergesort(int64_t *v, int64_t *t, int n)
{
    if (n < 2) {
        return;
    }
    int h = n / 2;
    mergesort(v, t, h);
    mergesort(v + h, t, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) {
        t[k++] = v[i] <= v[j] ? v[i++] : v[j++];
    }
    while (i < h) {
        t[k++] = v[i++];
    }
    while (j < n) {
        t[k++] = v[j++];
    }
    memcpy(v, t, (size_t)n * sizeof *v);
}

static void insertion32(int32_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static void sift(uint16_t *v, int i, int n)
{
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n) {
            return;
        }
        if (c + 1 < n && v[c + 1] > v[c]) {
            c++;
        }
        if (v[i] >= v[c]) {
            return;
        }
        uint16_t t = v[i];
        v[i] = v[c];
        v[c] = t;
        i = c;
    }
}

static void heapsort16(uint16_t *v, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--) {
        sift(v, i, n);
    }
    for (int e = n - 1; e > 0; e--) {
        uint16_t t = v[0];
        v[0] = v[e];
        v[e] = t;
        sift(v, 0, e);
    }
}

static int cmp_desc(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x < y) - (x > y);
}

/* A generic shell sort through a comparison function pointer, like qsort's interface. */
static void shellsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *b = base;
    unsigned char t[16];
    for (size_t gap = n / 2; gap > 0; gap /= 2) {
        for (size_t i = gap; i < n; i++) {
            memcpy(t, b + i * size, size);
            size_t j = i;
            while (j >= gap && cmp(b + (j - gap) * size, t) > 0) {
                memcpy(b + j * size, b + (j - gap) * size, size);
                j -= gap;
            }
            memcpy(b + j * size, t, size);
        }
    }
}

int main(void)
{
    printf("sort\n");
    uint64_t seed = 0xdeadbeef;
    for (int i = 0; i < N; i++) {
        a64[i] = (int64_t)rnd(&seed);
        if (i % 10 == 0) {
            a64[i] = a64[i] % 100;   /* duplicates and small values */
        }
        b64[i] = a64[i];
        a32[i] = (int32_t)a64[i];
        a16[i] = (uint16_t)(a64[i] >> 7);
    }
    quicksort(a64, 0, N - 1);
    mergesort(b64, tmp64, N);
    int bad = 0;
    uint64_t h = CHECK_INIT;
    for (int i = 0; i < N; i++) {
        if (a64[i] != b64[i] || (i && a64[i - 1] > a64[i])) {
            bad++;
        }
        h = mix(h, (uint64_t)a64[i] * (uint64_t)(i + 1));
    }
    printf("quicksort == mergesort: %s, out of order: %d\n", bad ? "no" : "yes", bad);
    printf("int64: min %ld median %ld max %ld checksum %016lx\n", a64[0], a64[N / 2], a64[N - 1], h);

    insertion32(a32, 1000);
    shellsort(a32 + 1000, N - 1000, sizeof(int32_t), cmp_desc);
    h = CHECK_INIT;
    bad = 0;
    for (int i = 0; i < N; i++) {
        if (i && i != 1000 && ((i < 1000) ? a32[i - 1] > a32[i] : a32[i - 1] < a32[i])) {
            bad++;
        }
        h = mix(h, (uint64_t)(uint32_t)a32[i]);
    }
    printf("int32: out of order %d, ends %d %d %d %d, checksum %016lx\n", bad, a32[0], a32[999], a32[1000], a32[N - 1], h);

    heapsort16(a16, N);
    h = CHECK_INIT;
    bad = 0;
    for (int i = 0; i < N; i++) {
        if (i && a16[i - 1] > a16[i]) {
            bad++;
        }
        h = mix(h, a16[i]);
    }
    printf("uint16: out of order %d, ends %u %u, checksum %016lx\n", bad, a16[0], a16[N - 1], h);
    printf("done\n");
    return 0;
}

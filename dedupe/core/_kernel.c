/* The per-character and per-shingle loops of dedupe.core.shingle,
 * dedupe.core.segment (sentences, the paragraphs of plain text),
 * dedupe.core.signature, dedupe.core.candidates (band keys, bucket
 * pairs), dedupe.core.structure and dedupe.core.verify, compiled: the
 * same arithmetic as the numpy and regular-expression implementations
 * (which stay the reference; tests compare the two exactly), in one pass
 * over each array or str instead of a dozen, and for a whole batch of
 * texts or spans per call.
 *
 * Every function takes its inputs and its preallocated outputs as objects
 * with the buffer protocol (numpy arrays) and returns a count, so no
 * numpy headers are needed. The constant tables (character classes,
 * position multipliers) are the Python modules' own, built from the same
 * Unicode properties as their regular expressions and passed in, so the
 * two implementations cannot drift apart.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define WORD 1
#define SINGLE 2
#define BOUNDARY 3
#define M1 0xFF51AFD7ED558CCDULL
#define M2 0xC4CEB9FE1A85EC53ULL
#define EMPTY 0xFFFFFFFFu
#define OPH_DIST 0x9E3779B9u
/* How many items ahead the loops over scattered memory fetch. */
#define AHEAD 8

/* Vectorized clones of the permutation and band loops where the compiler
 * and the platform support choosing one at load time; one generic build
 * elsewhere. With AVX-512 (x86-64-v4, which has 64-bit vector multiplies)
 * the 128 permutations of the 20 MB speed benchmark corpus's paragraphs
 * take 0.009 s and all its band keys 0.009 s; with AVX2 0.018 and 0.021 s. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && __GNUC__ >= 12
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MULTIVERSION
#endif

static inline uint64_t fmix64(uint64_t h) {
    h ^= h >> 33;
    h *= M1;
    h ^= h >> 33;
    h *= M2;
    return h ^ (h >> 33);
}

static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    return h ^ (h >> 16);
}

/* A buffer of at least ``count`` items of ``itemsize`` bytes, C-contiguous. */
static int get(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, int writable, const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    if (view->itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: expected items of %zd bytes, got %zd", name, itemsize, view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

#define N(view) ((view).len / (view).itemsize)

static void release(Py_buffer *views, int n) {
    for (int i = 0; i < n; i++)
        if (views[i].obj)
            PyBuffer_Release(&views[i]);
}

/* The word a tokenizer is in the middle of: the running sum of its
 * characters' hashes and its length. */
typedef struct {
    uint64_t acc, len;
    int in_word;
} tokenizer;

/* One character of class k: a WORD character extends the word, anything
 * else ends it (its hash goes to th[t]); a SINGLE character is a token of
 * its own. Returns the new number of tokens. */
static inline Py_ssize_t tok_step(tokenizer *z, uint32_t c, uint8_t k, const uint64_t *pw, uint64_t seed,
                                  uint64_t *th, Py_ssize_t t) {
    if (k == WORD) {
        z->acc += fmix64((uint64_t)c + seed) * pw[z->len & 63];
        z->len++;
        z->in_word = 1;
        return t;
    }
    if (z->in_word) {
        th[t++] = fmix64(z->acc + z->len * M2);
        z->acc = z->len = 0;
        z->in_word = 0;
    }
    if (k == SINGLE)
        th[t++] = fmix64(fmix64((uint64_t)c + seed) * pw[0] + M2);
    return t;
}

/* get() of the n objects o into v, items of size[i] bytes (8 for all when
 * size is NULL), writable from index out on; on failure every view is
 * released and -1 returned. */
static int get_all(PyObject *const *o, Py_buffer *v, int n, const Py_ssize_t *size, int out,
                   const char *const *names) {
    for (int i = 0; i < n; i++)
        if (get(o[i], &v[i], size ? size[i] : 8, i >= out, names[i]) < 0) {
            release(v, n);
            return -1;
        }
    return 0;
}

/* Whether offsets[0..n] fail to cut runs out of ``limit`` items: n < 0,
 * a start before 0, an end past ``limit``, or an offset below the one
 * before it. */
static int bad_offsets(const int64_t *off, Py_ssize_t n, Py_ssize_t limit) {
    if (n < 0 || off[0] < 0 || off[n] > limit)
        return 1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (off[i + 1] < off[i])
            return 1;
    return 0;
}

/* Whether one of index[0..count) names no item of 0..limit. */
static int bad_indices(const int64_t *index, Py_ssize_t count, Py_ssize_t limit) {
    for (Py_ssize_t i = 0; i < count; i++)
        if (index[i] < 0 || index[i] >= limit)
            return 1;
    return 0;
}

/* Whether a pair of pairs[0..2m) names no segment of 0..n_seg. */
static int bad_pairs(const int64_t *pairs, Py_ssize_t m, Py_ssize_t n_seg) {
    return bad_indices(pairs, 2 * m, n_seg);
}

/* tokens(cp, classes, char_pow, seed, th_out, tok_off_out) -> tokens
 *
 * cp: uint32 normalized code points of the texts joined by NUL (class
 * BOUNDARY). A token is one SINGLE character or a run of WORD characters;
 * its hash is fmix64(sum(fmix64(c + seed) * char_pow[pos & 63]) + len * M2)
 * (a character's hash is computed, not looked up: a 9 MB table of them
 * took a fifth of the library's import time and missed the cache).
 * tok_off_out[i] is the first token of text i (texts = NULs + 1, plus one
 * closing entry). th_out needs room for len(cp) hashes. */
static PyObject *tokens(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "OOOKOO", &o[0], &o[1], &o[2], &seed, &o[3], &o[4]))
        return NULL;
    static const Py_ssize_t size[5] = {4, 1, 8, 8, 8};
    static const char *names[5] = {"cp", "classes", "char_pow", "th_out", "tok_off_out"};
    if (get_all(o, v, 5, size, 3, names) < 0)
        return NULL;
    const uint32_t *cp = v[0].buf;
    const uint8_t *cls = v[1].buf;
    const uint64_t *pw = v[2].buf;
    uint64_t *th = v[3].buf;
    int64_t *off = v[4].buf;
    Py_ssize_t n = N(v[0]), n_cls = N(v[1]), room = N(v[4]);
    if (N(v[2]) < 64 || N(v[3]) < n || n_cls < 0x110000) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "tokens: a table or an output is too small");
        return NULL;
    }
    Py_ssize_t t = 0, text = 0, bad = 0;
    Py_BEGIN_ALLOW_THREADS
    if (room > 0)
        off[0] = 0;
    tokenizer z = {0, 0, 0};
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = cp[i];
        if (c >= 0x110000) {
            bad = 1;
            break;
        }
        uint8_t k = cls[c];
        t = tok_step(&z, c, k, pw, seed, th, t);
        if (k == BOUNDARY) {
            text++;
            if (text < room)
                off[text] = t;
        }
    }
    t = tok_step(&z, 0, BOUNDARY, pw, seed, th, t);
    if (text + 1 < room)
        off[text + 1] = t;
    Py_END_ALLOW_THREADS
    release(v, 5);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "tokens: a code point beyond U+10FFFF");
        return NULL;
    }
    if (text + 2 != room) {
        PyErr_Format(PyExc_ValueError, "tokens: %zd texts but room for %zd offsets", text + 1, room);
        return NULL;
    }
    return PyLong_FromSsize_t(t);
}

/* The n-grams of one run of len >= ngram tokens, into out; their count
 * (a shorter text's one shingle is the run's only n-gram with ngram =
 * len). Each n-gram is independent of the others, so they are computed
 * in vectors (trigrams, the scan's, written out). */
MULTIVERSION
static Py_ssize_t gram_run(const uint64_t *restrict th, Py_ssize_t len, const uint64_t *restrict mul,
                           Py_ssize_t ngram, uint64_t *restrict out) {
    Py_ssize_t m = len - ngram + 1;
    if (ngram == 3) {
        uint64_t m0 = mul[0], m1 = mul[1], m2 = mul[2];
        for (Py_ssize_t i = 0; i < m; i++)
            out[i] = fmix64(th[i] * m0 + th[i + 1] * m1 + th[i + 2] * m2);
        return m;
    }
    for (Py_ssize_t i = 0; i < m; i++) {
        uint64_t h = 0;
        for (Py_ssize_t k = 0; k < ngram; k++)
            h += th[i + k] * mul[k];
        out[i] = fmix64(h);
    }
    return m;
}

/* ngrams(th, tok_off, gram_mul, ngram, out, out_off) -> shingles
 *
 * Each text's windows of ngram tokens, sum(th[i+k] * gram_mul[k]); a text
 * of 1..ngram-1 tokens gets one shingle of all of them, an empty text
 * none; every value then goes through fmix64. out needs room for as many
 * values as there are tokens; out_off for texts + 1. */
static PyObject *ngrams(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    Py_ssize_t ngram;
    if (!PyArg_ParseTuple(args, "OOOnOO", &o[0], &o[1], &o[2], &ngram, &o[3], &o[4]))
        return NULL;
    static const char *names[5] = {"th", "tok_off", "gram_mul", "out", "out_off"};
    if (get_all(o, v, 5, NULL, 3, names) < 0)
        return NULL;
    const uint64_t *th = v[0].buf;
    const int64_t *off = v[1].buf;
    const uint64_t *mul = v[2].buf;
    uint64_t *out = v[3].buf;
    int64_t *out_off = v[4].buf;
    Py_ssize_t n_texts = N(v[1]) - 1;
    if (ngram < 1 || ngram > N(v[2]) || n_texts < 0 || N(v[4]) != n_texts + 1 || N(v[3]) < N(v[0]) ||
        (n_texts >= 0 && N(v[1]) > 0 && off[n_texts] > N(v[0]))) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "ngrams: inconsistent sizes");
        return NULL;
    }
    Py_ssize_t g = 0;
    Py_BEGIN_ALLOW_THREADS
    out_off[0] = 0;
    for (Py_ssize_t s = 0; s < n_texts; s++) {
        Py_ssize_t len = (Py_ssize_t)(off[s + 1] - off[s]);
        if (len > 0)
            g += gram_run(th + off[s], len, mul, len < ngram ? len : ngram, out + g);
        out_off[s + 1] = g;
    }
    Py_END_ALLOW_THREADS
    release(v, 5);
    return PyLong_FromSsize_t(g);
}

/* Permutations taken together over a segment's shingles: their minima
 * stay in registers while every shingle goes by, instead of a row of
 * 128 minima loaded and stored again for each shingle (0.033 s for the
 * paragraphs of the 20 MB speed benchmark corpus, 0.018 s blocked, with
 * 256-bit vectors either way). */
#define PERM_BLOCK 64

MULTIVERSION
static void minhash_rows(const uint64_t *restrict hashes, const int64_t *restrict off, Py_ssize_t n,
                         const uint32_t *restrict a, const uint32_t *restrict b, Py_ssize_t k,
                         uint32_t *restrict out, uint32_t *restrict mixed) {
    for (Py_ssize_t s = 0; s < n; s++) {
        uint32_t *row = out + s * k;
        Py_ssize_t len = (Py_ssize_t)(off[s + 1] - off[s]);
        for (Py_ssize_t i = 0; i < len; i++)
            mixed[i] = fmix32((uint32_t)hashes[off[s] + i]);
        Py_ssize_t p0 = 0;
        for (; p0 + PERM_BLOCK <= k; p0 += PERM_BLOCK) {
            uint32_t low[PERM_BLOCK];
            for (int p = 0; p < PERM_BLOCK; p++)
                low[p] = EMPTY;
            for (Py_ssize_t i = 0; i < len; i++) {
                uint32_t h = mixed[i];
                for (int p = 0; p < PERM_BLOCK; p++) {
                    uint32_t x = a[p0 + p] * h + b[p0 + p];
                    low[p] = x < low[p] ? x : low[p];
                }
            }
            memcpy(row + p0, low, sizeof low);
        }
        for (Py_ssize_t p = p0; p < k; p++) {
            uint32_t m = EMPTY;
            for (Py_ssize_t i = 0; i < len; i++) {
                uint32_t x = a[p] * mixed[i] + b[p];
                m = x < m ? x : m;
            }
            row[p] = m;
        }
    }
}

/* minhash(hashes, offsets, a, b, out) -> rows
 *
 * datasketch's affine32 MinHash: for each segment and permutation p, the
 * minimum over its shingles of a[p] * fmix32(low 32 bits) + b[p] modulo
 * 2**32; 0xFFFFFFFF for a segment without shingles. out: (rows, len(a)). */
static PyObject *minhash(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    if (!PyArg_ParseTuple(args, "OOOOO", &o[0], &o[1], &o[2], &o[3], &o[4]))
        return NULL;
    static const Py_ssize_t size[5] = {8, 8, 4, 4, 4};
    static const char *names[5] = {"hashes", "offsets", "a", "b", "out"};
    if (get_all(o, v, 5, size, 4, names) < 0)
        return NULL;
    const int64_t *off = v[1].buf;
    Py_ssize_t n = N(v[1]) - 1, k = N(v[2]);
    if (n < 0 || N(v[3]) != k || N(v[4]) != n * k || off[n] > N(v[0]) || off[0] < 0) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "minhash: inconsistent sizes");
        return NULL;
    }
    Py_ssize_t longest = 1;
    for (Py_ssize_t s = 0; s < n; s++)
        if (off[s + 1] - off[s] > longest)
            longest = (Py_ssize_t)(off[s + 1] - off[s]);
    uint32_t *mixed = PyMem_RawMalloc((size_t)longest * sizeof(uint32_t));
    if (mixed == NULL) {
        release(v, 5);
        return PyErr_NoMemory();
    }
    Py_BEGIN_ALLOW_THREADS
    minhash_rows(v[0].buf, off, n, v[2].buf, v[3].buf, k, v[4].buf, mixed);
    Py_END_ALLOW_THREADS
    PyMem_RawFree(mixed);
    release(v, 5);
    return PyLong_FromSsize_t(n);
}

/* The bands of each row side by side, one row of the band at a time, so
 * that the bands' hashes are computed in vectors (0.029 s for the 20 MB
 * speed benchmark corpus band by band, 0.021 s so with AVX2). */
MULTIVERSION
static void band_rows(const uint32_t *restrict sig, Py_ssize_t n, Py_ssize_t k, Py_ssize_t bands, Py_ssize_t rows,
                      uint64_t *restrict out) {
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint32_t *row = sig + i * k;
        uint64_t *key = out + i * bands;
        for (Py_ssize_t b = 0; b < bands; b++)
            key[b] = 0;
        for (Py_ssize_t r = 0; r < rows; r++)
            for (Py_ssize_t b = 0; b < bands; b++)
                key[b] = fmix64(key[b] ^ (uint64_t)row[b * rows + r] ^ (uint64_t)(r + 1));
        for (Py_ssize_t b = 0; b < bands; b++)
            key[b] ^= (uint64_t)b * 0x9E3779B97F4A7C15ULL;
    }
}

MULTIVERSION
static void min_rows(const uint32_t *restrict sig, const int64_t *restrict counts, Py_ssize_t groups,
                     Py_ssize_t k, uint32_t *restrict out) {
    const uint32_t *row = sig;
    for (Py_ssize_t g = 0; g < groups; g++) {
        uint32_t *o = out + g * k;
        for (Py_ssize_t p = 0; p < k; p++)
            o[p] = EMPTY;
        for (int64_t r = 0; r < counts[g]; r++, row += k)
            for (Py_ssize_t p = 0; p < k; p++)
                o[p] = row[p] < o[p] ? row[p] : o[p];
    }
}

/* union_signatures(sig, counts, out) -> groups
 *
 * sig: (n, k) uint32 signatures, taken counts[g] rows at a time (the
 * counts sum to n); out: (groups, k), each group's element-wise minimum,
 * the MinHash of the union of its sets (all 0xFFFFFFFF for a group of no
 * rows). numpy's minimum.reduceat over rows took 0.25 ms a batch of the
 * 20 MB speed benchmark corpus, 2 % of a scan. */
static PyObject *union_signatures(PyObject *self, PyObject *args) {
    PyObject *o[3];
    Py_buffer v[3] = {{0}};
    if (!PyArg_ParseTuple(args, "OOO", &o[0], &o[1], &o[2]))
        return NULL;
    static const Py_ssize_t size[3] = {4, 8, 4};
    static const char *names[3] = {"sig", "counts", "out"};
    if (get_all(o, v, 3, size, 2, names) < 0)
        return NULL;
    const int64_t *counts = v[1].buf;
    Py_ssize_t groups = N(v[1]), k = groups > 0 ? N(v[2]) / groups : 0, rows = 0;
    int bad = groups > 0 && N(v[2]) != groups * k;
    for (Py_ssize_t g = 0; !bad && g < groups; g++) {
        bad = counts[g] < 0;
        rows += counts[g];
    }
    if (bad || (groups > 0 && N(v[0]) != rows * k) || (groups == 0 && N(v[0]) != 0)) {
        release(v, 3);
        PyErr_SetString(PyExc_ValueError, "union_signatures: inconsistent sizes");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    min_rows(v[0].buf, counts, groups, k, v[2].buf);
    Py_END_ALLOW_THREADS
    release(v, 3);
    return PyLong_FromSsize_t(groups);
}

/* band_keys(sig, bands, rows, out) -> rows of sig
 *
 * sig: (n, k) uint32 signatures, k >= bands * rows; out: (n, bands)
 * uint64. Band b of a row is fmix64 folded over its rows r of
 * key ^ sig[b * rows + r] ^ (r + 1), from key 0, then xor b times the
 * golden ratio, so that different bands never collide. */
static PyObject *band_keys(PyObject *self, PyObject *args) {
    PyObject *o[2];
    Py_buffer v[2] = {{0}};
    Py_ssize_t bands, rows;
    if (!PyArg_ParseTuple(args, "OnnO", &o[0], &bands, &rows, &o[1]))
        return NULL;
    if (get(o[0], &v[0], 4, 0, "sig") < 0 || get(o[1], &v[1], 8, 1, "out") < 0) {
        release(v, 2);
        return NULL;
    }
    Py_ssize_t n = bands > 0 ? N(v[1]) / bands : 0;
    Py_ssize_t k = n > 0 ? N(v[0]) / n : 0;
    if (bands < 1 || rows < 1 || N(v[1]) != n * bands || (n > 0 && (N(v[0]) != n * k || k < bands * rows))) {
        release(v, 2);
        PyErr_SetString(PyExc_ValueError, "band_keys: inconsistent sizes");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    band_rows(v[0].buf, n, k, bands, rows, v[1].buf);
    Py_END_ALLOW_THREADS
    release(v, 2);
    return PyLong_FromSsize_t(n);
}

/* The pairs of one bucket of distinct, increasing members m[0..s): all of
 * them when s <= max_bucket, else each member with the first ``reach``
 * members and, when reach > 1, with its predecessor. Written to out as
 * lo * span + hi when out is not NULL; the count is returned. */
static Py_ssize_t bucket(const int64_t *m, Py_ssize_t s, Py_ssize_t max_bucket, Py_ssize_t reach,
                         int64_t span, int64_t *out) {
    Py_ssize_t c = 0;
    Py_ssize_t heads = s <= max_bucket ? s - 1 : (reach < s - 1 ? reach : s - 1);
    for (Py_ssize_t h = 0; h < heads; h++)
        for (Py_ssize_t k = h + 1; k < s; k++, c++)
            if (out)
                out[c] = m[h] * span + m[k];
    if (s > max_bucket && reach > 1)
        for (Py_ssize_t k = 0; k + 1 < s; k++, c++)
            if (out)
                out[c] = m[k] * span + m[k + 1];
    return c;
}

/* later_pairs(keys, span, group, allowed, names, out) -> kept
 *
 * For each pair key i * span + j (keys ascending, i < j < span): when
 * group[i] != group[j] and allowed[j], the row (names[j], names[i]) of
 * int32 out (room for a row per key), in the keys' order. Returns the
 * rows written. out may be the keys' own buffer: row n is written after
 * key n is read, over it, and no later key is. i is followed as the keys
 * rise instead of divided out. */
static PyObject *later_pairs(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    long long span;
    if (!PyArg_ParseTuple(args, "OLOOOO", &o[0], &span, &o[1], &o[2], &o[3], &o[4]))
        return NULL;
    static const Py_ssize_t size[5] = {8, 8, 1, 8, 4};
    static const char *names[5] = {"keys", "group", "allowed", "names", "out"};
    if (get_all(o, v, 5, size, 4, names) < 0)
        return NULL;
    const int64_t *keys = v[0].buf, *group = v[1].buf, *name = v[3].buf;
    const uint8_t *allowed = v[2].buf;
    int32_t *out = v[4].buf;
    Py_ssize_t m = N(v[0]);
    int bad = span < 1 || span > INT32_MAX || N(v[1]) < span || N(v[2]) < span || N(v[3]) < span
              || N(v[4]) < 2 * m;
    Py_ssize_t n = 0;
    Py_BEGIN_ALLOW_THREADS
    int64_t i = 0, base = 0, last = (int64_t)span * span;
    for (Py_ssize_t p = 0; !bad && p < m; p++) {
        int64_t key = keys[p];  /* read once: its row may be written over it */
        /* The later members' entries lie anywhere: fetched some keys
         * ahead, taken to share this key's i (most do). */
        if (p + AHEAD < m) {
            int64_t ahead = keys[p + AHEAD] - base;
            if (ahead >= 0 && ahead < span) {
                __builtin_prefetch(group + ahead);
                __builtin_prefetch(name + ahead);
            }
        }
        if (key < base || key >= last) {
            bad = 1;  /* descending, or past the last pair */
            break;
        }
        while (key - base >= span) {
            i++;
            base += span;
        }
        int64_t j = key - base;
        if (j <= i || name[i] < 0 || name[i] > INT32_MAX || name[j] < 0 || name[j] > INT32_MAX) {
            bad = 1;
            break;
        }
        if (group[i] != group[j] && allowed[j]) {
            out[2 * n] = (int32_t)name[j];
            out[2 * n + 1] = (int32_t)name[i];
            n++;
        }
    }
    Py_END_ALLOW_THREADS
    release(v, 5);
    if (bad) {
        PyErr_SetString(PyExc_ValueError,
                        "later_pairs: keys not ascending pairs i < j < span, a name past int32, or a table too small");
        return NULL;
    }
    return PyLong_FromSsize_t(n);
}

/* pack_keys(column, rows, members, tag, shift, out) -> rows
 *
 * out[k] = ((tag << 32 | column[rows[k]]) << shift) | member k, for the
 * uint32 keys of one band: the sort key of bucket_pairs. Member k is
 * members[k] (uint32 or uint64), or k when members is empty. One pass,
 * where numpy took four and a temporary the size of the band. */
static PyObject *pack_keys(PyObject *self, PyObject *args) {
    PyObject *o[4];
    Py_buffer v[4] = {{0}};
    unsigned long long tag;
    Py_ssize_t shift;
    if (!PyArg_ParseTuple(args, "OOOKnO", &o[0], &o[1], &o[2], &tag, &shift, &o[3]))
        return NULL;
    static const char *names[4] = {"column", "rows", "members", "out"};
    Py_buffer *col = &v[0], *rw = &v[1], *mb = &v[2], *ov = &v[3];
    if (get(o[0], col, 4, 0, names[0]) < 0)
        return NULL;
    if (get(o[1], rw, 8, 0, names[1]) < 0 || PyObject_GetBuffer(o[2], mb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0
        || get(o[3], ov, 8, 1, names[3]) < 0) {
        release(v, 4);
        return NULL;
    }
    const uint32_t *column = col->buf;
    const int64_t *rows = rw->buf;
    uint64_t *out = ov->buf;
    Py_ssize_t n = N(*rw), n_col = N(*col), width = mb->len ? mb->itemsize : 0;
    int tag_bits = tag ? 64 - __builtin_clzll(tag) : 0;
    int bad = shift < 0 || 32 + tag_bits + shift > 64 || N(*ov) < n || (width && width != 4 && width != 8)
              || (width && N(*mb) < n);
    const uint32_t *m32 = mb->buf;
    const uint64_t *m64 = mb->buf;
    Py_BEGIN_ALLOW_THREADS
    uint64_t high = tag << 32;
    for (Py_ssize_t k = 0; !bad && k < n; k++) {
        uint64_t member = width == 4 ? m32[k] : width == 8 ? m64[k] : (uint64_t)k;
        if (rows[k] < 0 || rows[k] >= n_col || (shift < 64 && member >> shift)) {
            bad = 1;
            break;
        }
        out[k] = ((high | column[rows[k]]) << shift) | member;
    }
    Py_END_ALLOW_THREADS
    release(v, 4);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "pack_keys: bad arguments, a row out of range or a member past shift bits");
        return NULL;
    }
    return PyLong_FromSsize_t(n);
}

/* bucket_pairs(keys, shift, members, max_bucket, reach, span, scratch, out) -> pairs
 *
 * Items sorted by label, then member: with an empty members, keys are
 * the uint64 values label << shift | member; else keys are the labels
 * (shift 0) and members the members. Members sharing a label form a
 * bucket (a member listed twice counts once); the pairs of each bucket
 * (see bucket()) go to out as lo * span + hi, bucket by bucket, repeats
 * across buckets included. scratch: int64, room for len(keys). The count
 * of all pairs is returned; they are all in out only when it has room for
 * them (an empty out: none written, only counted). */
static PyObject *bucket_pairs(PyObject *self, PyObject *args) {
    PyObject *o[4];
    Py_buffer v[4] = {{0}};
    Py_ssize_t shift, max_bucket, reach;
    long long span;
    if (!PyArg_ParseTuple(args, "OnOnnLOO", &o[0], &shift, &o[1], &max_bucket, &reach, &span, &o[2], &o[3]))
        return NULL;
    static const char *names[4] = {"keys", "members", "scratch", "out"};
    if (get_all(o, v, 4, NULL, 2, names) < 0)
        return NULL;
    Py_ssize_t n = N(v[0]);
    int given = N(v[1]) > 0;
    if (shift < 0 || shift > 63 || (given && (shift || N(v[1]) != n)) || max_bucket < 1 || reach < 1 ||
        span < 1 || N(v[2]) < n) {
        release(v, 4);
        PyErr_SetString(PyExc_ValueError, "bucket_pairs: bad arguments");
        return NULL;
    }
    const uint64_t *keys = v[0].buf;
    const int64_t *members = v[1].buf;
    int64_t *m = v[2].buf, *out = N(v[3]) > 0 ? v[3].buf : NULL;
    uint64_t mask = (shift ? (1ULL << shift) : 1ULL) - 1;
    Py_ssize_t total = 0, cap = N(v[3]);
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t i = 0;
    while (i < n) {
        uint64_t label = keys[i] >> shift;
        Py_ssize_t s = 0;
        for (; i < n && keys[i] >> shift == label; i++) {
            int64_t member = given ? members[i] : (int64_t)(keys[i] & mask);
            if (s == 0 || member != m[s - 1])
                m[s++] = member;
        }
        Py_ssize_t c = bucket(m, s, max_bucket, reach, span, NULL);
        if (out && c && total + c <= cap)
            bucket(m, s, max_bucket, reach, span, out + total);
        total += c;
    }
    Py_END_ALLOW_THREADS
    release(v, 4);
    return PyLong_FromSsize_t(total);
}

/* Fill empty bins from the next non-empty bin to the right, circularly,
 * mixed with the distance: fmix32(donor + distance * OPH_DIST). */
static void densify(uint32_t *row, uint8_t *empty, Py_ssize_t k) {
    Py_ssize_t first = -1;
    for (Py_ssize_t j = 0; j < k; j++)
        if (!empty[j]) {
            first = j;
            break;
        }
    if (first < 0)
        return;
    /* Walking right to left, ``next`` is the nearest non-empty bin at or
     * after j, or the first one plus k past the last. */
    Py_ssize_t next = first + k;
    for (Py_ssize_t j = k - 1; j >= 0; j--) {
        if (!empty[j]) {
            next = j;
            continue;
        }
        uint32_t donor = row[next % k];
        row[j] = fmix32(donor + (uint32_t)(next - j) * OPH_DIST);
    }
}

/* minhash_oph(hashes, offsets, multiplier, out) -> rows
 *
 * Densified one-permutation MinHash: h = hash * multiplier; bin
 * ((h >> 32) * k) >> 32 keeps the minimum of the low 32 bits. out:
 * (rows, k). */
static PyObject *minhash_oph(PyObject *self, PyObject *args) {
    PyObject *o[3];
    Py_buffer v[3] = {{0}};
    unsigned long long mult;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "OOKnO", &o[0], &o[1], &mult, &k, &o[2]))
        return NULL;
    static const Py_ssize_t size[3] = {8, 8, 4};
    static const char *names[3] = {"hashes", "offsets", "out"};
    if (get_all(o, v, 3, size, 2, names) < 0)
        return NULL;
    const uint64_t *hashes = v[0].buf;
    const int64_t *off = v[1].buf;
    uint32_t *out = v[2].buf;
    Py_ssize_t n = N(v[1]) - 1;
    if (k < 1 || n < 0 || N(v[2]) != n * k || off[n] > N(v[0]) || off[0] < 0) {
        release(v, 3);
        PyErr_SetString(PyExc_ValueError, "minhash_oph: inconsistent sizes");
        return NULL;
    }
    uint8_t *empty = PyMem_Malloc((size_t)k);
    if (!empty) {
        release(v, 3);
        return PyErr_NoMemory();
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t s = 0; s < n; s++) {
        uint32_t *row = out + s * k;
        for (Py_ssize_t p = 0; p < k; p++)
            row[p] = EMPTY;
        if (off[s + 1] == off[s])
            continue;
        for (int64_t i = off[s]; i < off[s + 1]; i++) {
            uint64_t h = hashes[i] * (uint64_t)mult;
            uint64_t bin = ((h >> 32) * (uint64_t)k) >> 32;
            uint32_t x = (uint32_t)h;
            if (x < row[bin])
                row[bin] = x;
        }
        /* A real minimum of 0xFFFFFFFF counts as empty, as in numpy. */
        int any = 0;
        for (Py_ssize_t p = 0; p < k; p++) {
            empty[p] = row[p] == EMPTY;
            any |= empty[p];
        }
        if (any)
            densify(row, empty, k);
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(empty);
    release(v, 3);
    return PyLong_FromSsize_t(n);
}

/* A table of one byte per code point: 0, or -1 with an exception set. */
static int code_point_table(PyObject *table, const char *fn, Py_buffer *v) {
    if (get(table, v, 1, 0, "table") < 0)
        return -1;
    if (N(*v) < 0x110000) {
        PyBuffer_Release(v);
        PyErr_Format(PyExc_ValueError, "%s: the table is too small", fn);
        return -1;
    }
    return 0;
}

/* The (str, table) arguments of script_counts and prose_counts. */
static int str_and_table(PyObject *args, const char *fn, PyObject **text, Py_buffer *v) {
    PyObject *table;
    if (!PyArg_ParseTuple(args, "UO", text, &table))
        return -1;
    return code_point_table(table, fn, v);
}

/* Runs of class-1 characters (words; a class-2 character ends one) and
 * class-2 characters (counted one by one) of text[a:b). */
static void count_scripts(PyObject *text, int64_t a, int64_t b, const uint8_t *cls, int64_t *words,
                          int64_t *wide) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int64_t w = 0, x = 0;
    int in_word = 0;
    for (int64_t i = a; i < b; i++) {
        uint8_t k = cls[PyUnicode_READ(kind, data, i)];
        w += k == 1 && !in_word;
        x += k == 2;
        in_word = k == 1;
    }
    *words = w;
    *wide = x;
}

/* script_counts(text, classes) -> (words, wide)
 *
 * On the characters of a str as they are (no normalization): runs of
 * class-1 characters (words; a class-2 character ends one) and class-2
 * characters (the space-less scripts, counted one by one). */
static PyObject *script_counts(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer v = {0};
    if (str_and_table(args, "script_counts", &text, &v) < 0)
        return NULL;
    int64_t words = 0, wide = 0;
    count_scripts(text, 0, PyUnicode_GET_LENGTH(text), v.buf, &words, &wide);
    PyBuffer_Release(&v);
    return Py_BuildValue("LL", (long long)words, (long long)wide);
}

/* texts[d], a str with 0 <= a <= b <= its length; NULL with an exception
 * set when it is not. */
static PyObject *span_text(PyObject *texts, int64_t d, int64_t a, int64_t b) {
    if (d < 0 || d >= PyList_GET_SIZE(texts)) {
        PyErr_SetString(PyExc_IndexError, "a span of no text");
        return NULL;
    }
    PyObject *text = PyList_GET_ITEM(texts, d);
    if (!PyUnicode_Check(text) || a < 0 || a > b || b > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "a span outside its text");
        return NULL;
    }
    return text;
}

/* A span's characters as dedupe.corpus.boilerplate.mask_all and then
 * dedupe.core.shingle.normalized_code_points see them before their
 * tables: each run of digits one '0'. (They make NUL a space; NUL's class
 * ends a token as a space's does, and neither is unsafe, so it stays.) */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t i, end;
    int prev_digit;
} masked_iter;

static inline masked_iter masked_span(PyObject *text, int64_t a, int64_t b) {
    masked_iter it = {PyUnicode_KIND(text), PyUnicode_DATA(text), (Py_ssize_t)a, (Py_ssize_t)b, 0};
    return it;
}

/* The next such character, -1 at the end of the span. */
static inline int64_t masked_next(masked_iter *it, const uint8_t *digit) {
    while (it->i < it->end) {
        Py_UCS4 c = PyUnicode_READ(it->kind, it->data, it->i);
        it->i++;
        if (digit[c]) {
            if (it->prev_digit)
                continue;
            it->prev_digit = 1;
            return '0';
        }
        it->prev_digit = 0;
        return (int64_t)c;
    }
    return -1;
}

/* Checked spans: (texts, doc, starts, ends) with three int64 arrays of one length. */
typedef struct {
    PyObject *texts;
    const int64_t *doc, *starts, *ends;
    Py_ssize_t n;
} spans;

static int get_spans(PyObject *texts, PyObject **o, Py_buffer *v, spans *out) {
    static const char *names[3] = {"doc", "starts", "ends"};
    if (get_all(o, v, 3, NULL, 3, names) < 0)
        return -1;
    out->texts = texts;
    out->doc = v[0].buf;
    out->starts = v[1].buf;
    out->ends = v[2].buf;
    out->n = N(v[0]);
    if (N(v[1]) != out->n || N(v[2]) != out->n) {
        PyErr_SetString(PyExc_ValueError, "spans: doc, starts and ends differ in length");
        return -1;
    }
    for (Py_ssize_t i = 0; i < out->n; i++)
        if (span_text(texts, out->doc[i], out->starts[i], out->ends[i]) == NULL)
            return -1;
    return 0;
}

/* masked_unsafe(texts, doc, starts, ends, digit, unsafe, out) -> spans flagged
 *
 * out[i] = 1 when span i, masked, holds a character that the unsafe
 * table says needs the full Unicode normalization. */
static PyObject *masked_unsafe(PyObject *self, PyObject *args) {
    PyObject *texts, *o[6];
    Py_buffer v[6] = {{0}};
    spans sp;
    if (!PyArg_ParseTuple(args, "O!OOOOOO", &PyList_Type, &texts, &o[0], &o[1], &o[2], &o[3], &o[4], &o[5]))
        return NULL;
    if (get_spans(texts, o, v, &sp) < 0 || get(o[3], &v[3], 1, 0, "digit") < 0 ||
        get(o[4], &v[4], 1, 0, "unsafe") < 0 || get(o[5], &v[5], 1, 1, "out") < 0) {
        release(v, 6);
        return NULL;
    }
    if (N(v[3]) < 0x110000 || N(v[4]) < 0x110000 || N(v[5]) != sp.n) {
        release(v, 6);
        PyErr_SetString(PyExc_ValueError, "masked_unsafe: a table or the output is too small");
        return NULL;
    }
    const uint8_t *digit = v[3].buf, *unsafe = v[4].buf;
    uint8_t *out = v[5].buf;
    Py_ssize_t flagged = 0;
    for (Py_ssize_t i = 0; i < sp.n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, sp.doc[i]);
        masked_iter it = masked_span(text, sp.starts[i], sp.ends[i]);
        int64_t c;
        out[i] = 0;
        while ((c = masked_next(&it, digit)) >= 0)
            if (unsafe[c]) {
                out[i] = 1;
                flagged++;
                break;
            }
    }
    release(v, 6);
    return PyLong_FromSsize_t(flagged);
}

/* span_tokens(texts, doc, starts, ends, repl, digit, mapped, classes, char_pow, seed, th_out, tok_off_out) -> tokens
 *
 * The token hashes of every span, as dedupe.core.shingle.token_stream
 * gives them for the masked spans (boilerplate.mask_all): each character
 * masked (masked_next), mapped through the normalization table and
 * tokenized, in one pass without building a str. A span whose repl[i] is
 * a str (its masked text fully normalized, for the few that need it) is
 * tokenized from that instead. tok_off_out: spans + 1 offsets; th_out:
 * room for as many hashes as the spans (and replacements) have characters. */
static PyObject *span_tokens(PyObject *self, PyObject *args) {
    PyObject *texts, *repl, *o[9];
    Py_buffer v[9] = {{0}};
    unsigned long long seed;
    spans sp;
    if (!PyArg_ParseTuple(args, "O!OOOO!OOOOKOO", &PyList_Type, &texts, &o[0], &o[1], &o[2], &PyList_Type, &repl,
                          &o[3], &o[4], &o[5], &o[6], &seed, &o[7], &o[8]))
        return NULL;
    static const Py_ssize_t size[6] = {1, 4, 1, 8, 8, 8};
    static const char *names[6] = {"digit", "mapped", "classes", "char_pow", "th_out", "tok_off_out"};
    if (get_spans(texts, o, v, &sp) < 0 || get_all(o + 3, v + 3, 6, size, 4, names) < 0) {
        release(v, 9);
        return NULL;
    }
    if (N(v[3]) < 0x110000 || N(v[4]) < 0x110000 || N(v[5]) < 0x110000 || N(v[6]) < 64 ||
        N(v[8]) != sp.n + 1 || PyList_GET_SIZE(repl) != sp.n) {
        release(v, 9);
        PyErr_SetString(PyExc_ValueError, "span_tokens: inconsistent sizes");
        return NULL;
    }
    const uint8_t *digit = v[3].buf, *cls = v[5].buf;
    const uint32_t *mapped = v[4].buf;
    const uint64_t *pw = v[6].buf;
    uint64_t *th = v[7].buf;
    int64_t *off = v[8].buf;
    Py_ssize_t t = 0, room = N(v[7]);
    const char *err = NULL;
    off[0] = 0;
    for (Py_ssize_t i = 0; i < sp.n && !err; i++) {
        PyObject *r = PyList_GET_ITEM(repl, i);
        tokenizer z = {0, 0, 0};
        if (PyUnicode_Check(r)) {
            int kind = PyUnicode_KIND(r);
            const void *data = PyUnicode_DATA(r);
            Py_ssize_t len = PyUnicode_GET_LENGTH(r);
            if (t + len > room)
                err = "span_tokens: th_out is too small";
            for (Py_ssize_t j = 0; j < len && !err; j++) {
                Py_UCS4 c = PyUnicode_READ(kind, data, j);
                t = tok_step(&z, c, cls[c], pw, seed, th, t);
            }
        } else {
            if (t + (sp.ends[i] - sp.starts[i]) > room) {
                err = "span_tokens: th_out is too small";
                break;
            }
            masked_iter it = masked_span(PyList_GET_ITEM(texts, sp.doc[i]), sp.starts[i], sp.ends[i]);
            int64_t c;
            while ((c = masked_next(&it, digit)) >= 0) {
                uint32_t m = mapped[c];
                t = tok_step(&z, m, cls[m], pw, seed, th, t);
            }
        }
        t = tok_step(&z, 0, BOUNDARY, pw, seed, th, t);
        off[i + 1] = t;
    }
    release(v, 9);
    if (err) {
        PyErr_SetString(PyExc_ValueError, err);
        return NULL;
    }
    return PyLong_FromSsize_t(t);
}

/* Bits of the character table (dedupe.core.structure.prose_table), shared
 * by prose_counts and sentence_spans. */
#define P_SPACE 1 /* \s as the regular expressions have it */
#define P_LETTER 2
#define P_WIDE 4 /* Han, Hiragana, Katakana, Hangul: never inside a code span */
#define P_WORD 8
#define P_HINT 16
#define P_NUMBER 32

#define RD(i) PyUnicode_READ(kind, data, (i))

static inline int closer(Py_UCS4 c) {
    switch (c) {
    case '"': case '\'': case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09:
    case 0x3011: case 0x3015: case 0x3009: case 0x300B: case ')': case ']':
        return 1;
    }
    return 0;
}

/* Length of the match of segment._INERT at i (a code span, a tag, a
 * link or image), 0 when there is none; text ends at end. */
static Py_ssize_t inert_at(int kind, const void *data, Py_ssize_t i, Py_ssize_t end, const uint8_t *tab) {
    Py_UCS4 c = RD(i);
    Py_ssize_t j = i + 1;
    if (c == '`') {
        /* 1..80 characters that are neither a backtick, a line break, CJK
         * text nor a sentence end before white space, then a backtick. */
        for (; j < end; j++) {
            Py_UCS4 x = RD(j);
            if (x == '.' || x == '!' || x == '?') {
                if (j + 1 >= end || (tab[RD(j + 1)] & P_SPACE))
                    break;
            } else if (x == '`' || x == '\n' || x == 0x3002 || x == 0xFF01 || x == 0xFF1F || (tab[x] & P_WIDE)) {
                break;
            }
            if (j - i > 80)
                return 0;
        }
        return j - i >= 2 && j < end && RD(j) == '`' ? j + 1 - i : 0;
    }
    if (c == '<') {
        while (j < end && RD(j) != '<' && RD(j) != '>' && RD(j) != '\n')
            j++;
        return j > i + 1 && j < end && RD(j) == '>' ? j + 1 - i : 0;
    }
    if (c == '!') {
        if (j >= end || RD(j) != '[')
            return 0;
        j++;
    } else if (c != '[') {
        return 0;
    }
    while (j < end && RD(j) != ']' && RD(j) != '\n')
        j++;
    if (j + 1 >= end || RD(j) != ']' || RD(j + 1) != '(')
        return 0;
    j += 2;
    while (j < end && RD(j) != ')' && RD(j) != '\n')
        j++;
    return j < end && RD(j) == ')' ? j + 1 - i : 0;
}

/* End of the match of segment._SENTENCE_END at q, q when there is none. */
static Py_ssize_t sentence_end_at(int kind, const void *data, Py_ssize_t q, Py_ssize_t end, const uint8_t *tab) {
    Py_UCS4 c = RD(q);
    Py_ssize_t j = q;
    if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F) {
        while (j < end && (RD(j) == 0x3002 || RD(j) == 0xFF01 || RD(j) == 0xFF1F))
            j++;
    } else if (c == '!' || c == '?') {
        while (j < end && (RD(j) == '!' || RD(j) == '?'))
            j++;
        if (j < end && (tab[RD(j)] & (P_LETTER | P_NUMBER)))
            /* The regular expression gives back one: the last ! or ? is
             * then what follows, which is no letter or digit. */
            return j - q >= 2 ? j - 1 : q;
    } else if (c == '.' || c == 0x2026) {
        while (j < end && (RD(j) == '.' || RD(j) == 0x2026))
            j++;
        while (j < end && closer(RD(j)))
            j++;
        return j == end || (tab[RD(j)] & P_SPACE) ? j : q;
    } else {
        return q;
    }
    while (j < end && closer(RD(j)))
        j++;
    return j;
}

/* Appends the sentence text[a:b), white space (str.isspace) stripped,
 * when something is left; returns 0 when out is full. */
static int emit_sentence(int kind, const void *data, Py_ssize_t a, Py_ssize_t b, int64_t para, int64_t *op,
                         int64_t *os, int64_t *oe, Py_ssize_t *k, Py_ssize_t room) {
    while (a < b && Py_UNICODE_ISSPACE(RD(a)))
        a++;
    while (b > a && Py_UNICODE_ISSPACE(RD(b - 1)))
        b--;
    if (b <= a)
        return 1;
    if (*k >= room)
        return 0;
    op[*k] = para;
    os[*k] = a;
    oe[*k] = b;
    (*k)++;
    return 1;
}

/* The arguments (texts, doc, starts, ends, table, out1, out2, out3) of
 * sentence_spans and span_counts: spans, a table of one byte per code
 * point and three int64 outputs, named by names. 0, or -1 with an
 * exception set and every buffer released. */
static int spans_table_outs(PyObject *args, const char *fn, const char *const *names, spans *sp, Py_buffer *v) {
    PyObject *texts, *o[7];
    if (!PyArg_ParseTuple(args, "O!OOOOOOO", &PyList_Type, &texts, &o[0], &o[1], &o[2], &o[3], &o[4], &o[5], &o[6]))
        return -1;
    static const Py_ssize_t size[4] = {1, 8, 8, 8};
    if (get_spans(texts, o, v, sp) < 0 || get_all(o + 3, v + 3, 4, size, 1, names) < 0) {
        release(v, 7);
        return -1;
    }
    if (N(v[3]) < 0x110000) {
        release(v, 7);
        PyErr_Format(PyExc_ValueError, "%s: the %s is too small", fn, names[0]);
        return -1;
    }
    return 0;
}

/* sentence_spans(texts, doc, starts, ends, table, para_out, start_out, end_out) -> sentences
 *
 * segment.sentences of every span, in order: para_out[k] is the span a
 * sentence belongs to. Returns -1 when the outputs have too little room. */
static PyObject *sentence_spans(PyObject *self, PyObject *args) {
    Py_buffer v[7] = {{0}};
    spans sp;
    static const char *names[4] = {"table", "para_out", "start_out", "end_out"};
    if (spans_table_outs(args, "sentence_spans", names, &sp, v) < 0)
        return NULL;
    Py_ssize_t room = N(v[4]);
    if (N(v[5]) != room || N(v[6]) != room) {
        release(v, 7);
        PyErr_SetString(PyExc_ValueError, "sentence_spans: inconsistent sizes");
        return NULL;
    }
    const uint8_t *tab = v[3].buf;
    int64_t *op = v[4].buf, *os = v[5].buf, *oe = v[6].buf;
    Py_ssize_t k = 0;
    int full = 0;
    for (Py_ssize_t s = 0; s < sp.n && !full; s++) {
        PyObject *text = PyList_GET_ITEM(sp.texts, sp.doc[s]);
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t end = (Py_ssize_t)sp.ends[s], pos = (Py_ssize_t)sp.starts[s];
        Py_ssize_t inert_scan = pos, inert_a = -1, inert_b = -1;
        for (Py_ssize_t q = pos; q < end && !full;) {
            Py_ssize_t me = sentence_end_at(kind, data, q, end, tab);
            if (me == q) {
                q++;
                continue;
            }
            /* The inert spans, found left to right as far as q. */
            while (inert_b <= q && inert_scan < end && inert_scan <= q) {
                Py_ssize_t len = inert_at(kind, data, inert_scan, end, tab);
                if (len) {
                    inert_a = inert_scan;
                    inert_b = inert_scan + len;
                    inert_scan = inert_b;
                } else {
                    inert_scan++;
                }
            }
            if (!(inert_a <= q && q < inert_b)) {
                full = !emit_sentence(kind, data, pos, me, s, op, os, oe, &k, room);
                pos = me;
            }
            q = me;
        }
        if (!full)
            full = !emit_sentence(kind, data, pos, end, s, op, os, oe, &k, room);
    }
    release(v, 7);
    return PyLong_FromSsize_t(full ? -1 : k);
}

/* span_counts(texts, doc, starts, ends, classes, words, wide, last) -> spans
 *
 * script_counts of texts[doc[i]][starts[i]:ends[i]] for every span i, in
 * one call, and the code point of the span's last character that is not
 * white space (as str.rstrip() has it), -1 when there is none. */
static PyObject *span_counts(PyObject *self, PyObject *args) {
    Py_buffer v[7] = {{0}};
    spans sp;
    static const char *names[4] = {"classes", "words", "wide", "last"};
    if (spans_table_outs(args, "span_counts", names, &sp, v) < 0)
        return NULL;
    if (N(v[4]) != sp.n || N(v[5]) != sp.n || N(v[6]) != sp.n) {
        release(v, 7);
        PyErr_SetString(PyExc_ValueError, "span_counts: inconsistent sizes");
        return NULL;
    }
    const uint8_t *cls = v[3].buf;
    int64_t *words = v[4].buf, *wide = v[5].buf, *last = v[6].buf;
    for (Py_ssize_t i = 0; i < sp.n; i++) {
        PyObject *text = PyList_GET_ITEM(sp.texts, sp.doc[i]);
        int64_t a = sp.starts[i], j = sp.ends[i] - 1;
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        count_scripts(text, a, sp.ends[i], cls, &words[i], &wide[i]);
        while (j >= a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)))
            j--;
        last[i] = j >= a ? (int64_t)PyUnicode_READ(kind, data, j) : -1;
    }
    release(v, 7);
    return PyLong_FromSsize_t(sp.n);
}

/* Whether text[i:e) starts with the ASCII word w of len characters. */
static int starts_with(int kind, const void *data, Py_ssize_t i, Py_ssize_t e, const char *w, Py_ssize_t len) {
    if (e - i < len)
        return 0;
    for (Py_ssize_t k = 0; k < len; k++)
        if (RD(i + k) != (Py_UCS4)(unsigned char)w[k])
            return 0;
    return 1;
}

/* Whether the ``len`` characters before position i of a str, and after
 * position a, are ``s``. */
static int ends_with(int kind, const void *data, Py_ssize_t a, Py_ssize_t i, const char *s, Py_ssize_t len) {
    return i - a >= len && starts_with(kind, data, i - len, i, s, len);
}

/* Whether a non-prose span can contain position i (character c) of the
 * text [a, b): what each alternative of structure._NON_PROSE needs, a
 * tag, code span, link target, path, identifier or entity character,
 * "::", a URL scheme before ":", "www." or a file name's "x.e". Firing
 * too often is safe. */
static int span_start(int kind, const void *data, Py_ssize_t a, Py_ssize_t b, Py_ssize_t i, Py_UCS4 c,
                      const uint8_t *tab) {
    switch (c) {
    case '<': case '`': case ']': case '/': case '_': case '&':
        return 1;
    case ':':
        return (i > a && PyUnicode_READ(kind, data, i - 1) == ':') || ends_with(kind, data, a, i, "http", 4) ||
               ends_with(kind, data, a, i, "https", 5) || ends_with(kind, data, a, i, "ftp", 3) ||
               ends_with(kind, data, a, i, "file", 4) || ends_with(kind, data, a, i, "mailto", 6);
    case '.':
        if (ends_with(kind, data, a, i, "www", 3))
            return 1;
        if (i > a && i + 1 < b) {
            Py_UCS4 p = PyUnicode_READ(kind, data, i - 1), q = PyUnicode_READ(kind, data, i + 1);
            return q >= 'a' && q <= 'z' && (p == '-' || (tab[p] & P_WORD));
        }
        return 0;
    default:
        return 0;
    }
}

/* Whether c may be inside a match of a non-prose alternative that is
 * neither a tag, a code span, a link target nor a URL: a path, a file
 * name, an identifier or an entity ([\w.~*@:+-/&;]). */
static inline int markup_char(Py_UCS4 c, uint8_t k) {
    if (k & P_WORD)
        return 1;
    switch (c) {
    case '.': case '~': case '*': case '@': case ':': case '+': case '-': case '/': case '&': case ';':
        return 1;
    }
    return 0;
}

/* The counts of prose_counts over text[a:b).
 *
 * On the characters of a str as they are: those that are not white space
 * (table bit 1 clear), letters (bit 2), Han/Kana/Hangul characters (bit
 * 4), and whether markup may be present: structure._MARKUP_HINT (a
 * character of bit 16, or a "." between two word characters, bit 8) and
 * a place where a non-prose span can be (span_start); without both, the
 * non-prose expression would remove nothing.
 *
 * risk bounds the letters and wide characters that expression can
 * remove. Every match holds a character where span_start fires. A tag,
 * a link target or a code span that starts at a "<", "]" or "`" puts
 * what lies up to the character that closes it at risk (enclosed), and
 * nothing else; of the gaps between backticks, no two in a row are both
 * code spans. A URL holds no white space: one that starts there puts its
 * run of non-space characters at risk. A path, file name,
 * identifier or entity holds only markup_char characters: one that
 * starts there puts its run of those at risk (in Chinese or Japanese
 * without spaces, a few characters instead of the whole paragraph). */
typedef struct {
    Py_ssize_t visible, letters, wide, risk;
    int hint;
} prose_t;

/* Whether c, at text[j] inside a span that open started, ends it without
 * closing it: a "<" in a tag; white space in a link target; in a code
 * span a line break, a Han/Kana/Hangul character, a CJK sentence end or a
 * ".!?" before white space (structure.CODE_SPAN). */
static inline int unclosed(int kind, const void *data, Py_ssize_t j, Py_ssize_t b, Py_UCS4 open, Py_UCS4 c,
                           const uint8_t *tab) {
    switch (open) {
    case '<':
        return c == '<';
    case ']':
        return (tab[c] & P_SPACE) != 0;
    default:
        return c == '\n' || (tab[c] & P_WIDE) || c == 0x3002 || c == 0xFF01 || c == 0xFF1F ||
               ((c == '.' || c == '!' || c == '?') && j + 1 < b && (tab[PyUnicode_READ(kind, data, j + 1)] & P_SPACE));
    }
}

/* The letters and wide characters that a tag (<[^<>]*>), a code span
 * (structure.CODE_SPAN) or a link target (\]\([^)\s]*\)) starting at
 * text[i] ("<", "`" or "]") could remove: those before the character that
 * would close it (the first ">", the next "`" one to 80 characters on,
 * the first ")" after the "](" ), none when something ends it first
 * (unclosed) or nothing closes it. Until the Rust book's paragraphs with
 * a code span had all their letters at risk, and a "]" its whole run of
 * non-space characters, most of a paragraph in Chinese or Japanese; half
 * the paragraphs the segmenter met took the non-prose expression. */
static Py_ssize_t enclosed(int kind, const void *data, Py_ssize_t i, Py_ssize_t b, Py_UCS4 open,
                           const uint8_t *tab) {
    Py_UCS4 close = open == '<' ? '>' : open == ']' ? ')' : '`';
    Py_ssize_t lw = 0, first = i + 1, end = open == '`' && b - i > 82 ? i + 82 : b;
    if (open == ']') {
        if (i + 1 >= b || PyUnicode_READ(kind, data, i + 1) != '(')
            return 0;
        first = i + 2;
    }
    for (Py_ssize_t j = first; j < end; j++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j);
        if (c == close)
            return lw;
        if (unclosed(kind, data, j, b, open, c, tab))
            return 0;
        lw += ((tab[c] & P_LETTER) != 0) + ((tab[c] & P_WIDE) != 0);
    }
    return 0;
}

static prose_t count_prose(int kind, const void *data, Py_ssize_t a, Py_ssize_t b, const uint8_t *tab) {
    Py_ssize_t visible = 0, letters = 0, wide = 0, risk = 0;
    /* Letters of the current run of non-space and of markup characters,
     * and whether a span may start in it. */
    Py_ssize_t run = 0, mrun = 0;
    int hint = 0, span = 0, run_span = 0, mrun_span = 0;
    Py_ssize_t ticks[2] = {0, 0};
    /* Classes of the two characters before this one, for "\w\.\w". */
    uint8_t k1 = 0, k2 = 0;
    Py_UCS4 c1 = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        uint8_t k = tab[c];
        int lw = ((k & P_LETTER) != 0) + ((k & P_WIDE) != 0);
        if (k & P_SPACE || !markup_char(c, k)) {
            risk += mrun_span ? mrun : 0;
            mrun = mrun_span = 0;
        } else {
            mrun += lw;
        }
        if (k & P_SPACE) {
            risk += run_span ? run : 0;
            run = run_span = 0;
        } else {
            visible++;
            run += lw;
            if (span_start(kind, data, a, b, i, c, tab)) {
                span = 1;
                /* A tag, a link target or a code span: what it encloses.
                 * No other alternative starts at a "<", "]" or "`" (nor
                 * holds a "<" or "`"). Code spans run from a backtick to
                 * the next: two that share one cannot both be matches, so
                 * the most they remove is the heaviest choice of gaps
                 * between backticks with no two in a row (ticks: the best
                 * choice up to the gap before this one, and up to the one
                 * before that). */
                if (c == '<' || c == ']') {
                    risk += enclosed(kind, data, i, b, c, tab);
                } else if (c == '`') {
                    Py_ssize_t with = ticks[1] + enclosed(kind, data, i, b, c, tab);
                    ticks[1] = ticks[0];
                    ticks[0] = with > ticks[0] ? with : ticks[0];
                }
                /* A URL's ":" or "www.": the whole run. */
                else if ((c == ':' && c1 != ':') || (c == '.' && ends_with(kind, data, a, i, "www", 3)))
                    run_span = 1;
                else
                    mrun_span = 1;
            }
        }
        letters += (k & P_LETTER) != 0;
        wide += (k & P_WIDE) != 0;
        hint |= (k & P_HINT) || ((k & P_WORD) && c1 == '.' && (k2 & P_WORD));
        k2 = k1;
        k1 = k;
        c1 = c;
    }
    risk += (run_span ? run : 0) + (mrun_span ? mrun : 0) + ticks[0];
    prose_t out = {visible, letters, wide, risk, hint && span};
    return out;
}

/* prose_counts(text, table) -> (visible, letters, wide, hint, risk)
 *
 * count_prose over the whole str. */
static PyObject *prose_counts(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer v = {0};
    if (str_and_table(args, "prose_counts", &text, &v) < 0)
        return NULL;
    prose_t p = count_prose(PyUnicode_KIND(text), PyUnicode_DATA(text), 0, PyUnicode_GET_LENGTH(text), v.buf);
    PyBuffer_Release(&v);
    return Py_BuildValue("nnnOn", p.visible, p.letters, p.wide, p.hint ? Py_True : Py_False, p.risk);
}

#define PROSE 0
#define MARKUP 1
#define UNDECIDED 2

/* structure.mostly_markup's answer from the counts, where they decide it:
 * MARKUP when prose letters (a wide character counting twice) are less
 * than ``share`` of the visible characters, PROSE when they are not even
 * without the letters the non-prose expression could remove, UNDECIDED
 * when only that expression can tell. The same double divisions of the
 * same integers as the Python expressions, so the same answers. */
static int markup_of(prose_t p, double share) {
    if (p.visible == 0)
        return share > 0.0 ? MARKUP : PROSE;
    if (p.hint)
        return (double)(p.letters + p.wide - p.risk) / (double)(p.visible + p.wide) >= share ? PROSE : UNDECIDED;
    return (double)(p.letters + p.wide) / (double)(p.visible + p.wide) < share ? MARKUP : PROSE;
}

/* The (str, table, share) arguments of markup_verdict and
 * plain_paragraphs. */
static int str_table_share(PyObject *args, const char *fn, PyObject **text, Py_buffer *v, double *share) {
    PyObject *table;
    if (!PyArg_ParseTuple(args, "UOd", text, &table, share))
        return -1;
    return code_point_table(table, fn, v);
}

/* markup_verdict(text, table, share) -> 0 prose, 1 markup, 2 undecided (markup_of) */
static PyObject *markup_verdict(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer v = {0};
    double share;
    if (str_table_share(args, "markup_verdict", &text, &v, &share) < 0)
        return NULL;
    prose_t p = count_prose(PyUnicode_KIND(text), PyUnicode_DATA(text), 0, PyUnicode_GET_LENGTH(text), v.buf);
    PyBuffer_Release(&v);
    return PyLong_FromLong(markup_of(p, share));
}

/* The end of the line that starts at i: its "\n" or the end of the text.
 * A "\r" before the "\n" stays: it is white space to every test below,
 * stripping takes it off a paragraph's end, and at worst (after "import")
 * it sends the text to segment's full path. */
static Py_ssize_t line_end(int kind, const void *data, Py_ssize_t i, Py_ssize_t n, Py_ssize_t *next) {
    Py_ssize_t e = i;
    while (e < n && RD(e) != '\n')
        e++;
    *next = e + 1;
    return e;
}

/* Whether text[i:e) holds only white space as str.isspace() has it (what
 * "not line.strip()" tells). */
static int blank_line(int kind, const void *data, Py_ssize_t i, Py_ssize_t e) {
    for (; i < e; i++)
        if (!Py_UNICODE_ISSPACE(RD(i)))
            return 0;
    return 1;
}

#define L_BLANK 1
#define L_PROSE 2
#define L_LIST 3

/* The class of the ordered list item marker segment._LIST matches at i,
 * a digit: L_LIST for one to nine digits, "." or ")", white space and
 * more; L_PROSE when there is no marker; 0 when a digit other than 0-9
 * is near (\d matches every decimal digit; the line takes segment's full
 * path). */
static int digit_line(int kind, const void *data, Py_ssize_t i, Py_ssize_t e, const uint8_t *tab) {
    Py_ssize_t d = i;
    while (d < e && RD(d) >= '0' && RD(d) <= '9')
        d++;
    if (d < e && (tab[RD(d)] & P_NUMBER))
        return 0;
    if (d - i > 9 || d == e || (RD(d) != '.' && RD(d) != ')'))
        return L_PROSE;
    Py_ssize_t k = d + 1;
    while (k < e && (tab[RD(k)] & P_SPACE))
        k++;
    return k > d + 1 && k < e ? L_LIST : L_PROSE;
}

/* The class of the non-blank line text[i:e): L_PROSE for a line that
 * segment._PLAIN matches (at most three spaces, no "import " or "export ",
 * then a character that starts no block pattern) or that starts with a
 * digit without a list marker, L_LIST for an ordered list item, and 0
 * for every other line, which takes segment's full path. Lines with "="
 * (a setext underline or a tab), "$" (display math) and numbers other
 * than 0-9 take it too. */
static int line_class(int kind, const void *data, Py_ssize_t i, Py_ssize_t e, const uint8_t *tab) {
    for (int k = 0; k < 3 && i < e && RD(i) == ' '; k++)
        i++;
    if (i == e)
        return 0;
    Py_UCS4 c = RD(i);
    if (c >= '0' && c <= '9')
        return digit_line(kind, data, i, e, tab);
    if (tab[c] & (P_SPACE | P_NUMBER))
        return 0;
    switch (c) {
    case '`': case '~': case '<': case '[': case '-': case '#': case '*': case '_': case '|': case '{':
    case '!': case '?': case '/': case ':': case '+': case '.': case '=': case '$':
        return 0;
    }
    for (int w = 0; w < 2; w++)
        if (starts_with(kind, data, i, e, w ? "export" : "import", 6) && i + 6 < e && (tab[RD(i + 6)] & P_SPACE))
            return 0;
    return L_PROSE;
}

/* One line: where it starts and ends, and its class. */
typedef struct {
    Py_ssize_t start, end;
    int cls;
} line_t;

/* The lines of a text and their classes, in a buffer that grows; NULL
 * (with *count -1 and an exception set when out of memory) when a line
 * takes segment's full path. Free with PyMem_Free. */
static line_t *classify_lines(int kind, const void *data, Py_ssize_t n, const uint8_t *tab, Py_ssize_t *count) {
    Py_ssize_t size = 64, m = 0, next;
    line_t *lines = PyMem_Malloc((size_t)size * sizeof(line_t));
    *count = -1;
    if (lines == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i <= n; i = next) {
        Py_ssize_t e = line_end(kind, data, i, n, &next);
        int cls = blank_line(kind, data, i, e) ? L_BLANK : line_class(kind, data, i, e, tab);
        if (cls == 0) {
            PyMem_Free(lines);
            *count = 0;
            return NULL;
        }
        if (m == size) {
            line_t *more = PyMem_Realloc(lines, (size_t)(size *= 2) * sizeof(line_t));
            if (more == NULL) {
                PyMem_Free(lines);
                PyErr_NoMemory();
                return NULL;
            }
            lines = more;
        }
        lines[m].start = i;
        lines[m].end = e;
        lines[m++].cls = cls;
    }
    *count = m;
    return lines;
}

/* Where the paragraphs of plain texts go: a list of tuples
 * (plain_paragraphs) or rows of int64 in a buffer that grows
 * (plain_paragraph_rows). */
typedef struct sink {
    int (*add)(struct sink *sink, Py_ssize_t a, Py_ssize_t b, int verdict, int list);
    PyObject *list;
    int64_t *rows;
    Py_ssize_t n, size, text; /* rows written, rows of room, the text being read */
} sink_t;

static int add_tuple(sink_t *sink, Py_ssize_t a, Py_ssize_t b, int verdict, int list) {
    PyObject *item = Py_BuildValue("nniO", a, b, verdict, list ? Py_True : Py_False);
    if (item == NULL)
        return -1;
    int r = PyList_Append(sink->list, item);
    Py_DECREF(item);
    return r;
}

#define ROW 5

static int add_row(sink_t *sink, Py_ssize_t a, Py_ssize_t b, int verdict, int list) {
    if (sink->n == sink->size) {
        Py_ssize_t size = sink->size ? 2 * sink->size : 1024;
        int64_t *more = PyMem_Realloc(sink->rows, (size_t)size * ROW * sizeof(int64_t));
        if (more == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        sink->rows = more;
        sink->size = size;
    }
    int64_t *row = sink->rows + sink->n++ * ROW;
    row[0] = sink->text;
    row[1] = a;
    row[2] = b;
    row[3] = verdict;
    row[4] = list;
    return 0;
}

/* Gives (s, e, markup_of, list item) for text[a:b) to sink, stripped as
 * segment._strip strips it, unless nothing is left. */
static int emit_paragraph(sink_t *sink, int kind, const void *data, Py_ssize_t a, Py_ssize_t b, int list,
                          const uint8_t *tab, double share) {
    while (a < b && (Py_UNICODE_ISSPACE(RD(a)) || RD(a) == 0xFEFF))
        a++;
    while (b > a && Py_UNICODE_ISSPACE(RD(b - 1)))
        b--;
    if (b == a)
        return 0;
    return sink->add(sink, a, b, markup_of(count_prose(kind, data, a, b, tab), share), list);
}

/* The paragraphs of classified lines, as segment.paragraphs reads blocks
 * of one line each: with blank-line style (a blank line stands between
 * two prose lines) a paragraph or list item runs to the next blank line
 * or list item; without it every line is one. 0, or -1 with an
 * exception set. */
static int paragraphs_of(const line_t *lines, Py_ssize_t m, int kind, const void *data, const uint8_t *tab,
                         double share, sink_t *sink) {
    int seen_prose = 0, pending_blank = 0, blank_style = 0;
    for (Py_ssize_t j = 0; j < m; j++) {
        if (lines[j].cls == L_BLANK) {
            pending_blank = seen_prose;
        } else {
            blank_style |= pending_blank;
            seen_prose = 1;
        }
    }
    Py_ssize_t first = -1, last = 0; /* the paragraph being read */
    int list = 0;
    for (Py_ssize_t j = 0; j <= m; j++) {
        int cls = j < m ? lines[j].cls : L_BLANK;
        if (blank_style && cls == L_PROSE && first >= 0) {
            last = lines[j].end;
            continue;
        }
        if (first >= 0 && emit_paragraph(sink, kind, data, first, last, list, tab, share) < 0)
            return -1;
        first = -1;
        if (cls == L_BLANK)
            continue;
        if (blank_style) {
            first = lines[j].start;
            last = lines[j].end;
            list = cls == L_LIST;
        } else if (emit_paragraph(sink, kind, data, lines[j].start, lines[j].end, cls == L_LIST, tab, share) < 0) {
            return -1;
        }
    }
    return 0;
}

/* The paragraphs of one text of plain lines to sink: 1, or 0 when the
 * text takes segment's full path, or -1 with an exception set. */
static int plain_text(PyObject *text, const uint8_t *tab, double share, sink_t *sink) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t m = 0;
    line_t *lines = classify_lines(kind, data, PyUnicode_GET_LENGTH(text), tab, &m);
    if (lines == NULL)
        return m < 0 ? -1 : 0;
    int r = paragraphs_of(lines, m, kind, data, tab, share, sink);
    PyMem_Free(lines);
    return r < 0 ? -1 : 1;
}

/* plain_paragraphs(text, table, share) -> [(start, end, markup_of, list item), ...] or None
 *
 * segment.paragraphs of a text whose every line is blank, plain prose or
 * an ordered list item (line_class), the most common text by far. None
 * for any other text, which takes segment's full path. Such text has no
 * front matter: that needs a closing "---", "+++" or "..." line. */
static PyObject *plain_paragraphs(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer v = {0};
    double share;
    if (str_table_share(args, "plain_paragraphs", &text, &v, &share) < 0)
        return NULL;
    sink_t sink = {add_tuple, PyList_New(0), NULL, 0, 0, 0};
    int r = sink.list == NULL ? -1 : plain_text(text, v.buf, share, &sink);
    PyBuffer_Release(&v);
    if (r <= 0)
        Py_CLEAR(sink.list);
    return r == 0 ? Py_NewRef(Py_None) : sink.list;
}

/* plain_paragraph_rows(texts, table, share) -> bytes
 *
 * plain_paragraphs of every text of the list texts in one call, as rows
 * of five int64: (text, start, end, markup_of, list item), and for a text
 * that takes segment's full path one row (text, -1, -1, -1, -1). A corpus
 * scan reads every document so: one call per document, and a tuple per
 * paragraph, cost it more than the reading. */
static PyObject *plain_paragraph_rows(PyObject *self, PyObject *args) {
    PyObject *texts, *table;
    double share;
    Py_buffer v = {0};
    if (!PyArg_ParseTuple(args, "O!Od", &PyList_Type, &texts, &table, &share))
        return NULL;
    if (code_point_table(table, "plain_paragraph_rows", &v) < 0)
        return NULL;
    sink_t sink = {add_row, NULL, NULL, 0, 0, 0};
    int r = 0;
    for (Py_ssize_t t = 0; r >= 0 && t < PyList_GET_SIZE(texts); t++) {
        PyObject *text = PyList_GET_ITEM(texts, t);
        if (!PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "plain_paragraph_rows: texts[%zd] is not a str", t);
            r = -1;
            break;
        }
        sink.text = t;
        r = plain_text(text, v.buf, share, &sink);
        if (r == 0)
            r = add_row(&sink, -1, -1, -1, -1);
    }
    PyBuffer_Release(&v);
    PyObject *out = r < 0 ? NULL
                          : PyBytes_FromStringAndSize((const char *)sink.rows,
                                                      (Py_ssize_t)(sink.n * ROW * (Py_ssize_t)sizeof(int64_t)));
    PyMem_Free(sink.rows);
    return out;
}

/* Sort n values in place: Hoare's quicksort on the middle value (shingle
 * hashes are random, so any element is a good pivot), the smaller side
 * first, insertion sort below 16; several times faster than qsort, whose
 * comparison goes through a function pointer. */
static void sort_u64(uint64_t *a, Py_ssize_t n) {
    while (n > 16) {
        uint64_t pivot = a[(n - 1) / 2];
        Py_ssize_t i = -1, j = n;
        for (;;) {
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j)
                break;
            uint64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        /* a[0..j] <= pivot <= a[j+1..n), with 0 <= j < n - 1 */
        if (j + 1 < n - j - 1) {
            sort_u64(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_u64(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (Py_ssize_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        Py_ssize_t k = i;
        for (; k > 0 && a[k - 1] > x; k--)
            a[k] = a[k - 1];
        a[k] = x;
    }
}

/* At most 2^16 buckets: past that many values, buckets hold several. */
#define BUCKET_BITS 16
#define SMALL_SORT 32

/* The bits of sort_hashes's buckets for n values: the fewest whose
 * buckets outnumber the values, at most BUCKET_BITS. */
static int bucket_bits(Py_ssize_t n) {
    int bits = 1;
    while (bits < BUCKET_BITS && ((Py_ssize_t)1 << bits) <= n)
        bits++;
    return bits;
}

/* Sort n hashes in place through tmp (room for n) and bound (room for
 * 2^bucket_bits(n) + 1): scattered by their top bits into about one bucket
 * per value, then each bucket sorted on its own. Hashes are spread
 * evenly, so most buckets hold none, one or two: a counting pass, a
 * scatter and a few moves, where a quicksort's comparisons went the
 * unpredictable way half the time (unique_sets took 0.12 s of a 20 MB
 * scan's stage 1, now 0.04). A bucket that is large anyway (equal or
 * clustered values) gets the quicksort, so no input costs much more
 * than it did. */
static void sort_hashes(uint64_t *a, Py_ssize_t n, uint64_t *tmp, Py_ssize_t *bound) {
    if (n <= SMALL_SORT) {
        sort_u64(a, n);
        return;
    }
    int bits = bucket_bits(n);
    Py_ssize_t buckets = (Py_ssize_t)1 << bits;
    int shift = 64 - bits;
    memset(bound, 0, (size_t)(buckets + 1) * sizeof(Py_ssize_t));
    for (Py_ssize_t i = 0; i < n; i++)
        bound[(a[i] >> shift) + 1]++;
    for (Py_ssize_t b = 0; b < buckets; b++)
        bound[b + 1] += bound[b];
    /* bound[b] moves from the start of bucket b to its end. */
    for (Py_ssize_t i = 0; i < n; i++)
        tmp[bound[a[i] >> shift]++] = a[i];
    memcpy(a, tmp, (size_t)n * sizeof(uint64_t));
    Py_ssize_t lo = 0;
    for (Py_ssize_t b = 0; b < buckets; b++) {
        Py_ssize_t size = bound[b] - lo;
        if (size == 2 && a[lo] > a[lo + 1]) {
            uint64_t t = a[lo];
            a[lo] = a[lo + 1];
            a[lo + 1] = t;
        } else if (size > 2) {
            sort_u64(a + lo, size);
        }
        lo = bound[b];
    }
}

#define MAX_RUNS 16

/* Sort a[0..n) when it is at most MAX_RUNS ascending runs (a document's
 * set is its paragraphs' sorted sets one after another), by merging them
 * pairwise through tmp (room for n): a few linear passes instead of a
 * quicksort. Returns 0, leaving a as it was, when there are more runs. */
static int merge_runs(uint64_t *a, Py_ssize_t n, uint64_t *tmp) {
    Py_ssize_t starts[MAX_RUNS + 1];
    int runs = 1;
    starts[0] = 0;
    for (Py_ssize_t i = 1; i < n; i++)
        if (a[i] < a[i - 1]) {
            if (runs == MAX_RUNS)
                return 0;
            starts[runs++] = i;
        }
    starts[runs] = n;
    uint64_t *src = a, *dst = tmp;
    while (runs > 1) {
        int k = 0;
        for (int r = 0; r < runs; r += 2) {
            Py_ssize_t lo = starts[r], mid = starts[r + 1], hi = r + 2 <= runs ? starts[r + 2] : mid;
            Py_ssize_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = src[j] < src[i] ? src[j++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
            starts[k++] = lo;
        }
        starts[k] = n;
        runs = k;
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, (size_t)n * sizeof(uint64_t));
    return 1;
}

/* unique_sets(hashes, offsets, out, out_off) -> values
 *
 * Each segment's values sorted, repeats dropped: out[out_off[i]:
 * out_off[i+1]] is the set of hashes[offsets[i]:offsets[i+1]]. out needs
 * room for len(hashes) values, out_off for segments + 1; out may be
 * hashes itself (each set is written at or before its values' place). */
static PyObject *unique_sets(PyObject *self, PyObject *args) {
    PyObject *o[4];
    Py_buffer v[4] = {{0}};
    if (!PyArg_ParseTuple(args, "OOOO", &o[0], &o[1], &o[2], &o[3]))
        return NULL;
    static const char *names[4] = {"hashes", "offsets", "out", "out_off"};
    if (get_all(o, v, 4, NULL, 2, names) < 0)
        return NULL;
    const uint64_t *h = v[0].buf;
    const int64_t *off = v[1].buf;
    uint64_t *out = v[2].buf;
    int64_t *out_off = v[3].buf;
    Py_ssize_t n = N(v[1]) - 1;
    if (n < 0 || N(v[3]) != n + 1 || N(v[2]) < N(v[0]) || off[0] < 0 || off[n] > N(v[0])) {
        release(v, 4);
        PyErr_SetString(PyExc_ValueError, "unique_sets: inconsistent sizes");
        return NULL;
    }
    Py_ssize_t longest = 0;
    for (Py_ssize_t s = 0; s < n; s++) {
        if (off[s + 1] < off[s]) {
            release(v, 4);
            PyErr_SetString(PyExc_ValueError, "unique_sets: offsets decrease");
            return NULL;
        }
        if (off[s + 1] - off[s] > longest)
            longest = (Py_ssize_t)(off[s + 1] - off[s]);
    }
    uint64_t *tmp = PyMem_RawMalloc((size_t)(longest > 0 ? longest : 1) * sizeof(uint64_t));
    /* Room for the buckets of the longest segment: a few kilobytes for
     * paragraphs, not the half megabyte of the most buckets. */
    Py_ssize_t *bound = PyMem_RawMalloc((((size_t)1 << bucket_bits(longest)) + 1) * sizeof(Py_ssize_t));
    if (tmp == NULL || bound == NULL) {
        PyMem_RawFree(tmp);
        PyMem_RawFree(bound);
        release(v, 4);
        return PyErr_NoMemory();
    }
    Py_ssize_t g = 0;
    Py_BEGIN_ALLOW_THREADS
    out_off[0] = 0;
    for (Py_ssize_t s = 0; s < n; s++) {
        Py_ssize_t a = g, len = (Py_ssize_t)(off[s + 1] - off[s]);
        /* memmove: out may be hashes itself, each set written at or
         * before where its values are read. */
        memmove(out + a, h + off[s], (size_t)len * sizeof(uint64_t));
        if (!merge_runs(out + a, len, tmp))
            sort_hashes(out + a, len, tmp, bound);
        for (Py_ssize_t i = 0; i < len; i++)
            if (i == 0 || out[a + i] != out[g - 1])
                out[g++] = out[a + i];
        out_off[s + 1] = g;
    }
    Py_END_ALLOW_THREADS
    PyMem_RawFree(tmp);
    PyMem_RawFree(bound);
    release(v, 4);
    return PyLong_FromSsize_t(g);
}

/* The size of the intersection of two sorted, repeat-free runs. */
static inline int64_t merged_count(const uint64_t *x, const uint64_t *xe, const uint64_t *y, const uint64_t *ye) {
    int64_t both = 0;
    while (x < xe && y < ye) {
        if (*x < *y)
            x++;
        else if (*y < *x)
            y++;
        else {
            both++;
            x++;
            y++;
        }
    }
    return both;
}

/* intersections(hashes, offsets, pairs, out) -> pairs
 *
 * out[i] = |A & B| for the sorted, repeat-free sets A and B of segments
 * pairs[2i] and pairs[2i+1] (hashes[offsets[s]:offsets[s+1]]), by merging
 * the two. */

static PyObject *intersections(PyObject *self, PyObject *args) {
    PyObject *o[4];
    Py_buffer v[4] = {{0}};
    if (!PyArg_ParseTuple(args, "OOOO", &o[0], &o[1], &o[2], &o[3]))
        return NULL;
    static const char *names[4] = {"hashes", "offsets", "pairs", "out"};
    if (get_all(o, v, 4, NULL, 3, names) < 0)
        return NULL;
    const uint64_t *h = v[0].buf;
    const int64_t *off = v[1].buf, *pairs = v[2].buf;
    int64_t *out = v[3].buf;
    Py_ssize_t n_seg = N(v[1]) - 1, m = N(v[3]);
    if (N(v[2]) != 2 * m || bad_offsets(off, n_seg, N(v[0])) || bad_pairs(pairs, m, n_seg)) {
        release(v, 4);
        PyErr_SetString(PyExc_ValueError, "intersections: inconsistent sizes or a segment out of range");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t p = 0; p < m; p++) {
        /* Sets far apart in memory (an LSH's candidates): their offsets
         * and first values are fetched some pairs ahead, so that the
         * memory's latency overlaps the merges instead of adding up. The
         * 9.6 million candidate sentence pairs of a million paragraphs
         * (sets of 8 shingles on average, 190 MB of them) took 0.75 s,
         * now 0.52 s; 4, 16 and 32 pairs ahead did less well. */
        if (p + 2 * AHEAD < m) {
            __builtin_prefetch(off + pairs[2 * (p + 2 * AHEAD)]);
            __builtin_prefetch(off + pairs[2 * (p + 2 * AHEAD) + 1]);
        }
        if (p + AHEAD < m) {
            __builtin_prefetch(h + off[pairs[2 * (p + AHEAD)]]);
            __builtin_prefetch(h + off[pairs[2 * (p + AHEAD) + 1]]);
        }
        int64_t a = pairs[2 * p], b = pairs[2 * p + 1];
        out[p] = merged_count(h + off[a], h + off[a + 1], h + off[b], h + off[b + 1]);
    }
    Py_END_ALLOW_THREADS
    release(v, 4);
    return PyLong_FromSsize_t(m);
}

/* Words of a set's sketch: two of counts, four of a bitmap. */
#define SKETCH_WORDS 6

/* set_sketches(hashes, offsets, out) -> sets
 *
 * For each sorted, repeat-free set s (hashes[offsets[s]:offsets[s+1]]),
 * its row of SKETCH_WORDS words at out[6s]: how many of its values fall
 * in each of 32 buckets (a value's top five bits), four bits a count,
 * buckets 0-15 in the first word and 16-31 in the second, bucket k at
 * bits 4(k mod 16); then which of 256 buckets (a value's low eight bits)
 * hold any of its values, bucket k at bit k mod 64 of word 2 + k / 64. A
 * set with more than 15 values in one bucket gets 15 in every bucket
 * (both count words all ones): a count it cannot hold would make
 * reaching_intersections' bound too low. */
static PyObject *set_sketches(PyObject *self, PyObject *args) {
    PyObject *o[3];
    Py_buffer v[3] = {{0}};
    if (!PyArg_ParseTuple(args, "OOO", &o[0], &o[1], &o[2]))
        return NULL;
    static const char *names[3] = {"hashes", "offsets", "out"};
    if (get_all(o, v, 3, NULL, 2, names) < 0)
        return NULL;
    const uint64_t *h = v[0].buf;
    const int64_t *off = v[1].buf;
    uint64_t *out = v[2].buf;
    Py_ssize_t n = N(v[1]) - 1;
    if (N(v[2]) < SKETCH_WORDS * n || bad_offsets(off, n, N(v[0]))) {
        release(v, 3);
        PyErr_SetString(PyExc_ValueError, "set_sketches: inconsistent sizes or offsets");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t s = 0; s < n; s++) {
        uint8_t count[32] = {0};
        uint64_t *row = out + SKETCH_WORDS * s;
        uint64_t bits[4] = {0, 0, 0, 0};
        int full = 0;
        /* A count past 255 wraps, but full is set by then. */
        for (int64_t i = off[s]; i < off[s + 1]; i++) {
            full |= ++count[h[i] >> 59] > 15;
            bits[(h[i] >> 6) & 3] |= 1ULL << (h[i] & 63);
        }
        uint64_t w[2] = {0, 0};
        for (int k = 0; k < 32; k++)
            w[k >> 4] |= (uint64_t)count[k] << (4 * (k & 15));
        row[0] = full ? ~0ULL : w[0];
        row[1] = full ? ~0ULL : w[1];
        for (int k = 0; k < 4; k++)
            row[2 + k] = bits[k];
    }
    Py_END_ALLOW_THREADS
    release(v, 3);
    return PyLong_FromSsize_t(n);
}

#define LANES 0x0101010101010101ULL

/* The byte lanes' smaller values and their sum, of two words of byte
 * lanes each at most 15: a lane of (a | 0x80) - b keeps its top bit
 * where a >= b, and no lane borrows from the next. */
static inline uint64_t lane_min_sum(uint64_t a, uint64_t b) {
    uint64_t ge = ((((a | (LANES << 7)) - b) >> 7) & LANES) * 0xFF;
    return (((b & ge) | (a & ~ge)) * LANES) >> 56;
}

/* Whether sets of sizes a and b sharing inter values reach Jaccard
 * jaccard or containment of the smaller containment: dedupe.core.verify's
 * reaches, in the same float64 arithmetic. */
static inline int reaches(int64_t inter, int64_t a, int64_t b, double jaccard, double containment) {
    if (inter <= 0 || a <= 0 || b <= 0)
        return 0;
    int64_t uni = a + b - inter, smaller = a < b ? a : b;
    if (uni < 1)
        uni = 1;
    return (double)inter / (double)uni >= jaccard || (double)inter / (double)smaller >= containment;
}

/* reaching_intersections(hashes, offsets, sketches, pairs, jaccard,
 *                        containment, out) -> pairs
 *
 * out[i] = |A & B| for the sets A and B of segments pairs[2i] and
 * pairs[2i+1] (as intersections) where that reaches jaccard or
 * containment, else 0. A pair is first tried on an upper bound of its
 * intersection from the sets' sketches (set_sketches): a shared value is
 * in the same bucket of both, so the sum over the buckets of the smaller
 * count, which for a set whose counts fit is at most its size. Two sets
 * whose counts did not fit are bounded by the smaller. And a set's values
 * in the bitmap buckets the other set leaves empty, at least one per such
 * bucket, are not shared: a set of a few dozen values against one of a
 * few hundred fills only the bitmap of the smaller, where its counts in 32
 * buckets are no bound (on the Japanese Rust book's pages, 160,000 of
 * 394,000 candidate pairs passed the counts, 7,400 pass both, 6,400 reach).
 * The rule holds for a larger intersection when it holds for a smaller,
 * so a pair that fails on its bound fails on its intersection, and is not
 * merged. */
static PyObject *reaching_intersections(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    double jaccard, containment;
    if (!PyArg_ParseTuple(args, "OOOOddO", &o[0], &o[1], &o[2], &o[3], &jaccard, &containment, &o[4]))
        return NULL;
    static const char *names[5] = {"hashes", "offsets", "sketches", "pairs", "out"};
    if (get_all(o, v, 5, NULL, 4, names) < 0)
        return NULL;
    const uint64_t *h = v[0].buf, *sk = v[2].buf;
    const int64_t *off = v[1].buf, *pairs = v[3].buf;
    int64_t *out = v[4].buf;
    Py_ssize_t n_seg = N(v[1]) - 1, m = N(v[4]);
    if (N(v[2]) < SKETCH_WORDS * n_seg || N(v[3]) != 2 * m || bad_offsets(off, n_seg, N(v[0])) ||
        bad_pairs(pairs, m, n_seg)) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "reaching_intersections: inconsistent sizes or a segment out of range");
        return NULL;
    }
    const uint64_t nib = 0x0F0F0F0F0F0F0F0FULL;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t p = 0; p < m; p++) {
        /* Sketches and sizes far apart in memory, fetched some pairs ahead
         * (as in intersections). */
        if (p + AHEAD < m) {
            int64_t a = pairs[2 * (p + AHEAD)], b = pairs[2 * (p + AHEAD) + 1];
            __builtin_prefetch(sk + SKETCH_WORDS * a);
            __builtin_prefetch(sk + SKETCH_WORDS * b);
            __builtin_prefetch(off + a);
            __builtin_prefetch(off + b);
        }
        int64_t a = pairs[2 * p], b = pairs[2 * p + 1];
        int64_t size_a = off[a + 1] - off[a], size_b = off[b + 1] - off[b];
        const uint64_t *x = sk + SKETCH_WORDS * a, *y = sk + SKETCH_WORDS * b;
        int64_t bound;
        if ((x[0] & x[1]) == ~0ULL && (y[0] & y[1]) == ~0ULL) {
            bound = size_a < size_b ? size_a : size_b;
        } else {
            uint64_t sum = 0;
            for (int w = 0; w < 2; w++)
                sum += lane_min_sum(x[w] & nib, y[w] & nib) + lane_min_sum((x[w] >> 4) & nib, (y[w] >> 4) & nib);
            bound = (int64_t)sum;
        }
        int64_t only_a = 0, only_b = 0;
        for (int w = 2; w < SKETCH_WORDS; w++) {
            only_a += __builtin_popcountll(x[w] & ~y[w]);
            only_b += __builtin_popcountll(y[w] & ~x[w]);
        }
        if (size_a - only_a < bound)
            bound = size_a - only_a;
        if (size_b - only_b < bound)
            bound = size_b - only_b;
        int64_t inter = 0;
        if (reaches(bound, size_a, size_b, jaccard, containment)) {
            inter = merged_count(h + off[a], h + off[a + 1], h + off[b], h + off[b + 1]);
            if (!reaches(inter, size_a, size_b, jaccard, containment))
                inter = 0;
        }
        out[p] = inter;
    }
    Py_END_ALLOW_THREADS
    release(v, 5);
    return PyLong_FromSsize_t(m);
}

/* leader_groups(lo, hi, sims, threshold, canonical, sim_out) -> joined
 *
 * The leader rule of dedupe.core.groups over candidate pairs sorted by
 * (hi, lo), lo < hi: each item hi, in order, joins the candidate lo of
 * highest similarity (the earliest among equals) that is at least
 * threshold and is not itself a member; canonical and sim_out (one per
 * item, filled by the caller with each item itself and 1.0) receive the
 * result. Returns the number of members. In Python the loop took 0.4 us
 * a pair, 2 % of a scan of the 20 MB speed benchmark corpus. */
static PyObject *leader_groups(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    double threshold;
    if (!PyArg_ParseTuple(args, "OOOdOO", &o[0], &o[1], &o[2], &threshold, &o[3], &o[4]))
        return NULL;
    static const char *names[5] = {"lo", "hi", "sims", "canonical", "sim_out"};
    if (get_all(o, v, 5, NULL, 3, names) < 0)
        return NULL;
    const int64_t *lo = v[0].buf, *hi = v[1].buf;
    const double *sims = v[2].buf;
    int64_t *canonical = v[3].buf;
    double *sim_out = v[4].buf;
    Py_ssize_t m = N(v[0]), n = N(v[3]);
    int bad = N(v[1]) != m || N(v[2]) != m || N(v[4]) != n;
    for (Py_ssize_t p = 0; !bad && p < m; p++)
        bad = lo[p] < 0 || lo[p] >= hi[p] || hi[p] >= n || (p > 0 && hi[p] < hi[p - 1]);
    if (bad) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "leader_groups: inconsistent sizes, or pairs not sorted by their later item");
        return NULL;
    }
    uint8_t *member = PyMem_RawCalloc((size_t)(n > 0 ? n : 1), 1);
    if (member == NULL) {
        release(v, 5);
        return PyErr_NoMemory();
    }
    Py_ssize_t joined = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t a = 0; a < m;) {
        int64_t j = hi[a], best = -1;
        double best_sim = -1.0;
        Py_ssize_t b = a;
        for (; b < m && hi[b] == j; b++) {
            if (member[lo[b]])
                continue; /* a member of another group: no chaining */
            if (sims[b] >= threshold && sims[b] > best_sim) {
                best = lo[b];
                best_sim = sims[b];
            }
        }
        if (best >= 0) {
            canonical[j] = best;
            sim_out[j] = best_sim;
            member[j] = 1;
            joined++;
        }
        a = b;
    }
    Py_END_ALLOW_THREADS
    PyMem_RawFree(member);
    release(v, 5);
    return PyLong_FromSsize_t(joined);
}

/* XXH3-64 with the default seed and secret, as the published xxHash
 * specification describes it: the same digest as xxhash.xxh3_64, which
 * keys every paragraph and sentence by its token sequence. Here a whole
 * batch of sequences is keyed in one call; through Python it was one call
 * per unit, 7 % of stage 1. */
static const uint8_t XXH3_SECRET[192] = {
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
};
#define XP32_1 0x9E3779B1ULL
#define XP32_2 0x85EBCA77ULL
#define XP32_3 0xC2B2AE3DULL
#define XP64_1 0x9E3779B185EBCA87ULL
#define XP64_2 0xC2B2AE3D27D4EB4FULL
#define XP64_3 0x165667B19E3779F9ULL
#define XP64_4 0x85EBCA77C2B2AE63ULL
#define XP64_5 0x27D4EB2F165667C5ULL
#define XPMX1 0x165667919E3779F9ULL
#define XPMX2 0x9FB21C651E98DF25ULL
#define XBLOCK 1024 /* 16 stripes of 64 bytes: (192 - 64) / 8 stripes a block */

/* Bytes read as little-endian words whatever the machine's order: the
 * digest is of the bytes. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FROM_LE64(x) __builtin_bswap64(x)
#define FROM_LE32(x) __builtin_bswap32(x)
#else
#define FROM_LE64(x) (x)
#define FROM_LE32(x) (x)
#endif

static inline uint64_t le64(const uint8_t *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    return FROM_LE64(x);
}

static inline uint32_t le32(const uint8_t *p) {
    uint32_t x;
    memcpy(&x, p, 4);
    return FROM_LE32(x);
}

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t bswap64(uint64_t x) {
    uint64_t y = 0;
    for (int i = 0; i < 8; i++, x >>= 8)
        y = (y << 8) | (x & 0xFF);
    return y;
}

/* The low and high words of a * b: four 32-bit products, so that no
 * 128-bit type is needed. */
static inline void mul128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
    uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32, bl = b & 0xFFFFFFFFu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
    *lo = (mid << 32) | (ll & 0xFFFFFFFFu);
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static inline uint64_t fold128(uint64_t a, uint64_t b) {
    uint64_t lo, hi;
    mul128(a, b, &lo, &hi);
    return lo ^ hi;
}

static inline uint64_t x3_avalanche(uint64_t x) {
    x ^= x >> 37;
    x *= XPMX1;
    return x ^ (x >> 32);
}

static inline uint64_t x64_avalanche(uint64_t x) {
    x ^= x >> 33;
    x *= XP64_2;
    x ^= x >> 29;
    x *= XP64_3;
    return x ^ (x >> 32);
}

static inline uint64_t mix16(const uint8_t *d, const uint8_t *s) {
    return fold128(le64(d) ^ le64(s), le64(d + 8) ^ le64(s + 8));
}

static uint64_t xxh3_short(const uint8_t *p, size_t len) {
    const uint8_t *s = XXH3_SECRET;
    if (len > 8) {
        uint64_t lo = (le64(s + 24) ^ le64(s + 32)) ^ le64(p);
        uint64_t hi = (le64(s + 40) ^ le64(s + 48)) ^ le64(p + len - 8);
        return x3_avalanche(len + bswap64(lo) + hi + fold128(lo, hi));
    }
    if (len >= 4) {
        uint64_t v = (le64(s + 8) ^ le64(s + 16)) ^ ((uint64_t)le32(p + len - 4) | ((uint64_t)le32(p) << 32));
        v ^= rotl64(v, 49) ^ rotl64(v, 24);
        v *= XPMX2;
        v ^= (v >> 35) + len;
        v *= XPMX2;
        return v ^ (v >> 28);
    }
    if (len > 0) {
        uint32_t c = (uint32_t)p[len - 1] | ((uint32_t)len << 8) | ((uint32_t)p[0] << 16) |
                     ((uint32_t)p[len >> 1] << 24);
        return x64_avalanche((uint64_t)(le32(s) ^ le32(s + 4)) ^ c);
    }
    return x64_avalanche(le64(s + 56) ^ le64(s + 64));
}

static uint64_t xxh3_mid(const uint8_t *p, size_t len) {
    const uint8_t *s = XXH3_SECRET;
    uint64_t acc = len * XP64_1;
    if (len <= 128) {
        for (size_t i = 0; i <= (len - 1) >> 5; i++)
            acc += mix16(p + 16 * i, s + 32 * i) + mix16(p + len - 16 * (i + 1), s + 32 * i + 16);
        return x3_avalanche(acc);
    }
    for (size_t i = 0; i < 8; i++)
        acc += mix16(p + 16 * i, s + 16 * i);
    acc = x3_avalanche(acc);
    for (size_t i = 8; i < len >> 4; i++)
        acc += mix16(p + 16 * i, s + 16 * (i - 8) + 3);
    return x3_avalanche(acc + mix16(p + len - 16, s + 119));
}

static inline void accumulate(uint64_t *acc, const uint8_t *stripe, const uint8_t *s) {
    for (int i = 0; i < 8; i++) {
        uint64_t data = le64(stripe + 8 * i), key = data ^ le64(s + 8 * i);
        acc[i ^ 1] += data;
        acc[i] += (key & 0xFFFFFFFFu) * (key >> 32);
    }
}

static uint64_t xxh3_long(const uint8_t *p, size_t len) {
    const uint8_t *s = XXH3_SECRET;
    uint64_t acc[8] = {XP32_3, XP64_1, XP64_2, XP64_3, XP64_4, XP32_2, XP64_5, XP32_1};
    size_t blocks = (len - 1) / XBLOCK;
    for (size_t b = 0; b < blocks; b++) {
        for (size_t n = 0; n < XBLOCK / 64; n++)
            accumulate(acc, p + b * XBLOCK + 64 * n, s + 8 * n);
        for (int i = 0; i < 8; i++)
            acc[i] = (acc[i] ^ (acc[i] >> 47) ^ le64(s + 128 + 8 * i)) * XP32_1;
    }
    size_t rest = len - blocks * XBLOCK;
    for (size_t n = 0; n < (rest - 1) / 64; n++)
        accumulate(acc, p + blocks * XBLOCK + 64 * n, s + 8 * n);
    accumulate(acc, p + len - 64, s + 121);
    uint64_t result = len * XP64_1;
    for (int i = 0; i < 4; i++)
        result += fold128(acc[2 * i] ^ le64(s + 11 + 16 * i), acc[2 * i + 1] ^ le64(s + 19 + 16 * i));
    return x3_avalanche(result);
}

static uint64_t xxh3_64(const uint8_t *p, size_t len) {
    if (len <= 16)
        return xxh3_short(p, len);
    return len <= 240 ? xxh3_mid(p, len) : xxh3_long(p, len);
}

MULTIVERSION
static void xxh3_many(const uint8_t *data, const int64_t *off, Py_ssize_t m, uint64_t *out) {
    for (Py_ssize_t i = 0; i < m; i++)
        out[i] = xxh3_64(data + off[i], (size_t)(off[i + 1] - off[i]));
}

/* xxh3_slices(data, offsets, out) -> slices
 *
 * out[i] = XXH3-64 of the bytes data[offsets[i]:offsets[i+1]] (uint8
 * data, int64 byte offsets). */
static PyObject *xxh3_slices(PyObject *self, PyObject *args) {
    PyObject *o[3];
    Py_buffer v[3] = {{0}};
    if (!PyArg_ParseTuple(args, "OOO", &o[0], &o[1], &o[2]))
        return NULL;
    static const char *names[3] = {"data", "offsets", "out"};
    static const Py_ssize_t size[3] = {1, 8, 8};
    if (get_all(o, v, 3, size, 2, names) < 0)
        return NULL;
    const uint8_t *data = v[0].buf;
    const int64_t *off = v[1].buf;
    uint64_t *out = v[2].buf;
    Py_ssize_t m = N(v[1]) - 1;
    if (N(v[2]) != m || bad_offsets(off, m, v[0].len)) {
        release(v, 3);
        PyErr_SetString(PyExc_ValueError, "xxh3_slices: inconsistent sizes or offsets out of order");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    xxh3_many(data, off, m, out);
    Py_END_ALLOW_THREADS
    release(v, 3);
    return PyLong_FromSsize_t(m);
}

/* One frame of templates._framed: block tokens tok[0..n) with those not
 * kept replaced, each run of them, by one slot, written at out; the
 * number of values written when the frame is acceptable (it has a slot,
 * at least min_frame words, at least min_share of the block's tokens and
 * no run of slot tokens longer than max_slot), else 0. */
typedef struct {
    uint64_t digit, slot;
    double min_share;
    long long min_frame, max_slot;
} frame_rules;

static Py_ssize_t framed(const uint64_t *tok, const uint8_t *keep, Py_ssize_t n, const frame_rules *r,
                         uint64_t *out, int64_t *literal_out) {
    Py_ssize_t len = 0;
    int64_t literal = 0, words = 0, run = 0, longest = 0;
    int has_slot = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (keep[i]) {
            out[len++] = tok[i];
            literal++;
            words += tok[i] != r->slot && tok[i] != r->digit;
            has_slot |= tok[i] == r->slot;
            run = 0;
        } else {
            if (len == 0 || out[len - 1] != r->slot)
                out[len++] = r->slot;
            has_slot = 1;
            if (++run > longest)
                longest = run;
        }
    }
    *literal_out = literal;
    int ok = has_slot && words >= r->min_frame && (double)literal >= r->min_share * (double)n
             && longest <= r->max_slot;
    return ok ? len : 0;
}

/* level_frames(tokens, offsets, df, need, digit, slot, min_share, min_frame,
 *              max_slot, block_out, literal_out, values_out, offsets_out) -> frames
 *
 * The frames templates.proposals makes of each block
 * (tokens[offsets[b]:offsets[b+1]], df[i] the document frequency of
 * token i), in its order and with its repeats: at each distinct frequency
 * s >= need of the block's tokens, ascending, until one keeps fewer than
 * min_share of them or fewer than min_frame words, the frame of the tokens
 * found in s documents or more, then the same with each lone kept token
 * between two not kept made slot, each when acceptable (framed). Frame f
 * is values_out[offsets_out[f]:offsets_out[f+1]], of block block_out[f],
 * keeping literal_out[f] tokens. A block of n tokens makes at most 2n
 * frames of at most n values each: the outputs hold at least 2 * sum(n)
 * frames and 2 * sum(n * n) values. (templates._Levels makes the same
 * level by level in numpy arrays, a few dozen passes over every level of
 * every block; this reads each level once.) */
static PyObject *level_frames(PyObject *self, PyObject *args) {
    PyObject *o[7];
    Py_buffer v[7] = {{0}};
    long long need;
    frame_rules r;
    if (!PyArg_ParseTuple(args, "OOOLKKdLLOOOO", &o[0], &o[1], &o[2], &need, &r.digit, &r.slot, &r.min_share,
                          &r.min_frame, &r.max_slot, &o[3], &o[4], &o[5], &o[6]))
        return NULL;
    static const char *names[7] = {"tokens", "offsets", "df", "block_out", "literal_out", "values_out",
                                   "offsets_out"};
    if (get_all(o, v, 7, NULL, 3, names) < 0)
        return NULL;
    const uint64_t *tok = v[0].buf;
    const int64_t *off = v[1].buf, *df = v[2].buf;
    int64_t *block_out = v[3].buf, *literal_out = v[4].buf, *offsets_out = v[6].buf;
    uint64_t *values = v[5].buf;
    Py_ssize_t nb = N(v[1]) - 1, longest = 1, frames_cap = 0, values_cap = 0;
    int bad = N(v[2]) != N(v[0]) || bad_offsets(off, nb, N(v[0]));
    for (Py_ssize_t b = 0; !bad && b < nb; b++) {
        Py_ssize_t n = (Py_ssize_t)(off[b + 1] - off[b]);
        longest = n > longest ? n : longest;
        frames_cap += 2 * n;
        values_cap += 2 * n * n;
    }
    if (bad || N(v[3]) < frames_cap || N(v[4]) < frames_cap || N(v[6]) < frames_cap + 1 || N(v[5]) < values_cap) {
        release(v, 7);
        PyErr_SetString(PyExc_ValueError, "level_frames: inconsistent sizes or offsets out of order");
        return NULL;
    }
    /* A block's levels, what a level keeps, and the same with its lone
     * kept tokens made slot. */
    int64_t *levels = PyMem_RawMalloc((size_t)longest * sizeof(int64_t));
    uint8_t *keep = PyMem_RawMalloc((size_t)longest * 2);
    if (levels == NULL || keep == NULL) {
        PyMem_RawFree(levels);
        PyMem_RawFree(keep);
        release(v, 7);
        return PyErr_NoMemory();
    }
    uint8_t *merged = keep + longest;
    Py_ssize_t f = 0, g = 0;
    Py_BEGIN_ALLOW_THREADS
    offsets_out[0] = 0;
    for (Py_ssize_t b = 0; b < nb; b++) {
        const uint64_t *t = tok + off[b];
        const int64_t *d = df + off[b];
        Py_ssize_t n = (Py_ssize_t)(off[b + 1] - off[b]), m = 0;
        /* An insertion sort: a short block has a few dozen tokens, and
         * each of its levels reads all of them anyway. */
        for (Py_ssize_t i = 0; i < n; i++) {
            if (d[i] < need)
                continue;
            Py_ssize_t j = m++;
            while (j > 0 && levels[j - 1] > d[i]) {
                levels[j] = levels[j - 1];
                j--;
            }
            levels[j] = d[i];
        }
        for (Py_ssize_t l = 0; l < m; l++) {
            if (l > 0 && levels[l] == levels[l - 1])
                continue;
            int64_t kept = 0, words = 0;
            for (Py_ssize_t i = 0; i < n; i++) {
                keep[i] = d[i] >= levels[l];
                kept += keep[i];
                words += keep[i] && t[i] != r.digit;
            }
            /* Each level keeps fewer tokens than the one before: once too
             * few are left for a frame, no later one has enough. */
            if ((double)kept < r.min_share * (double)n || words < r.min_frame)
                break;
            int alone = 0;
            for (Py_ssize_t i = 0; i < n; i++) {
                merged[i] = keep[i] && !(i > 0 && i < n - 1 && !keep[i - 1] && !keep[i + 1]);
                alone |= merged[i] != keep[i];
            }
            for (int variant = 0; variant <= alone; variant++) {
                Py_ssize_t len = framed(t, variant ? merged : keep, n, &r, values + g, literal_out + f);
                if (len) {
                    block_out[f] = b;
                    g += len;
                    offsets_out[++f] = g;
                }
            }
        }
    }
    Py_END_ALLOW_THREADS
    PyMem_RawFree(levels);
    PyMem_RawFree(keep);
    release(v, 7);
    return PyLong_FromSsize_t(f);
}

/* The first place p >= pos where t[p:p+m] is run[0:m] (m >= 1), or -1. */
static Py_ssize_t run_at(const uint64_t *t, Py_ssize_t n, const uint64_t *run, Py_ssize_t m, Py_ssize_t pos) {
    for (Py_ssize_t p = pos; p + m <= n; p++)
        if (t[p] == run[0] && memcmp(t + p, run, (size_t)m * sizeof(uint64_t)) == 0)
            return p;
    return -1;
}

/* Whether block t[0..n) fills frame fr[0..nf) as templates.match has it:
 * the frame's runs of tokens between slots found in order (the first at
 * the block's start unless the frame starts with a slot, the last at its
 * end unless it ends with one), every slot holding at least one token,
 * the runs holding at least min_share of the block's tokens and no slot
 * more than max_slot of them. */
static int fills(const uint64_t *t, Py_ssize_t n, const uint64_t *fr, Py_ssize_t nf, uint64_t slot,
                 double min_share, long long max_slot) {
    int lead = nf > 0 && fr[0] == slot, trail = nf > 0 && fr[nf - 1] == slot;
    Py_ssize_t pos = 0, count = 0, first = -1, last = -1, gap = 0;
    for (Py_ssize_t a = 0, r = 0; a <= nf; a++, r++) {
        Py_ssize_t e = a;
        while (e < nf && fr[e] != slot)
            e++;
        Py_ssize_t m = e - a, at;
        if (m > 0) {
            if (r == 0)
                at = m <= n && memcmp(t, fr, (size_t)m * sizeof(uint64_t)) == 0 ? 0 : -1;
            else if (e == nf && !trail)
                at = n - m >= pos && memcmp(t + n - m, fr + a, (size_t)m * sizeof(uint64_t)) == 0 ? n - m : -1;
            else
                at = run_at(t, n, fr + a, m, pos);
            if (at < 0)
                return 0;
            if (at - last - 1 > gap)
                gap = at - last - 1;
            first = first < 0 ? at : first;
            last = at + m - 1;
            count += m;
            pos = at + m + 1; /* the slot after this run holds a token at least */
        }
        a = e;
    }
    if (count == 0 || (lead && first == 0) || (trail && last >= n - 1))
        return 0;
    if (n - last - 1 > gap)
        gap = n - last - 1;
    return (double)count >= min_share * (double)n && gap <= max_slot;
}

/* frame_fills(tokens, offsets, rows, frame, slot, min_share, max_slot, out) -> rows
 *
 * out[i] = 1 when block rows[i] (tokens[offsets[b]:offsets[b+1]]) fills
 * the frame (fills), else 0: what templates._stands asks of every block
 * holding a candidate template's rarest token. */
static PyObject *frame_fills(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_buffer v[5] = {{0}};
    unsigned long long slot;
    double min_share;
    long long max_slot;
    if (!PyArg_ParseTuple(args, "OOOOKdLO", &o[0], &o[1], &o[2], &o[3], &slot, &min_share, &max_slot, &o[4]))
        return NULL;
    static const char *names[5] = {"tokens", "offsets", "rows", "frame", "out"};
    static const Py_ssize_t size[5] = {8, 8, 8, 8, 1};
    if (get_all(o, v, 5, size, 4, names) < 0)
        return NULL;
    const uint64_t *tok = v[0].buf, *fr = v[3].buf;
    const int64_t *off = v[1].buf, *rows = v[2].buf;
    uint8_t *out = v[4].buf;
    Py_ssize_t nb = N(v[1]) - 1, m = N(v[2]);
    if (N(v[4]) != m || bad_offsets(off, nb, N(v[0])) || bad_indices(rows, m, nb)) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "frame_fills: inconsistent sizes, offsets out of order or a row out of range");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < m; i++)
        out[i] = (uint8_t)fills(tok + off[rows[i]], (Py_ssize_t)(off[rows[i] + 1] - off[rows[i]]), fr, N(v[3]), slot,
                                min_share, max_slot);
    Py_END_ALLOW_THREADS
    release(v, 5);
    return PyLong_FromSsize_t(m);
}

/* twister(seed, out)
 *
 * The first len(out) 32-bit outputs of the Mersenne Twister (MT19937)
 * seeded with init_genrand(seed), as numpy's RandomState(seed) draws
 * them: the permutation parameters of datasketch, for every signature
 * call of a clean (signature._twister is the reference). */
#define MT_N 624
#define MT_M 397
static PyObject *twister(PyObject *self, PyObject *args) {
    unsigned long long seed;
    PyObject *o;
    Py_buffer v = {0};
    if (!PyArg_ParseTuple(args, "KO", &seed, &o))
        return NULL;
    if (seed > 0xFFFFFFFFull) {
        PyErr_SetString(PyExc_ValueError, "twister: seed must be between 0 and 2**32 - 1");
        return NULL;
    }
    if (get(o, &v, 4, 1, "out") < 0)
        return NULL;
    uint32_t mt[MT_N], *out = v.buf;
    mt[0] = (uint32_t)seed;
    for (int i = 1; i < MT_N; i++)
        mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint32_t)i;
    int k = MT_N;
    for (Py_ssize_t j = 0; j < N(v); j++) {
        if (k == MT_N) {
            for (int i = 0; i < MT_N; i++) {
                uint32_t y = (mt[i] & 0x80000000u) | (mt[(i + 1) % MT_N] & 0x7FFFFFFFu);
                mt[i] = mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908B0DFu : 0u);
            }
            k = 0;
        }
        uint32_t y = mt[k++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        out[j] = y ^ (y >> 18);
    }
    PyBuffer_Release(&v);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"script_counts", script_counts, METH_VARARGS, "Words and space-less-script characters of a str."},
    {"masked_unsafe", masked_unsafe, METH_VARARGS, "Which spans, masked, need the full Unicode normalization."},
    {"span_tokens", span_tokens, METH_VARARGS, "Token hashes of masked spans of many strs, in one pass."},
    {"sentence_spans", sentence_spans, METH_VARARGS, "The sentences of many spans of many strs."},
    {"span_counts", span_counts, METH_VARARGS, "script_counts of many spans of many strs, and their last visible characters."},
    {"prose_counts", prose_counts, METH_VARARGS, "Visible characters, letters, wide characters, a markup hint and the letters markup may hold, of a str."},
    {"markup_verdict", markup_verdict, METH_VARARGS, "Whether a str is mostly markup (1), prose (0), or only the non-prose expression can tell (2)."},
    {"plain_paragraphs", plain_paragraphs, METH_VARARGS, "The paragraphs of a text of plain prose lines, or None for other text."},
    {"plain_paragraph_rows", plain_paragraph_rows, METH_VARARGS,
     "plain_paragraphs of many texts, as rows of int64 in bytes."},
    {"unique_sets", unique_sets, METH_VARARGS, "Each segment's values sorted, without repeats."},
    {"union_signatures", union_signatures, METH_VARARGS, "Element-wise minima of consecutive runs of signature rows."},
    {"leader_groups", leader_groups, METH_VARARGS, "The leader rule over candidate pairs sorted by their later item."},
    {"intersections", intersections, METH_VARARGS, "Sizes of the intersections of pairs of sorted sets."},
    {"set_sketches", set_sketches, METH_VARARGS, "Counts of each set's values in 32 buckets, four bits each."},
    {"reaching_intersections", reaching_intersections, METH_VARARGS,
     "Sizes of the intersections of pairs of sorted sets that reach a Jaccard or a containment, else 0."},
    {"tokens", tokens, METH_VARARGS, "Token hashes of NUL-joined code points and each text's first token."},
    {"ngrams", ngrams, METH_VARARGS, "Hashed token n-grams of each text."},
    {"minhash", minhash, METH_VARARGS, "datasketch affine32 MinHash signatures of many segments."},
    {"minhash_oph", minhash_oph, METH_VARARGS, "Densified one-permutation MinHash signatures."},
    {"band_keys", band_keys, METH_VARARGS, "LSH band keys of uint32 signatures."},
    {"pack_keys", pack_keys, METH_VARARGS, "One band's keys, tag and members packed as bucket_pairs sorts them."},
    {"bucket_pairs", bucket_pairs, METH_VARARGS, "Keys of the pairs of members sharing a label."},
    {"later_pairs", later_pairs, METH_VARARGS, "The pairs of ascending pair keys whose members differ in group, named."},
    {"xxh3_slices", xxh3_slices, METH_VARARGS, "XXH3-64 digests of many slices of one buffer."},
    {"level_frames", level_frames, METH_VARARGS, "The frames each short block proposes at each of its levels."},
    {"frame_fills", frame_fills, METH_VARARGS, "Whether each of some blocks fills a template's frame."},
    {"twister", twister, METH_VARARGS, "The first outputs of the Mersenne Twister seeded as numpy's RandomState."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "Compiled loops of dedupe.core: tokens, shingles, signatures, sentences, LSH candidates, sets.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }

/* The per-character and per-shingle loops of dedupe.core.shingle and
 * dedupe.core.signature, compiled: the same arithmetic as the numpy
 * implementation (which stays the reference; tests compare the two bit
 * for bit), in one pass over each array instead of a dozen.
 *
 * Every function takes its inputs and its preallocated outputs as objects
 * with the buffer protocol (numpy arrays) and returns a count, so no
 * numpy headers are needed. The constant tables (character classes,
 * per-code-point hashes, position multipliers) are the Python module's
 * own, passed in, so the two implementations cannot drift apart.
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

/* Vectorized clones of the permutation loops where the compiler and the
 * platform support choosing one at load time; one generic build elsewhere. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
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

/* tokens(cp, classes, char_hash, char_pow, th_out, tok_off_out) -> tokens
 *
 * cp: uint32 normalized code points of the texts joined by NUL (class
 * BOUNDARY). A token is one SINGLE character or a run of WORD characters;
 * its hash is fmix64(sum(char_hash[c] * char_pow[pos & 63]) + len * M2).
 * tok_off_out[i] is the first token of text i (texts = NULs + 1, plus one
 * closing entry). th_out needs room for len(cp) hashes. */
static PyObject *tokens(PyObject *self, PyObject *args) {
    PyObject *o[6];
    Py_buffer v[6] = {{0}};
    if (!PyArg_ParseTuple(args, "OOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5]))
        return NULL;
    static const Py_ssize_t size[6] = {4, 1, 8, 8, 8, 8};
    static const char *names[6] = {"cp", "classes", "char_hash", "char_pow", "th_out", "tok_off_out"};
    for (int i = 0; i < 6; i++)
        if (get(o[i], &v[i], size[i], i >= 4, names[i]) < 0) {
            release(v, 6);
            return NULL;
        }
    const uint32_t *cp = v[0].buf;
    const uint8_t *cls = v[1].buf;
    const uint64_t *ch = v[2].buf;
    const uint64_t *pw = v[3].buf;
    uint64_t *th = v[4].buf;
    int64_t *off = v[5].buf;
    Py_ssize_t n = N(v[0]), n_cls = N(v[1]), n_ch = N(v[2]), room = N(v[5]);
    if (N(v[3]) < 64 || N(v[4]) < n || n_cls < 0x110000 || n_ch < 0x110000) {
        release(v, 6);
        PyErr_SetString(PyExc_ValueError, "tokens: a table or an output is too small");
        return NULL;
    }
    Py_ssize_t t = 0, text = 0, bad = 0;
    Py_BEGIN_ALLOW_THREADS
    if (room > 0)
        off[0] = 0;
    uint64_t acc = 0, len = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = cp[i];
        if (c >= 0x110000) {
            bad = 1;
            break;
        }
        uint8_t k = cls[c];
        if (k == WORD) {
            acc += ch[c] * pw[len & 63];
            len++;
            in_word = 1;
            continue;
        }
        if (in_word) {
            th[t++] = fmix64(acc + len * M2);
            acc = len = 0;
            in_word = 0;
        }
        if (k == SINGLE) {
            th[t++] = fmix64(ch[c] * pw[0] + M2);
        } else if (k == BOUNDARY) {
            text++;
            if (text < room)
                off[text] = t;
        }
    }
    if (in_word)
        th[t++] = fmix64(acc + len * M2);
    if (text + 1 < room)
        off[text + 1] = t;
    Py_END_ALLOW_THREADS
    release(v, 6);
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
    for (int i = 0; i < 5; i++)
        if (get(o[i], &v[i], 8, i >= 3, names[i]) < 0) {
            release(v, 5);
            return NULL;
        }
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
        int64_t a = off[s], b = off[s + 1];
        if (b - a >= ngram) {
            for (int64_t i = a; i + ngram <= b; i++) {
                uint64_t h = 0;
                for (Py_ssize_t k = 0; k < ngram; k++)
                    h += th[i + k] * mul[k];
                out[g++] = fmix64(h);
            }
        } else if (b > a) {
            uint64_t h = 0;
            for (int64_t i = a; i < b; i++)
                h += th[i] * mul[i - a];
            out[g++] = fmix64(h);
        }
        out_off[s + 1] = g;
    }
    Py_END_ALLOW_THREADS
    release(v, 5);
    return PyLong_FromSsize_t(g);
}

MULTIVERSION
static void minhash_rows(const uint64_t *restrict hashes, const int64_t *restrict off, Py_ssize_t n,
                         const uint32_t *restrict a,
                         const uint32_t *restrict b, Py_ssize_t k, uint32_t *restrict out) {
    for (Py_ssize_t s = 0; s < n; s++) {
        uint32_t *row = out + s * k;
        for (Py_ssize_t p = 0; p < k; p++)
            row[p] = EMPTY;
        for (int64_t i = off[s]; i < off[s + 1]; i++) {
            uint32_t h = fmix32((uint32_t)hashes[i]);
            for (Py_ssize_t p = 0; p < k; p++) {
                uint32_t x = a[p] * h + b[p];
                row[p] = x < row[p] ? x : row[p];
            }
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
    for (int i = 0; i < 5; i++)
        if (get(o[i], &v[i], size[i], i == 4, names[i]) < 0) {
            release(v, 5);
            return NULL;
        }
    const int64_t *off = v[1].buf;
    Py_ssize_t n = N(v[1]) - 1, k = N(v[2]);
    if (n < 0 || N(v[3]) != k || N(v[4]) != n * k || off[n] > N(v[0]) || off[0] < 0) {
        release(v, 5);
        PyErr_SetString(PyExc_ValueError, "minhash: inconsistent sizes");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    minhash_rows(v[0].buf, off, n, v[2].buf, v[3].buf, k, v[4].buf);
    Py_END_ALLOW_THREADS
    release(v, 5);
    return PyLong_FromSsize_t(n);
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
    for (int i = 0; i < 3; i++)
        if (get(o[i], &v[i], size[i], i == 2, names[i]) < 0) {
            release(v, 3);
            return NULL;
        }
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

/* script_counts(text, classes) -> (words, wide)
 *
 * On the characters of a str as they are (no normalization): runs of
 * class-1 characters (words; a class-2 character ends one) and class-2
 * characters (the space-less scripts, counted one by one). */
static PyObject *script_counts(PyObject *self, PyObject *args) {
    PyObject *text, *table;
    Py_buffer v = {0};
    if (!PyArg_ParseTuple(args, "UO", &text, &table))
        return NULL;
    if (get(table, &v, 1, 0, "classes") < 0)
        return NULL;
    if (N(v) < 0x110000) {
        PyBuffer_Release(&v);
        PyErr_SetString(PyExc_ValueError, "script_counts: the table is too small");
        return NULL;
    }
    const uint8_t *cls = v.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), words = 0, wide = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint8_t k = cls[PyUnicode_READ(kind, data, i)];
        words += k == 1 && !in_word;
        wide += k == 2;
        in_word = k == 1;
    }
    PyBuffer_Release(&v);
    return Py_BuildValue("nn", words, wide);
}

static PyMethodDef methods[] = {
    {"script_counts", script_counts, METH_VARARGS, "Words and space-less-script characters of a str."},
    {"tokens", tokens, METH_VARARGS, "Token hashes of NUL-joined code points and each text's first token."},
    {"ngrams", ngrams, METH_VARARGS, "Hashed token n-grams of each text."},
    {"minhash", minhash, METH_VARARGS, "datasketch affine32 MinHash signatures of many segments."},
    {"minhash_oph", minhash_oph, METH_VARARGS, "Densified one-permutation MinHash signatures."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "Compiled loops of dedupe.core.shingle and dedupe.core.signature.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }

/* SPDX-License-Identifier: MIT */
/*
 * A per-thread bump allocator behind libxml2's allocation hooks.
 *
 * Parsing a page makes libxml2 call malloc once or twice per node and per
 * attribute, and freeing the tree calls free as often: a fifth of the time
 * of an import went to glibc's malloc, free and their bookkeeping. The tree
 * lives exactly as long as one import, so while an import runs on a thread
 * ("a window", folio__xmlmem_begin .. folio__xmlmem_end), what libxml2
 * allocates on that thread is carved from large chunks and given back all at
 * once at the end: no per-node free, no walk of the tree to free it.
 *
 * The hooks are process-wide (libxml2 is not built with per-thread hooks),
 * so they must be harmless to everything else: outside a window, on other
 * threads, and for any block not carved from this thread's chunks, they
 * call the hooks that were installed before (malloc and free unless the
 * application set its own). Inside a window free() of a carved block does
 * nothing, except that the newest block is taken back (the common
 * get-text/use/free pattern), and realloc() grows the newest block in place.
 *
 * What may outlive the window is handled at its end: libxml2 copies the
 * last error into a per-thread global, which is reset there. Process-wide
 * state that libxml2 creates lazily (encoding handlers, the dictionary
 * mutex) is created before the hooks are installed, by xmlInitParser.
 *
 * Under AddressSanitizer or Valgrind the chunks' unused space and every
 * freed block are marked inaccessible, so an overflow or a use after free
 * in libxml2 or in folio is still reported.
 */
#include "import.h"

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#if defined(__SANITIZE_ADDRESS__)
#define XMLMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XMLMEM_ASAN 1
#endif
#endif

#ifdef XMLMEM_ASAN
#include <sanitizer/asan_interface.h>
#define NOACCESS(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define USABLE(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define READABLE(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#elif defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
/* Only when running under Valgrind: each request costs a dozen
 * instructions, several per block. */
static bool on_valgrind;
#define NOACCESS(p, n)                                                    \
    (on_valgrind ? (void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)) : (void)0)
#define USABLE(p, n)                                                      \
    (on_valgrind ? (void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)) : (void)0)
#define READABLE(p, n)                                                    \
    (on_valgrind ? (void)VALGRIND_MAKE_MEM_DEFINED((p), (n)) : (void)0)
#define XMLMEM_VALGRIND 1
#endif
#endif
#ifndef NOACCESS
#define NOACCESS(p, n) ((void)(p), (void)(n))
#define USABLE(p, n) ((void)(p), (void)(n))
#define READABLE(p, n) ((void)(p), (void)(n))
#endif

enum {
    ALIGN = 16,              /* what malloc promises */
    HEADER = ALIGN,          /* each block's size, kept before it */
    FIRST_CHUNK = 64 * 1024, /* doubled for each further chunk ... */
    MAX_CHUNK = 8 * 1024 * 1024, /* ... up to this */
    /* Chunks a thread keeps between windows: fresh memory costs a page
     * fault per 4 KiB, which was a twentieth of an import's time. */
    RETAIN = 4 * 1024 * 1024
};

typedef struct chunk {
    struct chunk *next;      /* older chunk */
    char *end;               /* one past the last usable byte */
    char *top;               /* where the next block starts */
    char *last;              /* newest block (its header), or NULL */
    alignas(ALIGN) char data[];
} chunk;

typedef struct arena {
    chunk *head;             /* newest chunk, the one carved from */
    size_t next_size;        /* size of the next chunk's data */
    bool active;
    chunk *spare;            /* kept from earlier windows, all unused */
    size_t spare_bytes;
    bool registered;         /* with the thread-exit destructor */
} arena;

/* initial-exec: the hooks run for every node, and the general TLS model
 * would cost a call to find this on each. */
static _Thread_local arena tls __attribute__((tls_model("initial-exec")));

/* The hooks found installed, used for everything outside a window. */
static xmlFreeFunc prev_free;
static xmlMallocFunc prev_malloc, prev_malloc_atomic;
static xmlReallocFunc prev_realloc;
static xmlStrdupFunc prev_strdup;
static bool installed;

static size_t round_up(size_t n)
{
    return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

/* The chunk of this thread's window holding `p`, or NULL. */
static chunk *owner(const void *p)
{
    const char *c = p;

    for (chunk *k = tls.head; k != NULL; k = k->next)
        if (c >= k->data && c < k->end)
            return k;
    return NULL;
}

/* A block's size is kept in its header, which is off limits to everyone
 * else under the sanitizers. */
static size_t block_size(const void *p)
{
    char *h = (char *)p - HEADER;
    size_t n;

    READABLE(h, sizeof n);
    memcpy(&n, h, sizeof n);
    NOACCESS(h, sizeof n);
    return n;
}

static void set_block_size(void *p, size_t n)
{
    char *h = (char *)p - HEADER;

    USABLE(h, sizeof n);
    memcpy(h, &n, sizeof n);
    NOACCESS(h, sizeof n);
}

/* A block of `n` bytes from the current window (n > 0). */
static void *carve(size_t n)
{
    size_t need;
    chunk *k = tls.head;
    char *b;

    if (n > SIZE_MAX / 2)
        return NULL;
    need = HEADER + round_up(n);
    if (k == NULL || (size_t)(k->end - k->top) < need) {
        size_t size = tls.next_size;
        chunk **at = &tls.spare;

        if (size < need)
            size = need;
        /* A kept chunk large enough, else a new one. */
        while (*at != NULL && (size_t)((*at)->end - (*at)->data) < need)
            at = &(*at)->next;
        if (*at != NULL) {
            k = *at;
            *at = k->next;
            tls.spare_bytes -= (size_t)(k->end - k->data);
        } else {
            k = malloc(offsetof(chunk, data) + size);
            if (k == NULL)
                return NULL;
            k->end = k->data + size;
            NOACCESS(k->data, size);
        }
        k->next = tls.head;
        k->top = k->data;
        k->last = NULL;
        tls.head = k;
        if (tls.next_size < MAX_CHUNK)
            tls.next_size *= 2;
    }
    b = k->top;
    k->top += need;
    k->last = b;
    USABLE(b + HEADER, n);
    set_block_size(b + HEADER, n);
    return b + HEADER;
}

static void *xm_malloc(size_t n)
{
    if (!tls.active)
        return prev_malloc(n);
    return carve(n == 0 ? 1 : n);
}

static void *xm_malloc_atomic(size_t n)
{
    if (!tls.active)
        return prev_malloc_atomic(n);
    return carve(n == 0 ? 1 : n);
}

static void xm_free(void *p)
{
    chunk *k;

    if (p == NULL)
        return;
    if (tls.head == NULL || (k = owner(p)) == NULL) {
        prev_free(p);
        return;
    }
    /* The newest block goes back to its chunk; others wait for the end
     * of the window. */
    if (k->last == (char *)p - HEADER) {
        k->top = k->last;
        k->last = NULL;
        NOACCESS(k->top, (size_t)(k->end - k->top));
    } else {
        NOACCESS(p, block_size(p));
    }
}

static void *xm_realloc(void *p, size_t n)
{
    chunk *k;
    size_t old;
    void *q;

    if (p == NULL)
        return xm_malloc(n);
    if (tls.head == NULL || (k = owner(p)) == NULL)
        return prev_realloc(p, n);
    if (n == 0)
        n = 1;
    old = block_size(p);
    if (k->last == (char *)p - HEADER
        && n <= (size_t)(k->end - (char *)p)) {
        /* The newest block grows or shrinks where it is. */
        if (n > old)
            USABLE((char *)p + old, n - old);
        else
            NOACCESS((char *)p + n, old - n);
        set_block_size(p, n);
        k->top = (char *)p + round_up(n);
        return p;
    }
    if (n <= old) {
        set_block_size(p, n);
        NOACCESS((char *)p + n, old - n);
        return p;
    }
    /* A block carved after the window ended cannot exist: a carved
     * pointer reached here, so the window is still open. */
    q = carve(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, old);
    NOACCESS(p, old);
    return q;
}

static char *xm_strdup(const char *s)
{
    size_t n;
    char *d;

    if (!tls.active)
        return prev_strdup(s);
    n = strlen(s) + 1;
    d = carve(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static bool have_exit_key;

static void free_chunks(chunk *k)
{
    while (k != NULL) {
        chunk *next = k->next;

        USABLE(k->data, (size_t)(k->end - k->data));
        free(k);
        k = next;
    }
}

/* A thread ends: its kept chunks go. (The main thread's stay reachable
 * until the process ends.) */
static void thread_exit(void *arg)
{
    arena *a = arg;

    free_chunks(a->spare);
    a->spare = NULL;
    a->spare_bytes = 0;
}

static void install(void)
{
    /* libxml2's lazily built global state first, with the old hooks, so
     * none of it is ever carved from a window. */
    xmlInitParser();
    have_exit_key = pthread_key_create(&exit_key, thread_exit) == 0;
#ifdef XMLMEM_VALGRIND
    on_valgrind = RUNNING_ON_VALGRIND != 0;
#endif
    if (xmlGcMemGet(&prev_free, &prev_malloc, &prev_malloc_atomic,
                    &prev_realloc, &prev_strdup) != 0
        || prev_free == NULL || prev_malloc == NULL
        || prev_malloc_atomic == NULL || prev_realloc == NULL
        || prev_strdup == NULL)
        return;
    if (xmlGcMemSetup(xm_free, xm_malloc, xm_malloc_atomic, xm_realloc,
                      xm_strdup) == 0)
        installed = true;
}

void folio__xmlmem_init(void)
{
    pthread_once(&install_once, install);
}

bool folio__xmlmem_begin(void)
{
    xmlFreeFunc f;
    xmlMallocFunc m, ma;
    xmlReallocFunc r;
    xmlStrdupFunc s;

    folio__xmlmem_init();
    if (!installed || tls.active || tls.head != NULL)
        return false;
    /* Someone may have replaced the hooks since: then libxml2 would not
     * come to us, and nothing could be dropped at the end. */
    if (xmlGcMemGet(&f, &m, &ma, &r, &s) != 0 || f != xm_free
        || m != xm_malloc || r != xm_realloc)
        return false;
    tls.next_size = FIRST_CHUNK;
    tls.active = true;
    return true;
}

void folio__xmlmem_end(void)
{
    chunk *k = tls.head;

    /* The copy of the last parser error points into the window. */
    xmlResetLastError();
    tls.active = false;
    tls.head = NULL;
    if (!tls.registered && have_exit_key)
        tls.registered = pthread_setspecific(exit_key, &tls) == 0;
    while (k != NULL) {
        chunk *next = k->next;
        size_t size = (size_t)(k->end - k->data);

        if (tls.registered && tls.spare_bytes + size <= RETAIN) {
            NOACCESS(k->data, size);
            k->next = tls.spare;
            tls.spare = k;
            tls.spare_bytes += size;
        } else {
            k->next = NULL;
            free_chunks(k);
        }
        k = next;
    }
}

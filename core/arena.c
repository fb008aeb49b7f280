/* SPDX-License-Identifier: MIT */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Chunks grow geometrically from 4 KiB to 1 MiB so a small page costs one
 * malloc and a large one a few dozen; a request bigger than a chunk gets a
 * chunk of its own. */
#define CHUNK_MIN 4096u
#define CHUNK_MAX (1024u * 1024u)

struct folio__chunk {
    folio__chunk *next;
    size_t cap, used;
    alignas(max_align_t) unsigned char data[];
};

void folio__arena_init(folio__arena *a, size_t limit)
{
    a->head = NULL;
    a->used_total = 0;
    a->limit = limit;
}

void folio__arena_dispose(folio__arena *a)
{
    folio__chunk *c = a->head;
    while (c != NULL) {
        folio__chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *folio__arena_alloc(folio__arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (a->limit != 0 && (a->used_total > a->limit ||
                          n > a->limit - a->used_total))
        return NULL;

    folio__chunk *c = a->head;
    if (c == NULL || c->cap - c->used < n) {
        size_t cap = c == NULL ? CHUNK_MIN : c->cap * 2;
        if (cap > CHUNK_MAX)
            cap = CHUNK_MAX;
        if (cap < n)
            cap = n;
        c = malloc(sizeof *c + cap);
        if (c == NULL)
            return NULL;
        c->cap = cap;
        c->used = 0;
        /* A chunk made for one big request goes behind the head, so the
         * head's free space stays in use. */
        if (a->head != NULL && cap == n && a->head->cap - a->head->used >
                                               CHUNK_MIN / 4) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    a->used_total += n;
    memset(p, 0, n);
    return p;
}

char *folio__arena_strndup(folio__arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = folio__arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    if (n > 0)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *folio__arena_strdup(folio__arena *a, const char *s)
{
    return folio__arena_strndup(a, s, strlen(s));
}

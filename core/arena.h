/* SPDX-License-Identifier: MIT */
/* Bump allocator: many small allocations, freed at once. Not thread-safe;
 * each document and each job owns its own. */
#ifndef FOLIO_CORE_ARENA_H
#define FOLIO_CORE_ARENA_H

#include <stddef.h>

typedef struct folio__chunk folio__chunk;

typedef struct folio__arena {
    folio__chunk *head;
    size_t used_total;     /* bytes handed out, for limits and stats */
    size_t limit;          /* 0: unlimited; else alloc fails past it */
} folio__arena;

void folio__arena_init(folio__arena *a, size_t limit);
void folio__arena_dispose(folio__arena *a);
/* Returns zeroed memory aligned for any type, or NULL. */
void *folio__arena_alloc(folio__arena *a, size_t n);
/* Copies n bytes plus a NUL. */
char *folio__arena_strndup(folio__arena *a, const char *s, size_t n);
char *folio__arena_strdup(folio__arena *a, const char *s);

#endif

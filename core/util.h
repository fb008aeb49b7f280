/* SPDX-License-Identifier: MIT */
/* Small helpers shared by core modules. */
#ifndef FOLIO_CORE_UTIL_H
#define FOLIO_CORE_UTIL_H

#include <stdint.h>
#include <stdlib.h>

#include "folio/error.h"

/* Grows the malloc'd array `*items` of `size`-byte elements, doubling its
 * capacity `*cap`, until it holds at least `need` elements. Returns
 * FOLIO_OK, or FOLIO_ENOMEM (the array is then unchanged). */
static inline int folio__grow(void **items, size_t *cap, size_t need,
                              size_t size)
{
    if (need <= *cap)
        return FOLIO_OK;
    size_t ncap = *cap == 0 ? 8 : *cap;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / size)
            return FOLIO_ENOMEM;
        ncap *= 2;
    }
    void *p = realloc(*items, ncap * size);
    if (p == NULL)
        return FOLIO_ENOMEM;
    *items = p;
    *cap = ncap;
    return FOLIO_OK;
}

/* The value of hex digit `c`, or -1: for %XX escapes in URLs. */
static inline int folio__hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif

/* SPDX-License-Identifier: MIT */
/* ASCII helpers the input plugins' probes share: byte tests that must not
 * depend on the locale. Header-only (static inline), so each plugin stays
 * one self-contained module. */
#ifndef FOLIO_PLUGIN_ASCII_H
#define FOLIO_PLUGIN_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* HTML white space. */
static inline bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static inline unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True when s[0..len) starts with the lower-case ASCII `w`, ignoring
 * ASCII case. */
static inline bool starts_with_ci(const unsigned char *s, size_t len,
                                  const char *w)
{
    size_t n = strlen(w);

    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (lower(s[i]) != (unsigned char)w[i])
            return false;
    }
    return true;
}

#endif

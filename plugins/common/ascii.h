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

/* True when s[0..n) can be a URL as a browser serialises it into a
 * saved page's comment: at most `max` bytes of printable ASCII without
 * spaces, quotes, angle brackets or backslashes, with a scheme. */
static inline bool plausible_url(const unsigned char *s, size_t n,
                                 size_t max)
{
    size_t colon = 0;

    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] <= 0x20 || s[i] >= 0x7F || s[i] == '"' || s[i] == '<' ||
            s[i] == '>' || s[i] == '\\')
            return false;
        if (s[i] == ':' && colon == 0)
            colon = i;
    }
    return colon > 0;
}

#endif

/* SPDX-License-Identifier: MIT */
/* URL resolution: references against the document base, srcset choice,
 * and finding the base itself. */
#include "import.h"
#include "dom.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

/* srcset candidates considered; the rest of a pathological list is
 * ignored. */
#define SRCSET_MAX_CANDIDATES 64

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* WHATWG URL parsing strips C0 controls and spaces at both ends. */
static int is_c0_or_space(int c)
{
    return c >= 0 && c <= 0x20;
}

/* Length of the scheme of `s` (without the ':'), or 0 when `s` has none. */
static size_t scheme_len(const char *s)
{
    size_t i = 0;

    if (!is_alpha((unsigned char)s[0]))
        return 0;
    while (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])
           || s[i] == '+' || s[i] == '-' || s[i] == '.')
        i++;
    return s[i] == ':' ? i : 0;
}

static int scheme_is(const char *s, size_t n, const char *lit)
{
    size_t k;

    if (strlen(lit) != n)
        return 0;
    for (k = 0; k < n; k++)
        if (lower((unsigned char)s[k]) != lit[k])
            return 0;
    return 1;
}

static int is_http_url(const char *s)
{
    size_t n = s != NULL ? scheme_len(s) : 0;

    return n > 0 && (scheme_is(s, n, "http") || scheme_is(s, n, "https"));
}

/* True when byte i of s[0..len) must be percent-encoded for libxml2's
 * RFC 3986 parser: spaces, controls, bytes >= 0x80, a few ASCII
 * characters URLs may not hold, and a '%' that starts no escape. */
static int needs_escape(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];

    if (c <= 0x20 || c >= 0x7F)
        return 1;
    if (strchr("\"<>`{}|^\\", c) != NULL)
        return 1;
    if (c == '%')
        return !(i + 2 < len && is_hex((unsigned char)s[i + 1])
                 && is_hex((unsigned char)s[i + 2]));
    return 0;
}

/* Copies `s[0..len)` without tabs and newlines (WHATWG removes them
 * anywhere in a URL), escaping what needs_escape() says. */
static char *escape_url(const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, n = 0;
    char *out, *o;

    for (i = 0; i < len; i++) {
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            continue;
        n += needs_escape(s, len, i) ? 3 : 1;
    }
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    o = out;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (needs_escape(s, len, i)) {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}

/* True for a data: URL that a browser would render as a document. */
static int is_data_html(const char *s, size_t scheme)
{
    const char *p = s + scheme + 1;
    static const char *const bad[] = { "text/html", "application/xhtml",
                                       "image/svg+xml", "text/xml",
                                       "application/xml" };
    size_t k;

    while (*p == ' ')
        p++;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t n = strlen(bad[k]), j;
        for (j = 0; j < n; j++)
            if (lower((unsigned char)p[j]) != bad[k][j])
                break;
        if (j == n)
            return 1;
    }
    return 0;
}

char *folio__url_resolve(const char *base, const char *ref, bool *dropped)
{
    const char *end;
    size_t len, sl;
    char *eref = NULL, *ebase = NULL, *out = NULL;
    xmlChar *built;

    if (dropped != NULL)
        *dropped = false;
    if (ref == NULL)
        ref = "";
    while (*ref != '\0' && is_c0_or_space((unsigned char)*ref))
        ref++;
    end = ref + strlen(ref);
    while (end > ref && is_c0_or_space((unsigned char)end[-1]))
        end--;
    len = (size_t)(end - ref);

    eref = escape_url(ref, len);
    if (eref == NULL)
        return NULL;
    sl = scheme_len(eref);
    if (sl > 0) {
        /* Script URLs and documents smuggled in data: are never links. */
        if (scheme_is(eref, sl, "javascript") || scheme_is(eref, sl, "vbscript")
            || scheme_is(eref, sl, "livescript")
            || (scheme_is(eref, sl, "data") && is_data_html(eref, sl))) {
            if (dropped != NULL)
                *dropped = true;
            free(eref);
            return NULL;
        }
        /* Already absolute; normalise only the scheme's case. */
        {
            size_t k;
            for (k = 0; k < sl; k++)
                eref[k] = (char)lower((unsigned char)eref[k]);
        }
        return eref;
    }
    /* Only an http(s) base is trusted: resolving against file: or an
     * extension URL would leak the local path into the output. */
    if (!is_http_url(base)) {
        if (eref[0] == '/' && eref[1] == '/') {
            /* Protocol-relative with no usable base: the web is https. */
            out = malloc(strlen(eref) + 7);
            if (out != NULL) {
                memcpy(out, "https:", 6);
                strcpy(out + 6, eref);
            }
            free(eref);
            return out;
        }
        return eref;
    }
    ebase = escape_url(base, strlen(base));
    if (ebase == NULL) {
        free(eref);
        return NULL;
    }
    built = xmlBuildURI((const xmlChar *)eref, (const xmlChar *)ebase);
    if (built != NULL) {
        out = strdup((const char *)built);
        xmlFree(built);
        free(eref);
    } else {
        /* libxml2 refused it (a malformed host, say): keep the reference. */
        out = eref;
    }
    free(ebase);
    return out;
}

/* ------------------------------------------------------------------ */
/* srcset                                                             */
/* ------------------------------------------------------------------ */

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Parses a non-negative decimal (with optional fraction) from
 * s[0..len); returns -1 when it is not one. */
static double parse_number(const char *s, size_t len)
{
    double v = 0, scale = 1;
    size_t i = 0;
    int digits = 0, frac = 0;

    if (len == 0)
        return -1;
    for (; i < len; i++) {
        char c = s[i];
        if (is_digit((unsigned char)c)) {
            digits++;
            if (frac) {
                scale /= 10;
                v += (c - '0') * scale;
            } else if (v < 1e12) {
                v = v * 10 + (c - '0');
            }
        } else if (c == '.' && !frac) {
            frac = 1;
        } else {
            return -1;
        }
    }
    return digits ? v : -1;
}

char *folio__srcset_best(const char *base, const char *srcset)
{
    const char *p = srcset;
    const char *best_url = NULL;
    size_t best_len = 0;
    double best_w = -1, best_x = -1;
    int n = 0;

    if (srcset == NULL)
        return NULL;
    while (*p != '\0' && n < SRCSET_MAX_CANDIDATES) {
        const char *url, *d;
        size_t ulen;
        double w = -1, x = -1;
        int paren = 0, better;

        while (is_ws((unsigned char)*p) || *p == ',')
            p++;
        if (*p == '\0')
            break;
        url = p;
        while (*p != '\0' && !is_ws((unsigned char)*p))
            p++;
        ulen = (size_t)(p - url);
        /* A URL ending in commas has no descriptors (WHATWG). */
        if (ulen > 0 && url[ulen - 1] == ',') {
            while (ulen > 0 && url[ulen - 1] == ',')
                ulen--;
        } else {
            /* Descriptors up to the next comma outside parentheses. */
            while (*p != '\0') {
                while (is_ws((unsigned char)*p))
                    p++;
                if (*p == ',' || *p == '\0')
                    break;
                d = p;
                while (*p != '\0' && (paren || (!is_ws((unsigned char)*p)
                                                 && *p != ','))) {
                    if (*p == '(')
                        paren = 1;
                    else if (*p == ')')
                        paren = 0;
                    p++;
                }
                if (p > d) {
                    size_t dl = (size_t)(p - d);
                    char unit = (char)lower((unsigned char)d[dl - 1]);
                    if (unit == 'w')
                        w = parse_number(d, dl - 1);
                    else if (unit == 'x')
                        x = parse_number(d, dl - 1);
                }
            }
        }
        if (ulen == 0)
            continue;
        n++;
        if (w < 0 && x < 0)
            x = 1;              /* no descriptor means 1x */
        /* Width descriptors beat densities; the largest of a kind wins,
         * the first on ties. */
        if (best_url == NULL)
            better = 1;
        else if (w >= 0)
            better = best_w < 0 || w > best_w;
        else
            better = best_w < 0 && x > best_x;
        if (better) {
            best_url = url;
            best_len = ulen;
            best_w = w;
            best_x = x;
        }
    }
    if (best_url == NULL)
        return NULL;
    {
        char *copy = malloc(best_len + 1), *out;
        bool dropped;
        if (copy == NULL)
            return NULL;
        memcpy(copy, best_url, best_len);
        copy[best_len] = '\0';
        out = folio__url_resolve(base, copy, &dropped);
        free(copy);
        return out;
    }
}

/* ------------------------------------------------------------------ */
/* The document base                                                  */
/* ------------------------------------------------------------------ */

/* The page's own hints (the elements of folio__parse_marks). */
typedef struct base_hints {
    const char *base_href, *canonical, *og_url;
} base_hints;

static int usable_http(const char *s)
{
    return s != NULL && is_http_url(s);
}

char *folio__url_base(xmlDocPtr html, const char *doc_url,
                      const char *override,
                      const folio__parse_marks *marks)
{
    base_hints h;
    folio__parse_marks found;
    const char *doc = NULL;

    if (override != NULL && *override != '\0') {
        char *o = folio__url_resolve(NULL, override, NULL);
        return o;
    }
    if (marks == NULL) {
        memset(&found, 0, sizeof found);
        if (html != NULL)
            folio__parse_marks_find(html, &found);
        marks = &found;
    }
    h.base_href = marks->base ? dom_attr(marks->base, "href") : NULL;
    h.canonical = marks->canonical ? dom_attr(marks->canonical, "href")
                                   : NULL;
    h.og_url = marks->og_url ? dom_attr(marks->og_url, "content") : NULL;
    if (usable_http(doc_url))
        doc = doc_url;
    if (h.base_href != NULL && *h.base_href != '\0') {
        char *b = folio__url_resolve(doc, h.base_href, NULL);
        if (b == NULL || usable_http(b))
            return b;
        free(b);
    }
    if (doc != NULL)
        return strdup(doc);
    if (h.canonical != NULL) {
        char *b = folio__url_resolve(NULL, h.canonical, NULL);
        if (b == NULL || usable_http(b))
            return b;
        free(b);
    }
    if (h.og_url != NULL) {
        char *b = folio__url_resolve(NULL, h.og_url, NULL);
        if (b == NULL || usable_http(b))
            return b;
        free(b);
    }
    return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * Input plugin "singlefile": a page saved by the SingleFile extension or
 * single-file-cli.
 *
 * SingleFile writes one HTML file whose images, fonts and stylesheets are
 * inlined as data: URIs, and puts a comment at the start of <html>:
 *
 *     <!--
 *      Page saved with SingleFile
 *      url: https://example.com/post
 *      saved date: Sat Nov 28 2026 13:01:02 GMT+0000 (Coordinated ...)
 *     -->
 *
 * The plugin recognises that comment and reads the page's address and
 * capture time from it; the HTML goes to the core importer unchanged (the
 * importer decodes data: images into assets for every input).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "folio/plugin.h"

#include "ascii.h"

/* SingleFile puts its comment right after <html ...>, so it sits within
 * the first few hundred bytes; 4 KiB leaves room for long <html>
 * attribute lists. */
#define PROBE_WINDOW 4096
/* The comment is a handful of lines; a longer one is not SingleFile's. */
#define COMMENT_MAX (16 * 1024)
/* Longest URL taken from the comment. */
#define URL_MAX 8192

#define SCORE_SINGLEFILE 95

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

/* True when s[0..len) is "<name" followed by the end of the tag name. */
static bool is_tag(const unsigned char *s, size_t len, const char *name)
{
    size_t n = strlen(name);

    if (len <= n + 1 || s[0] != '<' || !starts_with_ci(s + 1, len - 1, name))
        return false;
    return is_space(s[n + 1]) || s[n + 1] == '>' || s[n + 1] == '/';
}

/* Returns the offset just past the next '>' at or after `i`, or `len`. */
static size_t skip_tag(const unsigned char *s, size_t len, size_t i)
{
    const unsigned char *gt = memchr(s + i, '>', len - i);

    return gt != NULL ? (size_t)(gt - s) + 1 : len;
}

/* Where the comment is and what the <html> tag says. */
typedef struct marker {
    size_t body;      /* first byte inside "<!--" */
    size_t html_tag;  /* offset of "<html", or SIZE_MAX when absent */
    size_t html_end;  /* just past that tag's '>' */
} marker;

/*
 * Finds SingleFile's comment within s[0..len): it must be the first
 * comment, preceded only by a BOM, whitespace, an XML declaration, a
 * doctype and the <html>/<head> start tags, and begin with the words
 * SingleFile writes. Allocates nothing (probe() uses it).
 */
static bool find_marker(const unsigned char *s, size_t len, marker *m)
{
    size_t i = 0;

    m->html_tag = m->html_end = (size_t)-1;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    while (i < len) {
        if (is_space(s[i])) {
            i++;
        } else if (starts_with_ci(s + i, len - i, "<!doctype") ||
                   starts_with_ci(s + i, len - i, "<?")) {
            i = skip_tag(s, len, i);
        } else if (is_tag(s + i, len - i, "html")) {
            m->html_tag = i;
            i = m->html_end = skip_tag(s, len, i);
        } else if (is_tag(s + i, len - i, "head")) {
            i = skip_tag(s, len, i);
        } else {
            break;
        }
    }
    if (!starts_with_ci(s + i, len - i, "<!--"))
        return false;
    i += 4;
    m->body = i;
    while (i < len && is_space(s[i]))
        i++;
    /* "Archive processed by SingleFile" is what versions before 2019
     * wrote. */
    return starts_with_ci(s + i, len - i, "page saved with singlefile") ||
           starts_with_ci(s + i, len - i, "archive processed by singlefile");
}

/* ------------------------------------------------------------------ */
/* Probe                                                              */
/* ------------------------------------------------------------------ */

static int singlefile_probe(const unsigned char *buf, size_t len)
{
    marker m;

    if (buf == NULL || len == 0)
        return 0;
    return find_marker(buf, len < PROBE_WINDOW ? len : PROBE_WINDOW, &m)
               ? SCORE_SINGLEFILE
               : 0;
}

/* ------------------------------------------------------------------ */
/* The comment's fields                                               */
/* ------------------------------------------------------------------ */

/* Returns the value of the field `key` ("url:") on a line of the comment
 * s[0..len) as a [*val, *val + *vlen) span with the spaces around it
 * trimmed, or false when no line starts with it. */
static bool comment_field(const unsigned char *s, size_t len, const char *key,
                          const unsigned char **val, size_t *vlen)
{
    size_t i = 0;

    while (i < len) {
        const unsigned char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - s) : len;
        size_t a = i, b = end;

        while (a < b && is_space(s[a]))
            a++;
        if (starts_with_ci(s + a, b - a, key)) {
            a += strlen(key);
            while (a < b && is_space(s[a]))
                a++;
            while (b > a && is_space(s[b - 1]))
                b--;
            *val = s + a;
            *vlen = b - a;
            return true;
        }
        i = end + 1;
    }
    return false;
}

/* True when the URL can serve as a base for the page's links: a web
 * address. file: URLs must never be a base (FORMATS.md), and about: or
 * data: pages have none. */
static bool is_web_url(const unsigned char *s, size_t n)
{
    return starts_with_ci(s, n, "http://") || starts_with_ci(s, n, "https://");
}

static int month_of(const unsigned char *s)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";

    for (int i = 0; i < 12; i++) {
        if (lower(s[0]) == (unsigned char)names[3 * i] &&
            lower(s[1]) == (unsigned char)names[3 * i + 1] &&
            lower(s[2]) == (unsigned char)names[3 * i + 2])
            return i + 1;
    }
    return 0;
}

/* Reads 1..max decimal digits at s[*i]; returns -1 when there are none. */
static long digits(const unsigned char *s, size_t len, size_t *i, int max)
{
    long v = 0;
    int n = 0;

    while (*i < len && n < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n > 0 ? v : -1;
}

static bool expect(const unsigned char *s, size_t len, size_t *i,
                   unsigned char c)
{
    if (*i >= len || s[*i] != c)
        return false;
    (*i)++;
    return true;
}

static int days_in_month(long y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/*
 * Converts JavaScript's Date.prototype.toString() form, which SingleFile
 * writes ("Sat Nov 28 2026 13:01:02 GMT+0000 (Coordinated Universal
 * Time)"), to ISO 8601 with the offset ("2026-11-28T13:01:02+00:00") in
 * `out`. The weekday and the zone name are not checked: browsers
 * localise the name, and the offset says all that matters. Returns false
 * when the text has another shape or impossible values.
 */
static bool parse_js_date(const unsigned char *s, size_t len, char *out,
                          size_t outlen)
{
    size_t i = 0;
    long day, year, hh, mm, ss, off;
    int month;
    char sign;

    /* "Sat " */
    if (len < 4 || s[3] != ' ')
        return false;
    i = 4;
    /* "Nov 28 2026 " */
    if (len - i < 4 || (month = month_of(s + i)) == 0 || s[i + 3] != ' ')
        return false;
    i += 4;
    if ((day = digits(s, len, &i, 2)) < 1 || !expect(s, len, &i, ' ') ||
        (year = digits(s, len, &i, 4)) < 0 || !expect(s, len, &i, ' '))
        return false;
    /* "13:01:02 " */
    if ((hh = digits(s, len, &i, 2)) < 0 || !expect(s, len, &i, ':') ||
        (mm = digits(s, len, &i, 2)) < 0 || !expect(s, len, &i, ':') ||
        (ss = digits(s, len, &i, 2)) < 0 || !expect(s, len, &i, ' '))
        return false;
    /* "GMT+0000" */
    if (len - i < 8 || memcmp(s + i, "GMT", 3) != 0 ||
        (s[i + 3] != '+' && s[i + 3] != '-'))
        return false;
    sign = (char)s[i + 3];
    i += 4;
    {
        size_t start = i;

        if ((off = digits(s, len, &i, 4)) < 0 || i - start != 4)
            return false;
    }
    /* The rest must be nothing or " (zone name)". */
    if (i < len && s[i] != ' ')
        return false;

    if (year < 1 || day > days_in_month(year, month) || hh > 23 || mm > 59 ||
        ss > 59 || off / 100 > 14 || off % 100 > 59)
        return false;
    snprintf(out, outlen, "%04ld-%02d-%02ldT%02ld:%02ld:%02ld%c%02ld:%02ld",
             year, month, day, hh, mm, ss, sign, off / 100, off % 100);
    return true;
}

/* ------------------------------------------------------------------ */
/* Read                                                               */
/* ------------------------------------------------------------------ */

/* True when the <html> start tag carries `data-sfz`: SingleFile's
 * self-extracting ZIP format, whose page is inside a ZIP the HTML
 * carries. */
static bool is_sfz(const unsigned char *buf, const marker *m)
{
    static const char attr[] = "data-sfz";

    if (m->html_tag == (size_t)-1)
        return false;
    for (size_t i = m->html_tag + 5; i + sizeof attr - 1 <= m->html_end;
         i++) {
        if (starts_with_ci(buf + i, m->html_end - i, attr) &&
            is_space(buf[i - 1]))
            return true;
    }
    return false;
}

static int singlefile_read(const folio_host *h, folio_job *job,
                           const unsigned char *buf, size_t len)
{
    folio_html_input in;
    marker m;
    const unsigned char *val;
    size_t vlen, clen;
    const unsigned char *end;
    char captured[64];

    if (buf == NULL || len == 0)
        return h->error(job, FOLIO_EINVALID, "empty input");

    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = buf;
    in.len = len;

    /* Only -f singlefile gets a page without the comment here: a wrong
     * format named by the user is an error, not a silent fallback. */
    if (!find_marker(buf, len < PROBE_WINDOW ? len : PROBE_WINDOW, &m))
        return h->error(job, FOLIO_EINVALID,
                        "not a SingleFile page: no \"Page saved with "
                        "SingleFile\" comment at the start (read it with "
                        "-f html)");
    if (is_sfz(buf, &m))
        return h->error(job, FOLIO_EUNSUPPORTED,
                        "SingleFile self-extracting ZIP pages are not "
                        "supported (the page is inside a ZIP archive)");

    clen = len - m.body < COMMENT_MAX ? len - m.body : COMMENT_MAX;
    end = NULL;
    for (size_t i = 0; i + 3 <= clen; i++) {
        if (memcmp(buf + m.body + i, "-->", 3) == 0) {
            end = buf + m.body + i;
            break;
        }
    }
    if (end == NULL) {
        h->warn(job, "the SingleFile comment does not end; its url and "
                     "date are ignored");
        return h->import_html(job, &in);
    }
    clen = (size_t)(end - (buf + m.body));

    if (comment_field(buf + m.body, clen, "url:", &val, &vlen)) {
        if (plausible_url(val, vlen, URL_MAX)) {
            char *url = h->strndup(job, (const char *)val, vlen);

            if (url == NULL)
                return h->error(job, FOLIO_ENOMEM, "out of memory");
            in.source = url;
            if (is_web_url(val, vlen))
                in.url = url;
        } else {
            h->warn(job, "the SingleFile comment's url is not a URL; "
                         "ignored");
        }
    }
    if (comment_field(buf + m.body, clen, "saved date:", &val, &vlen)) {
        if (parse_js_date(val, vlen, captured, sizeof captured))
            in.captured = captured;
        else
            h->warn(job, "cannot read the SingleFile saved date; the "
                         "capture time is left out");
    }
    return h->import_html(job, &in);
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const folio_input_ops singlefile_ops = {
    .size = sizeof(folio_input_ops),
    .probe = singlefile_probe,
    .read = singlefile_read,
};

static const folio_plugin singlefile_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_INPUT,
    .name = "singlefile",
    .version = "0.1.0",
    .description = "Page saved with SingleFile (resources as data: URIs)",
    .formats = NULL,
    .input = &singlefile_ops,
};

FOLIO_PLUGIN_DEFINE(singlefile_plugin)

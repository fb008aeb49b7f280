/* SPDX-License-Identifier: MIT */
/*
 * Input plugin "mhtml": a saved page as RFC 2557 multipart/related (MHTML,
 * .mht), as Chromium, Edge, old Internet Explorer and Word write it.
 *
 * read() walks the MIME structure once without decoding anything, noting
 * each leaf part's headers and where its body lies in the input. Then it
 * picks the page (the part named by the multipart's `start` parameter or
 * by Snapshot-Content-Location, else the first HTML part), decodes every
 * image part and hands it to host->add_asset under its Content-Location
 * and its cid: URL, and finally decodes the page and hands it to
 * host->import_html with the provenance the top-level headers carry.
 * Parts of other types (stylesheets, scripts, fonts, frames) are never
 * decoded.
 *
 * The input is hostile: nesting, part count, header sizes and the total
 * of decoded bytes are bounded, nesting is walked with an explicit stack,
 * and a file cut short keeps the parts that were complete.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio/plugin.h"
#include "mime.h"

/* probe() reads this much of the input: the header block of every MHTML
 * writer we know fits in a few hundred bytes. */
#define PROBE_WINDOW 8192
#define SCORE_MHTML 95

/* Limits. A Chromium save of a big page has a few hundred parts and
 * header fields under 1 KiB; these leave room for any real file. */
#define MAX_DEPTH 8                       /* nested multiparts */
#define MAX_PARTS 10000                   /* parts of every level */
#define MAX_FIELD ((size_t)64 * 1024)     /* one unfolded header field */
#define MAX_HEADER_BLOCK ((size_t)256 * 1024)
#define MAX_FIELDS 1000                   /* fields in one header block */
#define MAX_DECODED ((size_t)256 * 1024 * 1024) /* all decoded bodies */

/* ------------------------------------------------------------------ */
/* Probe                                                              */
/* ------------------------------------------------------------------ */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static bool starts_ci(const unsigned char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);

    if (n < wl)
        return false;
    for (size_t i = 0; i < wl; i++) {
        unsigned char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i])
            return false;
    }
    return true;
}

/* Skips a UTF-8 byte order mark (editors add one when a file is saved
 * again) and the blank lines some writers put before the headers. */
static size_t skip_leading_blank_lines(const unsigned char *buf, size_t len)
{
    size_t p = 0;

    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        p = 3;
    while (p < len && (buf[p] == '\r' || buf[p] == '\n'))
        p++;
    return p;
}

/* What a Content-Type value at s[0..n) says about the file. */
typedef enum probe_type { TYPE_OTHER, TYPE_RELATED, TYPE_HTML } probe_type;

static probe_type probe_type_of(const unsigned char *s, size_t n)
{
    if (starts_ci(s, n, "multipart/related"))
        return TYPE_RELATED;
    if (starts_ci(s, n, "text/html"))
        return TYPE_HTML;
    return TYPE_OTHER;
}

/* Scores the start of the input: a header block (RFC 5322 fields, folded
 * lines allowed) whose Content-Type is multipart/related, or text/html
 * together with MIME-Version (a single-part save, as monolith writes).
 * Anything but fields before the blank line ending the block means "not
 * MHTML": HTML, WARC and HTTP dumps all fail on their first line. */
static int mhtml_probe(const unsigned char *buf, size_t len)
{
    size_t n = len < PROBE_WINDOW ? len : PROBE_WINDOW, p = 0;
    bool any_field = false, mime_version = false, pending_type = false;
    bool type_seen = false;
    probe_type type = TYPE_OTHER;

    if (buf == NULL)
        return 0;
    p = skip_leading_blank_lines(buf, n);
    while (p < n) {
        const unsigned char *nl = memchr(buf + p, '\n', n - p);
        size_t eol = nl != NULL ? (size_t)(nl - buf) : n, end = eol, i = p;

        if (end > p && buf[end - 1] == '\r')
            end--;
        if (end == p)
            break; /* the blank line after the headers */
        if (is_blank(buf[p])) {
            if (!any_field)
                return 0;
            /* "Content-Type:" with its value on the next line. */
            while (i < end && is_blank(buf[i]))
                i++;
            if (pending_type && i < end) {
                type = probe_type_of(buf + i, end - i);
                pending_type = false;
            }
        } else {
            size_t name_end;

            while (i < end && buf[i] > 32 && buf[i] < 127 && buf[i] != ':')
                i++;
            name_end = i;
            while (i < end && is_blank(buf[i]))
                i++;
            if (name_end == p || i >= end || buf[i] != ':')
                return 0;
            any_field = true;
            pending_type = false;
            if (name_end - p == 12 && starts_ci(buf + p, 12, "mime-version"))
                mime_version = true;
            if (name_end - p == 12 && !type_seen &&
                starts_ci(buf + p, 12, "content-type")) {
                /* The first Content-Type counts, as in read(). */
                type_seen = true;
                i++;
                while (i < end && is_blank(buf[i]))
                    i++;
                if (i == end)
                    pending_type = true;
                else
                    type = probe_type_of(buf + i, end - i);
            }
        }
        if (nl == NULL)
            break;
        p = eol + 1;
    }
    if (type == TYPE_RELATED || (type == TYPE_HTML && mime_version))
        return SCORE_MHTML;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Structure                                                          */
/* ------------------------------------------------------------------ */

typedef enum cte {
    CTE_IDENTITY, /* 7bit, 8bit, binary, none */
    CTE_QP,
    CTE_BASE64,
    CTE_UNKNOWN
} cte;

/* The headers of one part (or of the whole file) that matter here.
 * Strings live in the job arena. */
typedef struct part_headers {
    const char *content_type; /* the raw value */
    const char *encoding;     /* Content-Transfer-Encoding, lower-case */
    const char *location;     /* Content-Location, blanks removed */
    const char *content_id;   /* Content-ID without <> */
    /* Top level only. */
    const char *subject;
    const char *date;
    const char *snapshot;     /* Snapshot-Content-Location */
} part_headers;

/* A part that is not a multipart: its headers and where its body is. */
typedef struct leaf {
    const char *type;         /* lower-case media type */
    const char *charset;      /* or NULL */
    const char *location;
    const char *content_id;
    cte encoding;
    const char *encoding_name;
    size_t off, len;          /* body in the input */
    bool typed;               /* it has a Content-Type */
    bool truncated;           /* the input ended inside it */
} leaf;

/* One multipart being walked: its boundary and the span of its body. */
typedef struct frame {
    const char *boundary;
    size_t boundary_len;
    size_t pos, end;
    bool started, done;
} frame;

typedef struct mhtml {
    const folio_host *h;
    folio_job *job;
    const unsigned char *buf;
    size_t len;
    char *field;              /* MAX_FIELD + 1: one unfolded value */
    char *param;              /* MAX_FIELD + 1: one parameter */
    leaf *leaves;
    size_t n_leaves, cap_leaves;
    size_t n_parts;
    size_t decoded;
    bool truncated;
} mhtml;

static int no_memory(mhtml *m)
{
    return m->h->error(m->job, FOLIO_ENOMEM, "out of memory");
}

/* Copies s into the arena, or sets *rc to FOLIO_ENOMEM. */
static const char *keep(mhtml *m, const char *s, size_t n, int *rc)
{
    char *p = m->h->strndup(m->job, s, n);

    if (p == NULL)
        *rc = no_memory(m);
    return p;
}

/* Copies a URL-like value without its blanks: a long Content-Location may
 * have been folded, and URLs hold no raw blanks. */
static const char *keep_url(mhtml *m, const char *s, size_t n, int *rc)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        if (!is_blank((unsigned char)s[i]))
            m->param[o++] = s[i];
    }
    return keep(m, m->param, o, rc);
}

/* Reads the header block at *pos (bounded by `end`) into `ph`; leaves *pos
 * at the body. `top`: the file's own headers, not a part's. */
static int read_headers(mhtml *m, size_t *pos, size_t end, part_headers *ph,
                        bool top, bool *eof)
{
    size_t start = *pos, nfields = 0;
    int rc = FOLIO_OK;
    char what[48];

    if (top)
        snprintf(what, sizeof what, "the file's headers");
    else
        snprintf(what, sizeof what, "part %zu", m->n_parts);
    memset(ph, 0, sizeof *ph);
    *eof = false;
    for (;;) {
        mime_field f;
        mime_header_status st = mime_header_next(m->buf, end, pos, &f,
                                                 m->field, MAX_FIELD);

        if (*pos - start > MAX_HEADER_BLOCK)
            return m->h->error(m->job, FOLIO_ELIMIT,
                               "%s: header block over %zu KiB", what,
                               MAX_HEADER_BLOCK / 1024);
        if (st == MIME_HEADER_END)
            break;
        if (st == MIME_HEADER_EOF) {
            *eof = true;
            break;
        }
        if (st == MIME_HEADER_LONG)
            return m->h->error(m->job, FOLIO_ELIMIT,
                               "%s: a header field is over %zu KiB", what,
                               MAX_FIELD / 1024);
        if (++nfields > MAX_FIELDS)
            return m->h->error(m->job, FOLIO_ELIMIT,
                               "%s: over %d header fields", what,
                               MAX_FIELDS);

        /* The first of a repeated field wins. */
        if (mime_field_is(&f, "content-type")) {
            if (ph->content_type == NULL)
                ph->content_type = keep(m, f.value, f.value_len, &rc);
        } else if (mime_field_is(&f, "content-transfer-encoding")) {
            if (ph->encoding == NULL) {
                char type[32];

                mime_media_type(f.value, type, sizeof type);
                ph->encoding = keep(m, type, strlen(type), &rc);
            }
        } else if (mime_field_is(&f, "content-location")) {
            if (ph->location == NULL)
                ph->location = keep_url(m, f.value, f.value_len, &rc);
        } else if (mime_field_is(&f, "content-id")) {
            if (ph->content_id == NULL) {
                const char *v = f.value;
                size_t n = f.value_len;

                if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
                    v++;
                    n -= 2;
                }
                ph->content_id = keep_url(m, v, n, &rc);
            }
        } else if (top && mime_field_is(&f, "subject")) {
            if (ph->subject == NULL)
                ph->subject = keep(m, f.value, f.value_len, &rc);
        } else if (top && mime_field_is(&f, "date")) {
            if (ph->date == NULL)
                ph->date = keep(m, f.value, f.value_len, &rc);
        } else if (top && mime_field_is(&f, "snapshot-content-location")) {
            if (ph->snapshot == NULL)
                ph->snapshot = keep_url(m, f.value, f.value_len, &rc);
        }
        if (rc < 0)
            return rc;
    }
    return FOLIO_OK;
}

/* Finds the next delimiter line "--boundary" (or the close delimiter
 * "--boundary--") at a line start in [from, end); `from` is a line start.
 * Returns its offset, or `end` when there is none; *after is the start of
 * the line after it. RFC 2046 §5.1.1 allows blanks after the boundary. */
static size_t find_delimiter(const mhtml *m, const frame *fr, size_t from,
                             size_t *after, bool *close)
{
    const unsigned char *b = m->buf;
    size_t ls = from, need = 2 + fr->boundary_len;

    while (ls < fr->end) {
        const unsigned char *nl;

        if (fr->end - ls >= need && b[ls] == '-' && b[ls + 1] == '-' &&
            memcmp(b + ls + 2, fr->boundary, fr->boundary_len) == 0) {
            size_t k = ls + need;
            bool is_close = false;

            if (fr->end - k >= 2 && b[k] == '-' && b[k + 1] == '-') {
                k += 2;
                is_close = true;
            }
            while (k < fr->end && (is_blank(b[k]) || b[k] == '\r'))
                k++;
            if (k == fr->end || b[k] == '\n') {
                *after = k < fr->end ? k + 1 : fr->end;
                *close = is_close;
                return ls;
            }
        }
        nl = memchr(b + ls, '\n', fr->end - ls);
        if (nl == NULL)
            break;
        ls = (size_t)(nl - b) + 1;
    }
    return fr->end;
}

/* Yields the next part of `fr`: its span [*ps, *pe). Returns false when
 * the multipart has no more parts. */
static bool next_part(mhtml *m, frame *fr, size_t *ps, size_t *pe,
                      bool *truncated)
{
    size_t d, after;
    bool close = false;

    *truncated = false;
    if (fr->done)
        return false;
    if (!fr->started) {
        /* Skip the preamble. */
        fr->started = true;
        d = find_delimiter(m, fr, fr->pos, &after, &close);
        if (d == fr->end || close) {
            fr->done = true;
            return false;
        }
        fr->pos = after;
    }
    *ps = fr->pos;
    d = find_delimiter(m, fr, fr->pos, &after, &close);
    if (d == fr->end) {
        /* No delimiter: the part runs to the end of the multipart. At
         * the end of the input that means the file was cut short. */
        *pe = fr->end;
        *truncated = fr->end == m->len;
        fr->done = true;
        return true;
    }
    /* The line break before a delimiter belongs to the delimiter. */
    *pe = d;
    if (*pe > *ps && m->buf[*pe - 1] == '\n')
        (*pe)--;
    if (*pe > *ps && m->buf[*pe - 1] == '\r')
        (*pe)--;
    fr->pos = after;
    fr->done = close;
    return true;
}

static cte encoding_of(const char *name)
{
    if (name == NULL || *name == '\0' || strcmp(name, "7bit") == 0 ||
        strcmp(name, "8bit") == 0 || strcmp(name, "binary") == 0)
        return CTE_IDENTITY;
    if (strcmp(name, "quoted-printable") == 0)
        return CTE_QP;
    if (strcmp(name, "base64") == 0)
        return CTE_BASE64;
    return CTE_UNKNOWN;
}

/* Fills `fr` for a multipart whose body is [start, end), from its
 * Content-Type value. `what` prefixes the error message ("part 3: "). */
static int open_multipart(mhtml *m, frame *fr, const char *content_type,
                          size_t start, size_t end, const char *what)
{
    int rc = FOLIO_OK;
    const char *boundary;

    if (!mime_param(content_type, "boundary", m->param, MAX_FIELD + 1) ||
        m->param[0] == '\0')
        return m->h->error(m->job, FOLIO_EINVALID,
                           "%sno boundary in the multipart header (its "
                           "Content-Type has no boundary= parameter, so "
                           "the parts cannot be found)", what);
    boundary = keep(m, m->param, strlen(m->param), &rc);
    if (rc < 0)
        return rc;
    memset(fr, 0, sizeof *fr);
    fr->boundary = boundary;
    fr->boundary_len = strlen(boundary);
    fr->pos = start;
    fr->end = end;
    return FOLIO_OK;
}

static int add_leaf(mhtml *m, const part_headers *ph, size_t off, size_t len,
                    bool truncated)
{
    leaf *lf;
    char type[128];
    int rc = FOLIO_OK;

    if (m->n_leaves == m->cap_leaves) {
        size_t cap = m->cap_leaves != 0 ? m->cap_leaves * 2 : 32;
        leaf *p = realloc(m->leaves, cap * sizeof *p);

        if (p == NULL)
            return no_memory(m);
        m->leaves = p;
        m->cap_leaves = cap;
    }
    lf = &m->leaves[m->n_leaves];
    memset(lf, 0, sizeof *lf);
    /* RFC 2045 §5.2: no Content-Type means text/plain; MHTML writers
     * that omit it mean the page, which the first-HTML rule finds. */
    mime_media_type(ph->content_type != NULL ? ph->content_type
                                             : "text/plain",
                    type, sizeof type);
    lf->type = keep(m, type, strlen(type), &rc);
    if (rc == FOLIO_OK && ph->content_type != NULL &&
        mime_param(ph->content_type, "charset", m->param, MAX_FIELD + 1) &&
        m->param[0] != '\0')
        lf->charset = keep(m, m->param, strlen(m->param), &rc);
    if (rc < 0)
        return rc;
    lf->typed = ph->content_type != NULL;
    lf->location = ph->location;
    lf->content_id = ph->content_id;
    lf->encoding = encoding_of(ph->encoding);
    lf->encoding_name = ph->encoding;
    lf->off = off;
    lf->len = len;
    lf->truncated = truncated;
    m->n_leaves++;
    return FOLIO_OK;
}

/* Walks the parts of the multipart `top` depth first, in document order,
 * recording the leaves. Iterative: the nesting comes from the input. */
static int walk(mhtml *m, const frame *top)
{
    frame stack[MAX_DEPTH];
    size_t depth = 1;
    int rc;

    stack[0] = *top;
    while (depth > 0) {
        frame *fr = &stack[depth - 1];
        size_t ps, pe, body;
        bool truncated, eof;
        part_headers ph;
        char type[128];

        if (!next_part(m, fr, &ps, &pe, &truncated)) {
            depth--;
            continue;
        }
        if (++m->n_parts > MAX_PARTS)
            return m->h->error(m->job, FOLIO_ELIMIT,
                               "over %d MIME parts", MAX_PARTS);
        if (truncated)
            m->truncated = true;
        body = ps;
        if ((rc = read_headers(m, &body, pe, &ph, false, &eof)) < 0)
            return rc;
        mime_media_type(ph.content_type != NULL ? ph.content_type : "",
                        type, sizeof type);
        if (strncmp(type, "multipart/", 10) == 0) {
            char what[48];

            if (depth == MAX_DEPTH)
                return m->h->error(m->job, FOLIO_ELIMIT,
                                   "multipart nested over %d levels deep",
                                   MAX_DEPTH);
            snprintf(what, sizeof what, "part %zu: ", m->n_parts);
            if ((rc = open_multipart(m, &stack[depth], ph.content_type, body,
                                     pe, what)) < 0)
                return rc;
            depth++;
            continue;
        }
        if ((rc = add_leaf(m, &ph, body, pe - body, truncated)) < 0)
            return rc;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Decoding and handing over                                          */
/* ------------------------------------------------------------------ */

/* Decodes a leaf's body. *data points into the input for identity
 * encodings, else to a malloc'd buffer the caller frees (*owned). */
static int decode(mhtml *m, const leaf *lf, const unsigned char **data,
                  size_t *n, unsigned char **owned)
{
    const unsigned char *in = m->buf + lf->off;
    unsigned char *out = NULL;

    *owned = NULL;
    switch (lf->encoding) {
    case CTE_QP:
        out = malloc(lf->len != 0 ? lf->len : 1);
        if (out == NULL)
            return no_memory(m);
        *n = mime_qp_decode(out, in, lf->len);
        break;
    case CTE_BASE64:
        out = malloc(lf->len / 4 * 3 + 3);
        if (out == NULL)
            return no_memory(m);
        *n = mime_base64_decode(out, in, lf->len);
        break;
    case CTE_UNKNOWN:
    case CTE_IDENTITY:
    default:
        *n = lf->len;
        break;
    }
    *data = out != NULL ? out : in;
    *owned = out;
    if (*n > MAX_DECODED - m->decoded) {
        free(out);
        *owned = NULL;
        return m->h->error(m->job, FOLIO_ELIMIT,
                           "decoded parts exceed %zu MiB",
                           MAX_DECODED / (1024 * 1024));
    }
    m->decoded += *n;
    return FOLIO_OK;
}

static bool is_html(const leaf *lf)
{
    return strcmp(lf->type, "text/html") == 0 ||
           strcmp(lf->type, "application/xhtml+xml") == 0;
}

/* The page: the HTML part whose Content-ID is the multipart's `start`
 * (RFC 2387 §3.2), else the one at Snapshot-Content-Location (Chromium),
 * else the first HTML part (RFC 2557 §5). Frames are the other HTML
 * parts and stay unused. A root part without a Content-Type has the
 * multipart's `type` (RFC 2387 §3.1): `root_html` says it is HTML. */
static const leaf *pick_page(const mhtml *m, const char *start,
                             const char *snapshot, bool root_html)
{
    for (size_t i = 0; start != NULL && i < m->n_leaves; i++) {
        const leaf *lf = &m->leaves[i];

        if ((is_html(lf) || (root_html && !lf->typed)) &&
            lf->content_id != NULL && strcmp(lf->content_id, start) == 0)
            return lf;
    }
    for (size_t i = 0; snapshot != NULL && i < m->n_leaves; i++) {
        const leaf *lf = &m->leaves[i];

        if (is_html(lf) && lf->location != NULL &&
            strcmp(lf->location, snapshot) == 0)
            return lf;
    }
    for (size_t i = 0; i < m->n_leaves; i++) {
        if (is_html(&m->leaves[i]))
            return &m->leaves[i];
    }
    if (start == NULL && root_html && m->n_leaves > 0 && !m->leaves[0].typed)
        return &m->leaves[0];
    return NULL;
}

/* monolith writes single-part files with the placeholder location
 * http://example.com/ and names the real address in a comment at the top
 * of the page: "<!-- Saved from URL at TIME using monolith vX -->".
 * Returns that URL (arena), or NULL. */
static const char *monolith_url(mhtml *m, const unsigned char *html,
                                size_t len)
{
    static const char mark[] = "<!-- Saved from ";
    size_t n = len < 4096 ? len : 4096, ml = sizeof mark - 1;

    for (size_t i = 0; i + ml <= n; i++) {
        size_t j = i + ml, k;

        if (memcmp(html + i, mark, ml) != 0)
            continue;
        k = j;
        while (k < n && html[k] > ' ' && html[k] < 127)
            k++;
        if (k - j > 8 && (memcmp(html + j, "http://", 7) == 0 ||
                          memcmp(html + j, "https://", 8) == 0))
            return m->h->strndup(m->job, (const char *)html + j, k - j);
        return NULL;
    }
    return NULL;
}

/* Hands every complete image part to the host under its Content-Location
 * and its cid: URL. A full asset table (the host warns once) ends the
 * adding but not the conversion. */
static int add_images(mhtml *m)
{
    size_t cut = 0;

    for (size_t i = 0; i < m->n_leaves; i++) {
        const leaf *lf = &m->leaves[i];
        const unsigned char *data;
        unsigned char *owned;
        size_t n;
        int rc = FOLIO_OK;

        if (strncmp(lf->type, "image/", 6) != 0)
            continue;
        if (lf->truncated || lf->encoding == CTE_UNKNOWN) {
            /* Half an image, or bytes in an encoding we cannot undo. */
            cut++;
            continue;
        }
        if ((lf->location == NULL || *lf->location == '\0') &&
            (lf->content_id == NULL || *lf->content_id == '\0'))
            continue;
        if ((rc = decode(m, lf, &data, &n, &owned)) < 0)
            return rc;
        if (lf->location != NULL && *lf->location != '\0')
            rc = m->h->add_asset(m->job, lf->location, lf->type, data, n);
        if (rc == FOLIO_OK && lf->content_id != NULL &&
            *lf->content_id != '\0') {
            size_t ul = strlen(lf->content_id) + 5;
            char *url = m->h->alloc(m->job, ul);

            if (url == NULL) {
                rc = FOLIO_ENOMEM;
            } else {
                memcpy(url, "cid:", 4);
                memcpy(url + 4, lf->content_id, ul - 4);
                rc = m->h->add_asset(m->job, url, lf->type, data, n);
            }
        }
        free(owned);
        if (rc == FOLIO_ELIMIT)
            break;
        if (rc < 0)
            return rc == FOLIO_ENOMEM ? no_memory(m) : rc;
    }
    if (cut > 0)
        m->h->warn(m->job, "%zu image part%s skipped (cut short or in an "
                   "unknown transfer encoding)", cut, cut == 1 ? "" : "s");
    return FOLIO_OK;
}

static int mhtml_read(const folio_host *h, folio_job *job,
                      const unsigned char *buf, size_t len)
{
    mhtml m;
    part_headers top;
    frame fr;
    size_t body;
    bool eof;
    const leaf *page;
    const unsigned char *html = NULL;
    unsigned char *owned = NULL;
    size_t html_len = 0;
    char type[128], date[32];
    char *title = NULL, *start = NULL;
    bool root_html = false;
    folio_html_input in;
    int rc;

    if (buf == NULL || len == 0)
        return h->error(job, FOLIO_EINVALID, "empty input");
    memset(&m, 0, sizeof m);
    m.h = h;
    m.job = job;
    m.buf = buf;
    m.len = len;
    m.field = malloc(MAX_FIELD + 1);
    m.param = malloc(MAX_FIELD + 1);
    if (m.field == NULL || m.param == NULL) {
        rc = no_memory(&m);
        goto done;
    }

    body = skip_leading_blank_lines(buf, len);
    if ((rc = read_headers(&m, &body, len, &top, true, &eof)) < 0)
        goto done;
    if (top.content_type == NULL) {
        rc = h->error(job, FOLIO_EINVALID,
                      "not MHTML: no Content-Type in the headers");
        goto done;
    }
    if (eof) {
        rc = h->error(job, FOLIO_EINVALID,
                      "not MHTML: no blank line ends the headers");
        goto done;
    }
    mime_media_type(top.content_type, type, sizeof type);
    if (strncmp(type, "multipart/", 10) == 0) {
        if ((rc = open_multipart(&m, &fr, top.content_type, body, len,
                                 "")) < 0)
            goto done;
        if (mime_param(top.content_type, "start", m.param, MAX_FIELD + 1)) {
            size_t n = strlen(m.param);
            const char *s = m.param;

            if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
                s++;
                n -= 2;
            }
            if ((start = h->strndup(job, s, n)) == NULL) {
                rc = no_memory(&m);
                goto done;
            }
        }
        if (mime_param(top.content_type, "type", m.param, MAX_FIELD + 1)) {
            char rt[64];

            mime_media_type(m.param, rt, sizeof rt);
            root_html = strcmp(rt, "text/html") == 0 ||
                        strcmp(rt, "application/xhtml+xml") == 0;
        }
        if ((rc = walk(&m, &fr)) < 0)
            goto done;
        if (m.n_parts == 0) {
            rc = h->error(job, FOLIO_EINVALID,
                          "no MIME part found: the boundary \"%s\" never "
                          "starts a line", fr.boundary);
            goto done;
        }
    } else {
        /* A single-part file (monolith writes these): the body is the
         * page. */
        m.n_parts = 1;
        if ((rc = add_leaf(&m, &top, body, len - body, false)) < 0)
            goto done;
    }
    if (m.truncated)
        h->warn(job, "the file is cut short (no closing boundary); "
                "using the parts that are complete");

    page = pick_page(&m, start, top.snapshot, root_html);
    if (page == NULL) {
        rc = h->error(job, FOLIO_ENOTFOUND,
                      "no HTML part among the %zu MIME parts", m.n_parts);
        goto done;
    }
    if (page->truncated)
        h->warn(job, "the page itself is cut short");
    if (page->encoding == CTE_UNKNOWN)
        h->warn(job, "unknown Content-Transfer-Encoding \"%s\"; page read "
                "as it is", page->encoding_name);

    /* Assets first: the importer attaches what the page refers to. */
    if ((rc = add_images(&m)) < 0)
        goto done;
    if ((rc = decode(&m, page, &html, &html_len, &owned)) < 0)
        goto done;
    if (html_len == 0) {
        rc = h->error(job, FOLIO_ENOTFOUND, "the page part is empty");
        goto done;
    }

    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = html;
    in.len = html_len;
    in.charset = page->charset;
    in.url = top.snapshot != NULL && *top.snapshot != '\0' ? top.snapshot
                                                            : page->location;
    if (in.url == NULL || *in.url == '\0' ||
        strcmp(in.url, "http://example.com/") == 0) {
        const char *u = monolith_url(&m, html, html_len);

        if (u != NULL)
            in.url = u;
    }
    if (top.date != NULL && mime_date_iso(top.date, date))
        in.captured = date;
    if (top.subject != NULL && *top.subject != '\0') {
        size_t cap = 4 * strlen(top.subject) + 16;

        title = h->alloc(job, cap);
        if (title == NULL) {
            rc = no_memory(&m);
            goto done;
        }
        mime_decode_words(top.subject, title, cap);
        in.title_hint = title;
    }
    rc = h->import_html(job, &in);

done:
    free(owned);
    free(m.leaves);
    free(m.field);
    free(m.param);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const char *const mhtml_formats[] = {
    "mht", "mhtml", "multipart/related", "message/rfc822", NULL,
};

static const folio_input_ops mhtml_ops = {
    .size = sizeof(folio_input_ops),
    .probe = mhtml_probe,
    .read = mhtml_read,
};

static const folio_plugin mhtml_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_INPUT,
    .name = "mhtml",
    .version = "0.1.0",
    .description = "Saved web page in MHTML (multipart/related, .mht)",
    .formats = mhtml_formats,
    .input = &mhtml_ops,
};

FOLIO_PLUGIN_DEFINE(mhtml_plugin)

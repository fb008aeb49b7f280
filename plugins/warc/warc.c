/* SPDX-License-Identifier: MIT */
/*
 * Input plugin "warc": web archives (WARC 1.0 and 1.1, ISO 28500), plain
 * or gzip-compressed (.warc.gz: one gzip member per record, or one stream
 * for the whole file).
 *
 * Every HTML `response` record with HTTP status 200 (or 203) and every
 * HTML `resource` record is an article; image records of the same archive
 * are its resources. The core attaches to each document only the assets
 * its images refer to, so the plugin adds every image first (pass 1) and
 * then imports the articles one by one (pass 2, from the record offsets
 * pass 1 kept).
 *
 * A .warc.gz is inflated whole into memory before the records are read;
 * every inflated byte (the file and the HTTP bodies' content codings)
 * counts against one budget, and one gzip member or body may not inflate
 * past RECORD_MAX, which stops gzip bombs early. A damaged record (a
 * Content-Length that lies) is warned about with its number and offset
 * and skipped; reading goes on at the next "WARC/1." line. A truncated
 * gzip stream keeps what was inflated before the damage.
 */
#include <limits.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* next_in is then a const pointer: the input is never written. */
#define ZLIB_CONST
#include <zlib.h>

#include "folio/plugin.h"

/* Scores returned by probe(); the html plugin gives a document 90. */
#define SCORE_WARC 98

/* Bytes of a gzip input that probe() inflates to look for "WARC/". */
#define PROBE_OUT 16
/* Stack memory for zlib's state and 32 KiB window while probing:
 * probe() must not allocate, so zlib gets a bump allocator over this. */
#define PROBE_ARENA (48 * 1024)

/* Limits. Inflated bytes over the whole input (the file itself and every
 * decoded body), one gzip member or decoded body, records, articles, and
 * one header block (WARC or HTTP). TOTAL_MAX keeps a gzip bomb of many
 * small members (each under RECORD_MAX) well under 1 GB of memory. */
#define TOTAL_MAX ((size_t)512 * 1024 * 1024)
#define RECORD_MAX ((size_t)256 * 1024 * 1024)
#define RECORD_COUNT_MAX 100000
#define ARTICLE_MAX 10000
#define HEADER_MAX (64 * 1024)
/* Codings listed in Transfer-Encoding and Content-Encoding together. */
#define CODING_MAX 4

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Case-insensitive comparison of s[0..n) with the lower-case word w. */
static bool eq_ci(const char *s, size_t n, const char *w)
{
    size_t wn = strlen(w);

    if (n != wn)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)s[i]) != (unsigned char)w[i])
            return false;
    }
    return true;
}

static bool starts_ci(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0' || lower((unsigned char)s[i]) != (unsigned char)w[i])
            return false;
    }
    return true;
}

static const char *status_name(int rc)
{
    switch (rc) {
    case FOLIO_ENOMEM: return "out of memory";
    case FOLIO_EINVALID: return "invalid input";
    case FOLIO_EUNSUPPORTED: return "unsupported";
    case FOLIO_EIO: return "I/O error";
    case FOLIO_ENOTFOUND: return "no article found";
    case FOLIO_ELIMIT: return "over a limit";
    default: return "failed";
    }
}

/* Copies the media type of a Content-Type value ("Text/HTML; charset=x")
 * into out, lower-cased and without parameters. Returns false when it
 * does not fit or is empty. */
static bool media_type(const char *ctype, char *out, size_t cap)
{
    size_t n = 0;

    if (ctype == NULL)
        return false;
    while (is_blank((unsigned char)*ctype))
        ctype++;
    for (; *ctype != '\0' && *ctype != ';' && !is_blank((unsigned char)*ctype);
         ctype++) {
        if (n + 1 >= cap)
            return false;
        out[n++] = (char)lower((unsigned char)*ctype);
    }
    out[n] = '\0';
    return n > 0;
}

/* Copies the charset parameter of a Content-Type value into out (quotes
 * removed). Returns false when there is none or it does not fit. */
static bool ctype_charset(const char *ctype, char *out, size_t cap)
{
    const char *p = ctype != NULL ? strchr(ctype, ';') : NULL;

    while (p != NULL) {
        p++;
        while (is_blank((unsigned char)*p))
            p++;
        if (starts_ci(p, "charset")) {
            const char *v = p + 7;
            size_t n = 0;

            while (is_blank((unsigned char)*v))
                v++;
            if (*v == '=') {
                v++;
                while (is_blank((unsigned char)*v))
                    v++;
                if (*v == '"')
                    v++;
                while (*v != '\0' && *v != '"' && *v != ';' &&
                       !is_blank((unsigned char)*v)) {
                    if (n + 1 >= cap)
                        return false;
                    out[n++] = *v++;
                }
                out[n] = '\0';
                return n > 0;
            }
        }
        p = strchr(p, ';');
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Probe                                                              */
/* ------------------------------------------------------------------ */

typedef struct probe_arena {
    unsigned char *mem;
    size_t used, cap;
} probe_arena;

static voidpf arena_alloc(voidpf opaque, uInt items, uInt size)
{
    probe_arena *a = opaque;
    size_t align = alignof(max_align_t);
    size_t start = (a->used + align - 1) / align * align;

    if (size != 0 && items > SIZE_MAX / size)
        return Z_NULL;
    size_t n = (size_t)items * size;
    if (start > a->cap || n > a->cap - start)
        return Z_NULL;
    a->used = start + n;
    return a->mem + start;
}

static void arena_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    (void)p;
}

/* True when the gzip data in buf starts with "WARC/" once inflated. */
static bool gzip_holds_warc(const unsigned char *buf, size_t len)
{
    alignas(max_align_t) unsigned char mem[PROBE_ARENA];
    probe_arena arena = { mem, 0, sizeof mem };
    unsigned char out[PROBE_OUT];
    z_stream zs;
    int zr;

    memset(&zs, 0, sizeof zs);
    zs.zalloc = arena_alloc;
    zs.zfree = arena_free;
    zs.opaque = &arena;
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return false;
    zs.next_in = buf;
    zs.avail_in = len < UINT_MAX ? (uInt)len : UINT_MAX;
    zs.next_out = out;
    zs.avail_out = sizeof out;
    /* One call: zlib stops when `out` is full, and the first member of a
     * WARC is longer than PROBE_OUT, so no loop is needed. */
    zr = inflate(&zs, Z_SYNC_FLUSH);
    inflateEnd(&zs);
    if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
        return false;
    return sizeof out - zs.avail_out >= 5 && memcmp(out, "WARC/", 5) == 0;
}

static bool is_gzip(const unsigned char *buf, size_t len)
{
    return len >= 3 && buf[0] == 0x1f && buf[1] == 0x8b && buf[2] == 8;
}

static int warc_probe(const unsigned char *buf, size_t len)
{
    if (buf == NULL)
        return 0;
    if (len >= 7 && memcmp(buf, "WARC/1.", 7) == 0)
        return SCORE_WARC;
    /* Any other gzip file is none of folio's formats; only one holding a
     * WARC is claimed. */
    if (is_gzip(buf, len) && gzip_holds_warc(buf, len))
        return SCORE_WARC;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reader state                                                       */
/* ------------------------------------------------------------------ */

typedef struct buffer {
    unsigned char *data;
    size_t len, cap;
} buffer;

typedef struct reader {
    const folio_host *h;
    folio_job *job;
    const unsigned char *data; /* the records, inflated */
    size_t len;
    bool gzipped;              /* offsets are in the inflated data */
    size_t inflated;           /* bytes inflated so far, against TOTAL_MAX */
    char *scratch;             /* header values of the current record */
    size_t scratch_len, scratch_cap;
    struct article {
        size_t offset, index;  /* of an article record, for pass 2 */
    } *articles;
    size_t n_articles, cap_articles;
} reader;

/* Grows b so at least `want` more bytes fit, up to `limit` in total.
 * Returns FOLIO_OK, FOLIO_ENOMEM, or FOLIO_ELIMIT when b already holds
 * `limit` bytes. */
static int buffer_reserve(buffer *b, size_t want, size_t limit)
{
    if (b->len >= limit)
        return FOLIO_ELIMIT;
    if (b->cap - b->len >= want)
        return FOLIO_OK;
    size_t cap = b->cap > 0 ? b->cap : 64 * 1024;
    while (cap - b->len < want && cap < limit)
        cap = cap > limit / 2 ? limit : cap * 2;
    if (cap > limit)
        cap = limit;
    unsigned char *p = realloc(b->data, cap);
    if (p == NULL)
        return FOLIO_ENOMEM;
    b->data = p;
    b->cap = cap;
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Inflating                                                          */
/* ------------------------------------------------------------------ */

/*
 * Inflates in[0..len) into out. wbits selects the wrapper (15 + 32: gzip
 * or zlib, detected; -15: raw deflate). With `members`, a gzip stream may
 * be followed by more members (RFC 1952 §2.2), each inflated in turn.
 * `what` names the data in messages ("the file", "record 4's body").
 *
 * Damage (truncation, corrupt data, trailing garbage) is a warning (none
 * when `quiet`: the caller decides): what was inflated before it is kept
 * and *damaged is set. Over the limits it is an error. Returns FOLIO_OK
 * or a negative status (reported).
 */
static int inflate_into(reader *r, const unsigned char *in, size_t len,
                        int wbits, bool members, bool quiet, buffer *out,
                        const char *what, bool *damaged)
{
    z_stream zs;
    size_t pos = 0, member = 1, member_start = out->len;
    const char *unit = wbits == 15 + 32 ? "gzip member" : "deflate stream";
    int rc = FOLIO_OK;

    *damaged = false;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, wbits) != Z_OK)
        return r->h->error(r->job, FOLIO_ENOMEM,
                           "out of memory starting zlib");
    for (;;) {
        size_t before = out->len;

        rc = buffer_reserve(out, 256 * 1024, TOTAL_MAX + 1);
        if (rc == FOLIO_ENOMEM) {
            rc = r->h->error(r->job, rc, "out of memory inflating %s", what);
            goto done;
        }
        if (rc < 0 || r->inflated > TOTAL_MAX) {
            rc = r->h->error(r->job, FOLIO_ELIMIT,
                             "%s inflates to more than the limit of %zu MiB "
                             "for one archive", what, TOTAL_MAX >> 20);
            goto done;
        }
        size_t room = out->cap - out->len;
        size_t avail = len - pos;
        zs.next_in = in + pos;
        zs.avail_in = avail < UINT_MAX ? (uInt)avail : UINT_MAX;
        zs.next_out = out->data + out->len;
        zs.avail_out = room < UINT_MAX ? (uInt)room : UINT_MAX;

        int zr = inflate(&zs, Z_NO_FLUSH);

        pos = (size_t)(zs.next_in - in);
        out->len = (size_t)(zs.next_out - out->data);
        r->inflated += out->len - before;
        if (out->len - member_start > RECORD_MAX) {
            rc = r->h->error(r->job, FOLIO_ELIMIT,
                             "%s: %s %zu inflates to more than %zu MiB "
                             "(limit; a gzip bomb?)", what, unit, member,
                             RECORD_MAX >> 20);
            goto done;
        }
        if (r->inflated > TOTAL_MAX) {
            rc = r->h->error(r->job, FOLIO_ELIMIT,
                             "%s inflates to more than the limit of %zu MiB "
                             "for one archive", what, TOTAL_MAX >> 20);
            goto done;
        }
        if (zr == Z_STREAM_END) {
            size_t rest = len - pos;

            /* Some writers pad the file with zero bytes. */
            while (rest > 0 && in[pos] == 0) {
                pos++;
                rest--;
            }
            if (rest == 0)
                break;
            if (members && is_gzip(in + pos, rest)) {
                inflateReset(&zs);
                member++;
                member_start = out->len;
                continue;
            }
            if (!quiet)
                r->h->warn(r->job, "%s: %zu bytes after the end of the "
                           "compressed data (byte %zu) ignored", what, rest,
                           pos);
            *damaged = true;
            break;
        }
        if (zr == Z_OK)
            continue;
        if (zr == Z_BUF_ERROR && zs.avail_out > 0) {
            /* No progress with room left: the input ran out. */
            if (!quiet)
                r->h->warn(r->job, "%s: the data ends inside %s %zu (at "
                           "byte %zu): it is cut short", what, unit, member,
                           pos);
            *damaged = true;
            break;
        }
        if (zr == Z_BUF_ERROR)
            continue;
        if (zr == Z_MEM_ERROR) {
            rc = r->h->error(r->job, FOLIO_ENOMEM, "out of memory inflating "
                             "%s", what);
            goto done;
        }
        if (!quiet)
            r->h->warn(r->job, "%s: corrupt compressed data in %s %zu near "
                       "byte %zu (%s)", what, unit, member, pos,
                       zs.msg != NULL ? zs.msg : "zlib error");
        *damaged = true;
        break;
    }
    rc = FOLIO_OK;

done:
    inflateEnd(&zs);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Header blocks                                                      */
/* ------------------------------------------------------------------ */

/* One field a caller wants from a header block. */
typedef struct field {
    const char *name;   /* lower case */
    const char *value;  /* NUL-terminated, in r->scratch; NULL if absent */
} field;

/* Stores s[0..n) plus a NUL in the scratch buffer. The scratch buffer is
 * sized for two header blocks, and a value is never longer than its
 * line, so this cannot run out; the check only guards that reasoning. */
static char *scratch_put(reader *r, const char *s, size_t n)
{
    if (n + 1 > r->scratch_cap - r->scratch_len)
        return NULL;
    char *v = r->scratch + r->scratch_len;
    memcpy(v, s, n);
    v[n] = '\0';
    r->scratch_len += n + 1;
    return v;
}

/* Appends " s[0..n)" to the value stored last (a folded line). */
static void scratch_append(reader *r, const char *s, size_t n)
{
    if (n + 1 > r->scratch_cap - r->scratch_len)
        return;
    /* The stored value's NUL becomes the separating space. */
    r->scratch[r->scratch_len - 1] = ' ';
    memcpy(r->scratch + r->scratch_len, s, n);
    r->scratch[r->scratch_len + n] = '\0';
    r->scratch_len += n + 1;
}

/*
 * Reads "Name: value" lines from p[0..n) up to the empty line that ends
 * them (CRLF or LF line ends), at most HEADER_MAX bytes. Values of the
 * wanted fields are copied (first occurrence wins; folded continuation
 * lines are joined with one space). Returns the offset just past the
 * empty line, or 0 when there is none within the limit.
 */
static size_t read_fields(reader *r, const unsigned char *p, size_t n,
                          field *want, size_t n_want)
{
    size_t limit = n < HEADER_MAX ? n : HEADER_MAX;
    size_t pos = 0;
    field *last = NULL;     /* wanted field the previous line stored */

    while (pos < limit) {
        const unsigned char *nl = memchr(p + pos, '\n', limit - pos);
        if (nl == NULL)
            return 0;
        const char *line = (const char *)p + pos;
        size_t ln = (size_t)(nl - (p + pos));
        pos += ln + 1;
        if (ln > 0 && line[ln - 1] == '\r')
            ln--;
        if (ln == 0)
            return pos;

        if (is_blank((unsigned char)line[0])) {
            /* A folded line continues the previous field. */
            size_t a = 0, b = ln;
            while (a < b && is_blank((unsigned char)line[a]))
                a++;
            while (b > a && is_blank((unsigned char)line[b - 1]))
                b--;
            if (last != NULL && b > a)
                scratch_append(r, line + a, b - a);
            continue;
        }
        last = NULL;
        const char *colon = memchr(line, ':', ln);
        if (colon == NULL)
            continue;
        size_t nn = (size_t)(colon - line);
        while (nn > 0 && is_blank((unsigned char)line[nn - 1]))
            nn--;
        for (size_t i = 0; i < n_want; i++) {
            if (want[i].value != NULL || !eq_ci(line, nn, want[i].name))
                continue;
            size_t a = (size_t)(colon - line) + 1, b = ln;
            while (a < b && is_blank((unsigned char)line[a]))
                a++;
            while (b > a && is_blank((unsigned char)line[b - 1]))
                b--;
            want[i].value = scratch_put(r, line + a, b - a);
            if (want[i].value != NULL)
                last = &want[i];
            break;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Records                                                            */
/* ------------------------------------------------------------------ */

enum {
    F_TYPE, F_URI, F_DATE, F_CTYPE, F_LENGTH, F_SEGMENT, F_TRUNCATED,
    F_COUNT
};

typedef struct record {
    size_t index;               /* 1-based, in file order */
    size_t offset;              /* of its version line */
    size_t next;                /* offset just past it */
    size_t resume;              /* damaged: where to look for the next */
    field f[F_COUNT];
    const unsigned char *block;
    size_t block_len;
} record;

/* Outcome of reading one record. */
enum { REC_OK = 1, REC_END = 0, REC_BAD = 2 };

/* Wording of a position in messages: in a .warc.gz the offsets are in
 * the inflated data, which the message says. */
static const char *where(const reader *r)
{
    return r->gzipped ? " of the uncompressed data" : "";
}

/* Parses a decimal Content-Length. Returns false on anything else. */
static bool parse_length(const char *s, size_t *out)
{
    size_t v = 0;

    if (s == NULL || *s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (SIZE_MAX - 9) / 10)
            return false;
        v = v * 10 + (size_t)(*s - '0');
    }
    if (*s != '\0')
        return false;
    *out = v;
    return true;
}

/*
 * Reads the record that starts at or after `off` (blank lines between
 * records are skipped). Returns REC_OK with *rec filled, REC_END at the
 * end of the data, REC_BAD after warning about damage (the caller reads
 * on from the first "WARC/1." line after rec->resume), or a negative
 * status (reported) for a header over the limit.
 */
static int read_record(reader *r, size_t off, size_t index, record *rec)
{
    const unsigned char *d = r->data;
    size_t n = r->len;

    while (off < n && (d[off] == '\r' || d[off] == '\n'))
        off++;
    if (off >= n)
        return REC_END;

    memset(rec, 0, sizeof *rec);
    rec->index = index;
    rec->offset = off;
    rec->resume = off + 1;
    rec->f[F_TYPE].name = "warc-type";
    rec->f[F_URI].name = "warc-target-uri";
    rec->f[F_DATE].name = "warc-date";
    rec->f[F_CTYPE].name = "content-type";
    rec->f[F_LENGTH].name = "content-length";
    rec->f[F_SEGMENT].name = "warc-segment-number";
    rec->f[F_TRUNCATED].name = "warc-truncated";
    r->scratch_len = 0;

    if (n - off < 8 || memcmp(d + off, "WARC/1.", 7) != 0) {
        r->h->warn(r->job, "record %zu at byte %zu%s does not start with "
                   "a WARC/1.x line; looking for the next record",
                   index, off, where(r));
        return REC_BAD;
    }
    const unsigned char *nl = memchr(d + off, '\n',
                                     n - off < 64 ? n - off : 64);
    if (nl == NULL) {
        r->h->warn(r->job, "record %zu at byte %zu%s: the version line "
                   "does not end; looking for the next record",
                   index, off, where(r));
        return REC_BAD;
    }
    size_t hstart = (size_t)(nl - d) + 1;
    size_t hlen = read_fields(r, d + hstart, n - hstart, rec->f, F_COUNT);
    if (hlen == 0 && n - hstart >= HEADER_MAX)
        return r->h->error(r->job, FOLIO_ELIMIT, "record %zu at byte %zu%s: "
                           "header longer than %d KiB (limit)", index, off,
                           where(r), HEADER_MAX / 1024);
    if (hlen == 0) {
        r->h->warn(r->job, "record %zu at byte %zu%s: the archive ends "
                   "inside the record's header",
                   index, off, where(r));
        return REC_BAD;
    }
    size_t bstart = hstart + hlen, blen;
    /* A header read whole is not searched again: a line in it that
     * starts with "WARC/1." would otherwise be read as the next record,
     * and so on, once per line. */
    rec->resume = bstart;
    if (!parse_length(rec->f[F_LENGTH].value, &blen)) {
        r->h->warn(r->job, "record %zu at byte %zu%s: %s Content-Length; "
                   "looking for the next record", index, off,
                   where(r), rec->f[F_LENGTH].value == NULL ? "no" :
                   "an invalid");
        return REC_BAD;
    }
    if (blen > n - bstart) {
        r->h->warn(r->job, "record %zu at byte %zu%s: Content-Length %zu "
                   "runs past the end of the data (%zu bytes left): the "
                   "archive is truncated or the length is wrong; looking "
                   "for the next record", index, off, where(r), blen,
                   n - bstart);
        return REC_BAD;
    }
    size_t end = bstart + blen, rest = n - end;
    /* The block is followed by CRLF CRLF. Accept bare LFs, and a file
     * that ends right after the block or part way into the line ends. */
    size_t tail = 0;
    while (tail < rest && tail < 4 &&
           (d[end + tail] == '\r' || d[end + tail] == '\n'))
        tail++;
    bool closed = (tail == 4 && memcmp(d + end, "\r\n\r\n", 4) == 0) ||
                  (tail >= 2 && memcmp(d + end, "\n\n", 2) == 0) ||
                  tail == rest;
    if (!closed) {
        r->h->warn(r->job, "record %zu at byte %zu%s: the %zu-byte block "
                   "(Content-Length) is not followed by CRLF CRLF: the "
                   "length is wrong or the archive is damaged; looking for "
                   "the next record", index, off, where(r), blen);
        return REC_BAD;
    }
    rec->block = d + bstart;
    rec->block_len = blen;
    rec->next = end + tail;
    return REC_OK;
}

/* True when s is usable as a URL key: no spaces or control bytes, and
 * valid UTF-8 (WARC 1.1 allows IRIs), since the host stores it as text. */
static bool uri_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        unsigned char c = *p;
        size_t more;
        uint32_t cp, min;

        if (c <= 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
            cp = c & 0x1f;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            cp = c & 0x0f;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        for (size_t i = 1; i <= more; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;   /* also stops at the NUL */
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += more + 1;
    }
    return true;
}

/* The record's target URI, without the <...> some WARC 1.0 writers (wget)
 * put around it. Points into the scratch buffer. NULL when absent or not
 * a usable URL (warned). */
static const char *target_uri(reader *r, record *rec)
{
    char *u = (char *)(uintptr_t)rec->f[F_URI].value;

    if (u == NULL)
        return NULL;
    size_t n = strlen(u);
    if (n >= 2 && u[0] == '<' && u[n - 1] == '>') {
        u[n - 1] = '\0';
        u++;
    }
    if (*u == '\0')
        return NULL;
    if (!uri_ok(u)) {
        r->h->warn(r->job, "record %zu at byte %zu%s: WARC-Target-URI is "
                   "not a valid URL; ignored", rec->index, rec->offset,
                   where(r));
        return NULL;
    }
    return u;
}

/* ------------------------------------------------------------------ */
/* HTTP payloads                                                      */
/* ------------------------------------------------------------------ */

enum { H_CTYPE, H_TE, H_CE, H_COUNT };

/* What a record carries: the HTTP response (response records) or the raw
 * block (resource records). */
typedef struct payload {
    int status;                 /* HTTP status; 200 for a resource */
    const char *ctype;          /* Content-Type value, or NULL */
    const char *te, *ce;        /* Transfer-/Content-Encoding, or NULL */
    const unsigned char *body;  /* still coded as sent */
    size_t body_len;
} payload;

typedef enum kind { KIND_OTHER, KIND_HTML, KIND_IMAGE } kind;

/* True when body starts like an HTML document (a response without a
 * Content-Type). */
static bool looks_html(const unsigned char *s, size_t n)
{
    size_t i = 0;

    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    while (i < n && (is_blank(s[i]) || s[i] == '\r' || s[i] == '\n'))
        i++;
    static const char *const marks[] = { "<!doctype html", "<html", NULL };
    for (size_t k = 0; marks[k] != NULL; k++) {
        size_t m = strlen(marks[k]);
        if (n - i >= m && eq_ci((const char *)s + i, m, marks[k]))
            return true;
    }
    return false;
}

/* True when a body whose header names a content coding is stored decoded
 * already: browser-based archivers save what the browser decoded but may
 * keep the response's Content-Encoding. Markup and the common image
 * signatures are recognised. */
static bool looks_decoded(const unsigned char *s, size_t n)
{
    size_t i = 0;

    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    while (i < n && (is_blank(s[i]) || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i < n && s[i] == '<')
        return true;
    return (n >= 8 && memcmp(s, "\x89PNG\r\n\x1a\n", 8) == 0) ||
           (n >= 3 && s[0] == 0xFF && s[1] == 0xD8 && s[2] == 0xFF) ||
           (n >= 6 && (memcmp(s, "GIF87a", 6) == 0 ||
                       memcmp(s, "GIF89a", 6) == 0)) ||
           (n >= 12 && memcmp(s, "RIFF", 4) == 0 &&
            memcmp(s + 8, "WEBP", 4) == 0);
}

/*
 * Reads the payload of a response or resource record. Returns true and
 * fills *pl when the record is one folio may use (status and type still
 * to be checked by the caller), false to skip it. Malformed HTTP is
 * warned about; ordinary skips (requests, metadata) are silent.
 */
static bool read_payload(reader *r, record *rec, payload *pl)
{
    const char *type = rec->f[F_TYPE].value;

    memset(pl, 0, sizeof *pl);
    if (type == NULL)
        return false;
    if (eq_ci(type, strlen(type), "resource")) {
        pl->status = 200;
        pl->ctype = rec->f[F_CTYPE].value;
        pl->body = rec->block;
        pl->body_len = rec->block_len;
        return true;
    }
    if (!eq_ci(type, strlen(type), "response"))
        return false;

    const unsigned char *b = rec->block;
    size_t n = rec->block_len;
    /* dns:, ftp: and other non-HTTP responses are not pages. */
    if (n < 5 || memcmp(b, "HTTP/", 5) != 0)
        return false;
    const unsigned char *nl = memchr(b, '\n', n < 1024 ? n : 1024);
    const unsigned char *sp = nl != NULL ? memchr(b, ' ', (size_t)(nl - b))
                                         : NULL;
    if (sp == NULL || nl - sp < 4 || sp[1] < '1' || sp[1] > '9' ||
        sp[2] < '0' || sp[2] > '9' || sp[3] < '0' || sp[3] > '9') {
        r->h->warn(r->job, "record %zu at byte %zu%s: bad HTTP status "
                   "line; record skipped", rec->index, rec->offset,
                   where(r));
        return false;
    }
    pl->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');

    field hf[H_COUNT] = {
        [H_CTYPE] = { "content-type", NULL },
        [H_TE] = { "transfer-encoding", NULL },
        [H_CE] = { "content-encoding", NULL },
    };
    size_t hstart = (size_t)(nl - b) + 1;
    size_t hlen = read_fields(r, b + hstart, n - hstart, hf, H_COUNT);
    if (hlen == 0) {
        /* A header that runs to the end of the block is a response with
         * no body (HEAD, 304) or a cut one: nothing to read either way. */
        if (n - hstart >= HEADER_MAX)
            r->h->warn(r->job, "record %zu at byte %zu%s: HTTP header "
                       "longer than %d KiB (limit); record skipped",
                       rec->index, rec->offset, where(r), HEADER_MAX / 1024);
        return false;
    }
    pl->ctype = hf[H_CTYPE].value;
    pl->te = hf[H_TE].value;
    pl->ce = hf[H_CE].value;
    pl->body = b + hstart + hlen;
    pl->body_len = n - hstart - hlen;
    return true;
}

static kind payload_kind(const payload *pl)
{
    char mt[128];

    if (pl->status != 200 && pl->status != 203)
        return KIND_OTHER;
    if (!media_type(pl->ctype, mt, sizeof mt))
        return pl->ctype == NULL && looks_html(pl->body, pl->body_len)
                   ? KIND_HTML : KIND_OTHER;
    if (strcmp(mt, "text/html") == 0 ||
        strcmp(mt, "application/xhtml+xml") == 0)
        return KIND_HTML;
    if (strncmp(mt, "image/", 6) == 0)
        return KIND_IMAGE;
    return KIND_OTHER;
}

/*
 * Undoes chunked transfer coding (RFC 9112 §7.1): size lines in hex with
 * optional ";extensions", data, CRLF; a zero-size chunk, then trailer
 * fields up to an empty line. Bare LFs are accepted. Returns 1 when
 * decoded, 0 when the body is not chunked at all (caller keeps it as
 * is), or a negative status. A body cut short keeps what came before.
 */
static int dechunk(reader *r, const record *rec, const unsigned char *in,
                   size_t n, buffer *out)
{
    size_t pos = 0;
    bool last = false, first = true;

    if (buffer_reserve(out, n > 0 ? n : 1, n + 1) == FOLIO_ENOMEM)
        return r->h->error(r->job, FOLIO_ENOMEM, "out of memory");
    while (pos < n) {
        size_t size = 0, digits = 0;

        while (pos < n && is_blank(in[pos]))
            pos++;
        for (; pos < n; pos++, digits++) {
            unsigned char c = lower(in[pos]);
            unsigned v;
            if (c >= '0' && c <= '9')
                v = c - '0';
            else if (c >= 'a' && c <= 'f')
                v = (unsigned)(c - 'a' + 10);
            else
                break;
            if (size > (SIZE_MAX >> 4)) {
                digits = 0;     /* absurd size: treat as garbage */
                break;
            }
            size = size << 4 | v;
        }
        while (pos < n && is_blank(in[pos]))
            pos++;
        bool line_end = pos < n && (in[pos] == ';' || in[pos] == '\r' ||
                                    in[pos] == '\n');
        if (digits == 0 || !line_end) {
            if (first)
                return 0;
            break;
        }
        first = false;
        /* Skip extensions to the end of the size line. */
        const unsigned char *nl = memchr(in + pos, '\n', n - pos);
        if (nl == NULL)
            break;
        pos = (size_t)(nl - in) + 1;
        if (size == 0) {
            last = true;
            break;          /* trailer fields: nothing folio needs */
        }
        if (size > n - pos) {
            memcpy(out->data + out->len, in + pos, n - pos);
            out->len += n - pos;
            pos = n;
            break;
        }
        memcpy(out->data + out->len, in + pos, size);
        out->len += size;
        pos += size;
        if (pos < n && in[pos] == '\r')
            pos++;
        if (pos < n && in[pos] == '\n')
            pos++;
    }
    if (!last)
        r->h->warn(r->job, "record %zu at byte %zu%s: the chunked body ends "
                   "without its last chunk; using the %zu bytes read",
                   rec->index, rec->offset, where(r), out->len);
    return 1;
}

/* Lists the codings of a Transfer-Encoding or Content-Encoding value
 * into names[] (pointers into a copy in `store`). Returns the count, or
 * -1 when there are more than `cap`. */
static int split_codings(const char *v, char *store, size_t store_cap,
                         const char **names, int n, int cap)
{
    size_t len = strlen(v);

    if (len + 1 > store_cap)
        return -1;
    memcpy(store, v, len + 1);
    for (char *p = store; *p != '\0';) {
        while (*p == ',' || is_blank((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        char *start = p;
        while (*p != '\0' && *p != ',' && *p != ';')
            p++;
        char *e = p;
        while (e > start && is_blank((unsigned char)e[-1]))
            e--;
        if (*p == ';') {
            /* Coding parameters: nothing folio needs. */
            while (*p != '\0' && *p != ',')
                p++;
        }
        if (*p != '\0')
            p++;
        *e = '\0';
        if (n >= cap)
            return -1;
        names[n++] = start;
    }
    return n;
}

/*
 * Decodes the payload body. Sets `body` and `len` to the decoded bytes:
 * in `owned` (malloc'd; the caller frees it) when a coding was undone,
 * else in the archive itself (`owned` NULL). Returns 1, 0 to skip the
 * record (warned), or a negative status.
 */
static int decode_body(reader *r, const record *rec, const payload *pl,
                       unsigned char **owned, const unsigned char **body,
                       size_t *len)
{
    const char *names[CODING_MAX];
    char te_store[256], ce_store[256];
    bool chunked = false;
    int n = 0, rc;

    *owned = NULL;
    *body = pl->body;
    *len = pl->body_len;

    /* Content codings were applied first, transfer codings after them;
     * decoding undoes them in reverse: chunked, the other transfer
     * codings, then the content codings. */
    if (pl->ce != NULL &&
        (n = split_codings(pl->ce, ce_store, sizeof ce_store, names, n,
                           CODING_MAX)) < 0)
        goto too_many;
    if (pl->te != NULL) {
        n = split_codings(pl->te, te_store, sizeof te_store, names, n,
                          CODING_MAX);
        if (n < 0)
            goto too_many;
        if (n > 0 && eq_ci(names[n - 1], strlen(names[n - 1]), "chunked")) {
            chunked = true;
            n--;
        }
    }

    if (chunked) {
        buffer b = { 0 };

        rc = dechunk(r, rec, *body, *len, &b);
        if (rc < 0) {
            free(b.data);
            return rc;
        }
        if (rc == 0) {
            /* Some archivers store the body decoded but keep the header. */
            free(b.data);
        } else {
            *owned = b.data;
            *body = b.data;
            *len = b.len;
        }
    }

    for (int i = n - 1; i >= 0; i--) {
        const char *c = names[i];
        size_t cn = strlen(c);
        int wbits;

        if (cn == 0 || eq_ci(c, cn, "identity"))
            continue;
        if (eq_ci(c, cn, "gzip") || eq_ci(c, cn, "x-gzip")) {
            if (!is_gzip(*body, *len) && looks_decoded(*body, *len))
                continue;   /* stored decoded, header kept */
            wbits = 15 + 32;
        } else if (eq_ci(c, cn, "deflate")) {
            /* "deflate" is meant to be zlib-wrapped, but servers send
             * raw deflate too; a zlib header is a multiple of 31. */
            const unsigned char *s = *body;
            bool zlib = *len >= 2 && (s[0] & 0x0f) == 8 &&
                        ((unsigned)s[0] << 8 | s[1]) % 31 == 0;
            wbits = zlib ? 15 : -15;
        } else if (looks_decoded(*body, *len)) {
            continue;       /* "br" and the like, stored decoded */
        } else {
            r->h->warn(r->job, "record %zu at byte %zu%s: content coding "
                       "\"%s\" is not supported; record skipped",
                       rec->index, rec->offset, where(r), c);
            goto skip;
        }

        char what[96];
        buffer b = { 0 };
        bool damaged;
        /* A raw deflate stream may start with '<', so a body that looks
         * decoded is still inflated first, quietly. */
        bool maybe_plain = looks_decoded(*body, *len);

        snprintf(what, sizeof what, "record %zu's body", rec->index);
        rc = inflate_into(r, *body, *len, wbits, true, maybe_plain, &b, what,
                          &damaged);
        if (rc < 0) {
            free(b.data);
            free(*owned);
            *owned = NULL;
            return rc;
        }
        if (damaged && maybe_plain) {
            free(b.data);
            continue;       /* not compressed after all */
        }
        if (b.len == 0 && damaged) {
            free(b.data);
            r->h->warn(r->job, "record %zu at byte %zu%s: its body could "
                       "not be decoded; record skipped", rec->index,
                       rec->offset, where(r));
            goto skip;
        }
        free(*owned);
        *owned = b.data;
        *body = b.data;
        *len = b.len;
    }
    return 1;

too_many:
    r->h->warn(r->job, "record %zu at byte %zu%s: more than %d codings; "
               "record skipped", rec->index, rec->offset, where(r),
               CODING_MAX);
skip:
    free(*owned);
    *owned = NULL;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Passes                                                             */
/* ------------------------------------------------------------------ */

/* True when the record is one segment of a record split over several
 * (WARC 1.1 §6.9 "continuation"): folio reads whole records only. */
static bool segmented(const reader *r, const record *rec)
{
    if (rec->f[F_SEGMENT].value == NULL)
        return false;
    r->h->warn(r->job, "record %zu at byte %zu%s is a segment of a split "
               "record (not supported); skipped", rec->index, rec->offset,
               where(r));
    return true;
}

static int add_image(reader *r, record *rec, const payload *pl)
{
    const char *uri = target_uri(r, rec);
    unsigned char *owned;
    const unsigned char *body;
    size_t len;
    char mt[128];
    int rc;

    if (uri == NULL || !media_type(pl->ctype, mt, sizeof mt))
        return FOLIO_OK;
    rc = decode_body(r, rec, pl, &owned, &body, &len);
    if (rc <= 0)
        return rc;
    rc = r->h->add_asset(r->job, uri, mt, body, len);
    free(owned);
    if (rc == FOLIO_ENOMEM)
        return r->h->error(r->job, rc, "out of memory storing %s", uri);
    /* Over the host's asset limits the host warns once and drops it;
     * the articles still convert. */
    return FOLIO_OK;
}

static int keep_article(reader *r, const record *rec)
{
    if (r->n_articles >= ARTICLE_MAX)
        return r->h->error(r->job, FOLIO_ELIMIT, "more than %d HTML pages "
                           "in the archive (limit)", ARTICLE_MAX);
    if (r->n_articles == r->cap_articles) {
        size_t cap = r->cap_articles > 0 ? r->cap_articles * 2 : 16;
        struct article *p = realloc(r->articles, cap * sizeof *p);
        if (p == NULL)
            return r->h->error(r->job, FOLIO_ENOMEM, "out of memory");
        r->articles = p;
        r->cap_articles = cap;
    }
    r->articles[r->n_articles].offset = rec->offset;
    r->articles[r->n_articles].index = rec->index;
    r->n_articles++;
    return FOLIO_OK;
}

/* Returns the offset of the first line that starts with "WARC/1." at or
 * after `from`, or the end of the data. After a damaged record this is where
 * the next record most likely starts: a lying Content-Length loses one
 * record, not the rest of the archive. */
static size_t resync(const reader *r, size_t from)
{
    const unsigned char *d = r->data;
    size_t n = r->len, i = from;

    if (i > 0 && i < n && d[i - 1] == '\n' && n - i >= 7 &&
        memcmp(d + i, "WARC/1.", 7) == 0)
        return i;
    while (i < n) {
        const unsigned char *nl = memchr(d + i, '\n', n - i);
        if (nl == NULL)
            break;
        i = (size_t)(nl - d) + 1;
        if (n - i >= 7 && memcmp(d + i, "WARC/1.", 7) == 0)
            return i;
    }
    return n;
}

/* Pass 1: walks every record, adds the images, keeps the offsets of the
 * article records. Offsets only grow, so it ends. */
static int scan(reader *r)
{
    size_t off = 0;
    record rec;
    payload pl;

    for (size_t index = 1;; index++) {
        int st = read_record(r, off, index, &rec);
        if (st < 0)
            return st;
        if (st == REC_END)
            return FOLIO_OK;
        if (index > RECORD_COUNT_MAX)
            return r->h->error(r->job, FOLIO_ELIMIT, "more than %d records "
                               "in the archive (limit)", RECORD_COUNT_MAX);
        if (st == REC_BAD) {
            off = resync(r, rec.resume);
            continue;
        }
        off = rec.next;
        if (!read_payload(r, &rec, &pl))
            continue;
        kind k = payload_kind(&pl);
        if (k == KIND_OTHER || segmented(r, &rec))
            continue;
        int rc = k == KIND_IMAGE ? add_image(r, &rec, &pl)
                                 : keep_article(r, &rec);
        if (rc < 0)
            return rc;
    }
}

/* Pass 2: imports article `i`. Returns 1 when a document was added, 0
 * when the page was skipped or failed (warned), or a fatal status. */
static int import_article(reader *r, size_t i)
{
    record rec;
    payload pl;
    unsigned char *owned = NULL;
    const unsigned char *body;
    size_t len;
    char charset[64];
    int rc;

    /* Pass 1 read this record already, so it reads the same way. */
    if (read_record(r, r->articles[i].offset, r->articles[i].index,
                    &rec) != REC_OK ||
        !read_payload(r, &rec, &pl))
        return 0;
    rc = decode_body(r, &rec, &pl, &owned, &body, &len);
    if (rc <= 0)
        return rc;
    if (len == 0) {
        r->h->warn(r->job, "record %zu at byte %zu%s: the page is empty; "
                   "skipped", rec.index, rec.offset, where(r));
        free(owned);
        return 0;
    }

    folio_html_input in;
    memset(&in, 0, sizeof in);
    in.size = sizeof in;
    in.html = body;
    in.len = len;
    in.charset = ctype_charset(pl.ctype, charset, sizeof charset) ? charset
                                                                  : NULL;
    in.url = target_uri(r, &rec);
    in.captured = rec.f[F_DATE].value;
    if (rec.f[F_TRUNCATED].value != NULL)
        r->h->warn(r->job, "%s: the archive marks this page as truncated "
                   "(WARC-Truncated: %s)", in.url != NULL ? in.url : "page",
                   rec.f[F_TRUNCATED].value);
    rc = r->h->import_html(r->job, &in);
    free(owned);
    if (rc == FOLIO_ENOMEM)
        return rc;
    if (rc < 0) {
        r->h->warn(r->job, "%s (byte %zu%s): page not converted: %s",
                   in.url != NULL ? in.url : "page", rec.offset, where(r),
                   status_name(rc));
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Read                                                               */
/* ------------------------------------------------------------------ */

static int warc_read(const folio_host *h, folio_job *job,
                     const unsigned char *buf, size_t len)
{
    reader r;
    buffer file = { 0 };
    size_t imported = 0, failed = 0;
    int rc = FOLIO_OK;

    if (buf == NULL || len == 0)
        return h->error(job, FOLIO_EINVALID, "empty input");

    memset(&r, 0, sizeof r);
    r.h = h;
    r.job = job;
    r.scratch_cap = 2 * HEADER_MAX + 64;
    r.scratch = malloc(r.scratch_cap);
    if (r.scratch == NULL) {
        rc = h->error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }

    if (is_gzip(buf, len)) {
        bool damaged;

        r.gzipped = true;
        rc = inflate_into(&r, buf, len, 15 + 32, true, false, &file,
                          "the file", &damaged);
        if (rc < 0)
            goto done;
        r.data = file.data;
        r.len = file.len;
    } else {
        r.data = buf;
        r.len = len;
    }
    if (r.len < 7 || memcmp(r.data, "WARC/1.", 7) != 0) {
        rc = h->error(job, FOLIO_EINVALID, "not a WARC 1.0 or 1.1 file "
                      "(no \"WARC/1.\" at the start%s)", where(&r));
        goto done;
    }

    if ((rc = scan(&r)) < 0)
        goto done;
    if (r.n_articles == 0) {
        rc = h->error(job, FOLIO_ENOTFOUND, "no HTML page with status 200 "
                      "in the archive");
        goto done;
    }
    for (size_t i = 0; i < r.n_articles; i++) {
        rc = import_article(&r, i);
        if (rc < 0) {
            if (rc == FOLIO_ENOMEM)
                rc = h->error(job, rc, "out of memory");
            goto done;
        }
        if (rc > 0)
            imported++;
        else
            failed++;
    }
    rc = FOLIO_OK;
    if (imported == 0)
        rc = h->error(job, FOLIO_ENOTFOUND, "none of the %zu HTML pages "
                      "in the archive could be converted", failed);

done:
    free(r.articles);
    free(r.scratch);
    free(file.data);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const char *const warc_formats[] = {
    "warc", "warc.gz", "application/warc", NULL,
};

static const folio_input_ops warc_ops = {
    .size = sizeof(folio_input_ops),
    .probe = warc_probe,
    .read = warc_read,
};

static const folio_plugin warc_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_INPUT,
    .name = "warc",
    .version = "0.1.0",
    .description = "Web archive (WARC 1.0/1.1, .warc or .warc.gz): "
                   "one document per HTML page",
    .formats = warc_formats,
    .input = &warc_ops,
};

FOLIO_PLUGIN_DEFINE(warc_plugin)

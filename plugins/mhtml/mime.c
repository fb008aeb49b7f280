/* SPDX-License-Identifier: MIT */
/* MIME pieces for the mhtml plugin; see mime.h. */
#include "mime.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Header fields                                                      */
/* ------------------------------------------------------------------ */

/* Finds the line at buf[p..len): *content_end excludes the CR LF, the
 * return value is the start of the next line (len at the end). */
static size_t next_line(const unsigned char *buf, size_t len, size_t p,
                        size_t *content_end)
{
    const unsigned char *nl = memchr(buf + p, '\n', len - p);
    size_t eol = nl != NULL ? (size_t)(nl - buf) : len;
    size_t end = eol;

    if (end > p && buf[end - 1] == '\r')
        end--;
    *content_end = end;
    return nl != NULL ? eol + 1 : len;
}

static bool all_blank(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_blank(s[i]) && s[i] != '\r')
            return false;
    }
    return true;
}

/* Appends s[0..n) to the value being unfolded; false when it overflows
 * (the value keeps what fitted). */
static bool append(char *scratch, size_t cap, size_t *used,
                   const unsigned char *s, size_t n)
{
    size_t room = cap - *used;
    size_t take = n < room ? n : room;

    memcpy(scratch + *used, s, take);
    *used += take;
    return take == n;
}

mime_header_status mime_header_next(const unsigned char *buf, size_t len,
                                    size_t *pos, mime_field *f,
                                    char *scratch, size_t cap)
{
    size_t p = *pos;

    while (p < len) {
        size_t end, next = next_line(buf, len, p, &end);
        size_t i = p, name_end, used = 0;
        bool fits = true;

        /* Some writers pad the separating line with blanks. */
        if (all_blank(buf + p, end - p)) {
            *pos = next;
            return MIME_HEADER_END;
        }
        while (i < end && buf[i] > 32 && buf[i] < 127 && buf[i] != ':')
            i++;
        name_end = i;
        while (i < end && is_blank(buf[i]))
            i++;
        if (name_end == p || i >= end || buf[i] != ':') {
            /* Not a field (or a continuation with nothing to continue):
             * skipped, as mail readers do. */
            p = next;
            continue;
        }
        f->name = buf + p;
        f->name_len = name_end - p;
        fits = append(scratch, cap, &used, buf + i + 1, end - (i + 1));
        p = next;
        while (p < len && is_blank(buf[p])) {
            next = next_line(buf, len, p, &end);
            if (all_blank(buf + p, end - p))
                break; /* the blank line ending the block */
            fits = append(scratch, cap, &used, buf + p, end - p) && fits;
            p = next;
        }
        *pos = p;
        if (!fits)
            return MIME_HEADER_LONG;
        while (used > 0 && is_blank((unsigned char)scratch[used - 1]))
            used--;
        scratch[used] = '\0';
        i = 0;
        while (i < used && is_blank((unsigned char)scratch[i]))
            i++;
        f->value = scratch + i;
        f->value_len = used - i;
        return MIME_HEADER_FIELD;
    }
    *pos = len;
    return MIME_HEADER_EOF;
}

bool mime_field_is(const mime_field *f, const char *name)
{
    size_t n = strlen(name);

    if (f->name_len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (lower(f->name[i]) != (unsigned char)name[i])
            return false;
    }
    return true;
}

bool mime_eq_ci(const char *a, const char *b)
{
    while (*a != '\0' && *b != '\0') {
        if (lower((unsigned char)*a) != (unsigned char)*b)
            return false;
        a++;
        b++;
    }
    return *a == *b;
}

/* ------------------------------------------------------------------ */
/* Content-Type                                                       */
/* ------------------------------------------------------------------ */

void mime_media_type(const char *value, char *out, size_t cap)
{
    size_t n = 0;

    if (cap == 0)
        return;
    while (is_blank((unsigned char)*value))
        value++;
    while (*value != '\0' && *value != ';' &&
           !is_blank((unsigned char)*value) && n + 1 < cap)
        out[n++] = (char)lower((unsigned char)*value++);
    out[n] = '\0';
}

/* Reads a parameter value at *p (quoted string or token), copying it into
 * out[cap] when out is not NULL; leaves *p after it. */
static void param_value(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    size_t n = 0;

    if (*s == '"') {
        s++;
        while (*s != '\0' && *s != '"') {
            if (*s == '\\' && s[1] != '\0')
                s++;
            if (out != NULL && n + 1 < cap)
                out[n++] = *s;
            s++;
        }
        if (*s == '"')
            s++;
    } else {
        while (*s != '\0' && *s != ';' && !is_blank((unsigned char)*s)) {
            if (out != NULL && n + 1 < cap)
                out[n++] = *s;
            s++;
        }
    }
    if (out != NULL && cap > 0)
        out[n] = '\0';
    *p = s;
}

bool mime_param(const char *value, const char *name, char *out, size_t cap)
{
    const char *p = strchr(value, ';');
    size_t want = strlen(name);

    while (p != NULL) {
        const char *nm, *nm_end;
        bool match;

        p++;
        while (is_blank((unsigned char)*p))
            p++;
        nm = p;
        while (*p != '\0' && *p != '=' && *p != ';')
            p++;
        if (*p != '=') {
            p = *p == ';' ? p : NULL;
            continue;
        }
        nm_end = p;
        while (nm_end > nm && is_blank((unsigned char)nm_end[-1]))
            nm_end--;
        match = (size_t)(nm_end - nm) == want;
        for (size_t i = 0; match && i < want; i++)
            match = lower((unsigned char)nm[i]) == (unsigned char)name[i];
        p++;
        while (is_blank((unsigned char)*p))
            p++;
        param_value(&p, match ? out : NULL, cap);
        if (match)
            return true;
        p = strchr(p, ';');
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Transfer encodings                                                 */
/* ------------------------------------------------------------------ */

size_t mime_qp_decode(unsigned char *out, const unsigned char *in,
                      size_t len)
{
    size_t i = 0, o = 0;

    while (i < len) {
        size_t j;
        int hi, lo;

        if (in[i] != '=') {
            out[o++] = in[i++];
            continue;
        }
        /* A soft line break: "=" then optional blanks (some gateways
         * pad lines) then the line end, or the end of the body. */
        j = i + 1;
        while (j < len && is_blank(in[j]))
            j++;
        if (j == len) {
            i = len;
            continue;
        }
        if (in[j] == '\n' || in[j] == '\r') {
            i = j + 1;
            if (in[j] == '\r' && i < len && in[i] == '\n')
                i++;
            continue;
        }
        if (len - i >= 3 && (hi = hex_value(in[i + 1])) >= 0 &&
            (lo = hex_value(in[i + 2])) >= 0) {
            out[o++] = (unsigned char)(hi << 4 | lo);
            i += 3;
            continue;
        }
        /* RFC 2045 §6.7 (4): keep a malformed "=" literally. */
        out[o++] = in[i++];
    }
    return o;
}

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

size_t mime_base64_decode(unsigned char *out, const unsigned char *in,
                          size_t len)
{
    unsigned long acc = 0;
    unsigned n = 0;
    size_t o = 0;

    for (size_t i = 0; i < len && in[i] != '='; i++) {
        int v = base64_value(in[i]);

        if (v < 0)
            continue;
        acc = acc << 6 | (unsigned long)v;
        if (++n == 4) {
            out[o++] = (unsigned char)(acc >> 16);
            out[o++] = (unsigned char)(acc >> 8);
            out[o++] = (unsigned char)acc;
            acc = 0;
            n = 0;
        }
    }
    /* Missing padding: two or three sextets still carry whole bytes. */
    if (n == 2) {
        out[o++] = (unsigned char)(acc >> 4);
    } else if (n == 3) {
        out[o++] = (unsigned char)(acc >> 10);
        out[o++] = (unsigned char)(acc >> 2);
    }
    return o;
}

/* ------------------------------------------------------------------ */
/* RFC 2047 encoded-words                                             */
/* ------------------------------------------------------------------ */

typedef enum word_charset { WORD_UTF8, WORD_LATIN1, WORD_OTHER } word_charset;

/* An encoded-word "=?charset?E?text?=" starting at s. */
typedef struct encoded_word {
    char label[48];     /* the charset, without an RFC 2231 language */
    word_charset charset;
    char encoding;      /* 'q' or 'b' */
    const char *text;
    size_t text_len;
    size_t total;       /* bytes of the whole word */
} encoded_word;

static bool parse_word(const char *s, encoded_word *w)
{
    const char *cs = s + 2, *p = cs, *end;
    size_t n;

    while (*p != '\0' && *p != '?' && !is_blank((unsigned char)*p))
        p++;
    n = (size_t)(p - cs);
    if (*p != '?' || n == 0 || n >= sizeof w->label)
        return false;
    memcpy(w->label, cs, n);
    w->label[n] = '\0';
    /* RFC 2231 §5: "charset*language". */
    if (strchr(w->label, '*') != NULL)
        *strchr(w->label, '*') = '\0';
    p++;
    w->encoding = (char)lower((unsigned char)*p);
    if ((w->encoding != 'q' && w->encoding != 'b') || p[1] != '?')
        return false;
    p += 2;
    end = strstr(p, "?=");
    if (end == NULL)
        return false;
    for (const char *q = p; q < end; q++) {
        if (is_blank((unsigned char)*q))
            return false;
    }
    if (mime_eq_ci(w->label, "utf-8") || mime_eq_ci(w->label, "utf8") ||
        mime_eq_ci(w->label, "us-ascii"))
        w->charset = WORD_UTF8;
    else if (mime_eq_ci(w->label, "iso-8859-1") ||
             mime_eq_ci(w->label, "latin1"))
        w->charset = WORD_LATIN1;
    else
        w->charset = WORD_OTHER;
    w->text = p;
    w->text_len = (size_t)(end - p);
    w->total = (size_t)(end + 2 - s);
    return true;
}

/* Converts n bytes at o from the word's charset to UTF-8 in place, with
 * iconv (in the C library); room is the space at o. Returns the new
 * length, or (size_t)-1 when the charset or the bytes are not known. */
static size_t convert_word(const encoded_word *w, unsigned char *o,
                           size_t n, size_t room)
{
    iconv_t cd = iconv_open("UTF-8", w->label);
    char *copy, *src, *dst = (char *)o;
    size_t srcleft = n, dstleft = room, r;

    if (cd == (iconv_t)-1)
        return (size_t)-1;
    copy = malloc(n != 0 ? n : 1);
    if (copy == NULL) {
        iconv_close(cd);
        return (size_t)-1;
    }
    memcpy(copy, o, n);
    src = copy;
    r = iconv(cd, &src, &srcleft, &dst, &dstleft);
    iconv_close(cd);
    free(copy);
    return r == (size_t)-1 ? (size_t)-1 : room - dstleft;
}

/* Decodes the word's text into out (room bytes); returns the bytes
 * written, or (size_t)-1 when it cannot be decoded. */
static size_t decode_word(const encoded_word *w, char *out, size_t room)
{
    unsigned char *o = (unsigned char *)out;
    const unsigned char *t = (const unsigned char *)w->text;
    size_t n = 0, high = 0;

    /* Raw bytes never outnumber the text's characters. */
    if (room < w->text_len + 3)
        return (size_t)-1;
    if (w->encoding == 'b') {
        n = mime_base64_decode(o, t, w->text_len);
    } else {
        for (size_t i = 0; i < w->text_len; i++) {
            int hi, lo;

            if (t[i] == '_') {
                o[n++] = ' ';
            } else if (t[i] == '=' && w->text_len - i >= 3 &&
                       (hi = hex_value(t[i + 1])) >= 0 &&
                       (lo = hex_value(t[i + 2])) >= 0) {
                o[n++] = (unsigned char)(hi << 4 | lo);
                i += 2;
            } else {
                o[n++] = t[i];
            }
        }
    }
    if (w->charset == WORD_UTF8)
        return n;
    if (w->charset == WORD_OTHER)
        return convert_word(w, o, n, room);
    /* ISO-8859-1 is the first 256 code points: widen in place from the
     * end, each high byte becoming two. */
    for (size_t i = 0; i < n; i++)
        high += o[i] >= 0x80;
    if (n + high > room)
        return (size_t)-1;
    for (size_t i = n, j = n + high; i > 0; i--) {
        unsigned char c = o[i - 1];

        if (c < 0x80) {
            o[--j] = c;
        } else {
            o[--j] = (unsigned char)(0x80 | (c & 0x3F));
            o[--j] = (unsigned char)(0xC0 | c >> 6);
        }
    }
    return n + high;
}

void mime_decode_words(const char *in, char *out, size_t cap)
{
    size_t o = 0, blank_start = 0, n;
    bool after_word = false, in_blank = false;
    const char *p = in;

    if (cap == 0)
        return;
    while (*p != '\0' && o + 1 < cap) {
        encoded_word w;

        if (p[0] == '=' && p[1] == '?' && parse_word(p, &w) &&
            (n = decode_word(&w, out + o, cap - 1 - o)) != (size_t)-1) {
            /* Decoded after the blanks, so a failure loses nothing;
             * then moved over the blanks between two words. */
            if (after_word && in_blank) {
                memmove(out + blank_start, out + o, n);
                o = blank_start;
            }
            o += n;
            p += w.total;
            after_word = true;
            in_blank = false;
        } else if (is_blank((unsigned char)*p)) {
            if (!in_blank)
                blank_start = o;
            in_blank = true;
            out[o++] = *p++;
        } else {
            out[o++] = *p++;
            after_word = false;
            in_blank = false;
        }
    }
    out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* Dates                                                              */
/* ------------------------------------------------------------------ */

static const char *skip_blanks(const char *p)
{
    while (is_blank((unsigned char)*p))
        p++;
    return p;
}

/* Reads 1..max decimal digits; returns the count (0: none). */
static int read_number(const char **p, int max, int *value)
{
    int n = 0, v = 0;

    while (n < max && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *value = v;
    return n;
}

/* RFC 5322 §4.3 obsolete zone names, in minutes east of UTC. */
static bool zone_name(const char *z, size_t n, int *minutes)
{
    static const struct {
        const char *name;
        int minutes;
    } zones[] = {
        { "gmt", 0 }, { "ut", 0 }, { "utc", 0 }, { "z", 0 },
        { "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
        { "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
    };
    char buf[4];

    if (n == 0 || n >= sizeof buf)
        return false;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)lower((unsigned char)z[i]);
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (strcmp(buf, zones[i].name) == 0) {
            *minutes = zones[i].minutes;
            return true;
        }
    }
    return false;
}

bool mime_date_iso(const char *in, char out[32])
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    const char *p = skip_blanks(in);
    int day, month = 0, year, hour, minute, second = 0, zone = 0;
    int ndigits;
    bool has_seconds = false, has_zone = false;
    char mon[4];

    /* Optional day name: "Sat," */
    if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') {
        while ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
            p++;
        p = skip_blanks(p);
        if (*p != ',')
            return false;
        p = skip_blanks(p + 1);
    }
    if (read_number(&p, 2, &day) == 0 || day < 1 || day > 31)
        return false;
    p = skip_blanks(p);
    for (int i = 0; i < 3; i++) {
        if (p[i] == '\0')
            return false;
        mon[i] = (char)lower((unsigned char)p[i]);
    }
    mon[3] = '\0';
    for (int i = 0; i < 12; i++) {
        if (memcmp(months + 3 * i, mon, 3) == 0)
            month = i + 1;
    }
    if (month == 0)
        return false;
    p = skip_blanks(p + 3);
    ndigits = read_number(&p, 4, &year);
    if (ndigits < 2)
        return false;
    /* RFC 5322 §4.3: two-digit years below 50 are 20xx. */
    if (ndigits == 2)
        year += year < 50 ? 2000 : 1900;
    else if (ndigits == 3)
        year += 1900;
    p = skip_blanks(p);
    if (read_number(&p, 2, &hour) == 0 || hour > 23 || *p != ':')
        return false;
    p++;
    if (read_number(&p, 2, &minute) != 2 || minute > 59)
        return false;
    if (*p == ':') {
        p++;
        if (read_number(&p, 2, &second) != 2 || second > 60)
            return false;
        has_seconds = true;
    }
    p = skip_blanks(p);
    if (*p == '+' || *p == '-') {
        int hhmm;
        bool west = *p == '-';

        p++;
        if (read_number(&p, 4, &hhmm) != 4 || hhmm % 100 > 59)
            return false;
        zone = (hhmm / 100 * 60 + hhmm % 100) * (west ? -1 : 1);
        has_zone = true;
    } else {
        const char *z = p;

        while ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
            p++;
        has_zone = zone_name(z, (size_t)(p - z), &zone);
    }

    {
        int n = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d", year, month,
                         day, hour, minute);

        if (has_seconds)
            n += snprintf(out + n, 32 - (size_t)n, ":%02d", second);
        if (has_zone && zone == 0)
            snprintf(out + n, 32 - (size_t)n, "Z");
        else if (has_zone)
            snprintf(out + n, 32 - (size_t)n, "%c%02d:%02d",
                     zone < 0 ? '-' : '+', (zone < 0 ? -zone : zone) / 60,
                     (zone < 0 ? -zone : zone) % 60);
    }
    return true;
}

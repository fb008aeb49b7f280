/* SPDX-License-Identifier: MIT */
/*
 * Output plugin "yaml": the article's metadata as one YAML mapping, alone
 * (-t yaml) or as the front matter of another output (folio
 * --front-matter sets the option front-matter=true: `---`, the mapping,
 * `---` and one blank line, for the main output to follow).
 *
 * Everything goes through libyaml's emitter, never through hand-built
 * strings (FORMATS.md 3.2): every string is double-quoted, so values like
 * `no`, `null`, `1.10` or `2024-01-02` read back as strings under a YAML
 * 1.1 resolver; dates are plain only when they are strictly valid
 * timestamps; the line width is unlimited so nothing is folded.
 *
 * Keys and their order come from a preset (generic, hugo, jekyll,
 * eleventy, astro, obsidian) and may be chosen and renamed with
 * -O keys=FIELD[:KEY],... An unknown value is omitted, never null.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yaml.h>

#include "folio/plugin.h"

/* True when the host's folio_meta is large enough to hold `field`: a
 * newer plugin may run on an older host with a shorter record. */
#define META_HAS(m, field)                                                   \
    ((m)->size >= offsetof(folio_meta, field) + sizeof((m)->field))
#define META_STR(m, field) (META_HAS(m, field) ? (m)->field : NULL)

/* Bounds on what -O keys= and the tag lists may ask for; inputs are
 * hostile and options are user text. */
#define MAX_KEY_LEN 64
#define MAX_TAGS 256

/* ------------------------------------------------------------------ */
/* Fields and presets                                                 */
/* ------------------------------------------------------------------ */

/* The metadata a key can carry. */
typedef enum field {
    F_TITLE,
    F_SUBTITLE,
    F_DATE,        /* published */
    F_UPDATED,     /* modified */
    F_CREATED,     /* capture time */
    F_AUTHOR,
    F_DESCRIPTION,
    F_SOURCE,      /* canonical URL, else where it was read */
    F_URL,         /* canonical URL only */
    F_SITE,
    F_LANG,
    F_DIR,
    F_IMAGE,
    F_SECTION,
    F_TAGS,
    F_COUNT
} field;

/* Field names as -O keys= spells them: the generic preset's keys. */
static const char *const field_names[F_COUNT] = {
    [F_TITLE] = "title",       [F_SUBTITLE] = "subtitle",
    [F_DATE] = "date",         [F_UPDATED] = "updated",
    [F_CREATED] = "created",   [F_AUTHOR] = "author",
    [F_DESCRIPTION] = "description",
    [F_SOURCE] = "source",     [F_URL] = "url",
    [F_SITE] = "site",         [F_LANG] = "lang",
    [F_DIR] = "dir",           [F_IMAGE] = "image",
    [F_SECTION] = "section",   [F_TAGS] = "tags",
};

typedef struct preset {
    const char *name;
    /* Key per field; NULL: the generic name. */
    const char *keys[F_COUNT];
    /* Default fields in order, ending with F_COUNT. */
    field order[F_COUNT + 1];
    bool author_string_if_one; /* one author as a string, not a list */
    bool image_list;           /* the image as a one-item list */
    bool date_only;            /* dates cut to YYYY-MM-DD */
    bool block_lists;          /* lists in block style */
    bool obsidian_tags;        /* default [clippings], sanitised */
} preset;

/* FORMATS.md 3.2: presets rename, not reinvent. */
static const preset presets[] = {
    { "generic", { NULL },
      { F_TITLE, F_DATE, F_UPDATED, F_AUTHOR, F_DESCRIPTION, F_SOURCE,
        F_SITE, F_LANG, F_IMAGE, F_TAGS, F_COUNT },
      false, false, false, false, false },
    { "hugo", { [F_UPDATED] = "lastmod", [F_IMAGE] = "images" },
      { F_TITLE, F_DATE, F_UPDATED, F_AUTHOR, F_DESCRIPTION, F_SOURCE,
        F_SITE, F_LANG, F_IMAGE, F_TAGS, F_COUNT },
      true, true, false, false, false },
    { "jekyll", { [F_UPDATED] = "last_modified_at" },
      { F_TITLE, F_DATE, F_UPDATED, F_AUTHOR, F_DESCRIPTION, F_SOURCE,
        F_SITE, F_LANG, F_IMAGE, F_TAGS, F_COUNT },
      true, false, false, false, false },
    { "eleventy", { NULL },
      { F_TITLE, F_DATE, F_UPDATED, F_AUTHOR, F_DESCRIPTION, F_SOURCE,
        F_SITE, F_LANG, F_IMAGE, F_TAGS, F_COUNT },
      false, false, false, false, false },
    { "astro",
      { [F_DATE] = "pubDate", [F_UPDATED] = "updatedDate",
        [F_IMAGE] = "heroImage" },
      { F_TITLE, F_DATE, F_UPDATED, F_AUTHOR, F_DESCRIPTION, F_SOURCE,
        F_SITE, F_LANG, F_IMAGE, F_TAGS, F_COUNT },
      false, false, false, false, false },
    /* Obsidian keeps no modification date; it records the capture. */
    { "obsidian", { [F_DATE] = "published" },
      { F_TITLE, F_DATE, F_CREATED, F_AUTHOR, F_DESCRIPTION, F_SOURCE,
        F_SITE, F_LANG, F_IMAGE, F_TAGS, F_COUNT },
      false, false, true, true, true },
};

/* One key to write. */
typedef struct entry {
    field f;
    const char *key;
} entry;

/* ------------------------------------------------------------------ */
/* Context                                                            */
/* ------------------------------------------------------------------ */

typedef struct ctx {
    const folio_host *h;
    folio_job *job;
    const preset *p;
    yaml_emitter_t em;
    folio_write_fn out;
    void *sink;
    bool sink_failed;
    int rc; /* first error recorded while building, or FOLIO_OK */
} ctx;

static int nomem(ctx *c)
{
    if (c->rc == FOLIO_OK)
        c->rc = c->h->error(c->job, FOLIO_ENOMEM, "out of memory");
    return c->rc;
}

/* libyaml's write handler: 1 on success, 0 stops the emitter. */
static int write_handler(void *data, unsigned char *buf, size_t size)
{
    ctx *c = data;

    if (size == 0)
        return 1;
    if (c->out(c->sink, (const char *)buf, size) != 0) {
        c->sink_failed = true;
        return 0;
    }
    return 1;
}

/* Turns an emitter failure into a status recorded on the job. */
static int emitter_failed(ctx *c)
{
    if (c->rc != FOLIO_OK)
        return c->rc;
    if (c->sink_failed)
        c->rc = c->h->error(c->job, FOLIO_EUSER, "writing the output failed");
    else if (c->em.error == YAML_MEMORY_ERROR)
        c->rc = c->h->error(c->job, FOLIO_ENOMEM, "out of memory");
    else
        c->rc = c->h->error(c->job, FOLIO_EINVALID, "YAML emitter: %s",
                            c->em.problem != NULL ? c->em.problem
                                                  : "failed");
    return c->rc;
}

static int emit(ctx *c, yaml_event_t *ev)
{
    /* yaml_emitter_emit owns the event from here, failing or not. */
    if (!yaml_emitter_emit(&c->em, ev))
        return emitter_failed(c);
    return FOLIO_OK;
}

/* A scalar: double-quoted, or plain for dates and keys. */
static int emit_scalar(ctx *c, const char *s, bool plain)
{
    yaml_event_t ev;
    size_t len = strlen(s);

    if (len > (size_t)INT_MAX)
        return c->h->error(c->job, FOLIO_ELIMIT, "value too long");
    if (!yaml_scalar_event_initialize(
            &ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)len, plain,
            !plain,
            plain ? YAML_PLAIN_SCALAR_STYLE
                  : YAML_DOUBLE_QUOTED_SCALAR_STYLE)) {
        /* Only invalid UTF-8 or no memory fail here; the importer
         * guarantees valid UTF-8, so check which. */
        return c->h->error(c->job, FOLIO_EINVALID,
                           "a metadata value is not valid UTF-8 "
                           "(or out of memory)");
    }
    return emit(c, &ev);
}

/* ------------------------------------------------------------------ */
/* Values                                                             */
/* ------------------------------------------------------------------ */

/* Length of a line-breaking or tab character at s, else 0: tab, LF, CR,
 * VT, FF, NEL (U+0085), LS (U+2028), PS (U+2029). libyaml writes the last
 * three as \N, \L, \P, which not every parser knows. */
static size_t break_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    if (u[0] == '\t' || u[0] == '\n' || u[0] == '\r' || u[0] == '\v' ||
        u[0] == '\f')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0x85)
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
        return 3;
    return 0;
}

/*
 * Returns `s` as one line: each run of spaces and breaks that holds a
 * break becomes one space (FORMATS.md 3.2: titles and descriptions are
 * one line). Other text is kept byte for byte. NULL and "" give NULL (an
 * empty value is omitted like an unknown one). The copy lives in the
 * job's arena.
 */
static const char *one_line(ctx *c, const char *s)
{
    size_t n, o = 0;
    char *r;

    if (s == NULL || *s == '\0')
        return NULL;
    n = strlen(s);
    r = c->h->alloc(c->job, n + 1);
    if (r == NULL) {
        nomem(c);
        return NULL;
    }
    for (size_t i = 0; i < n;) {
        size_t k = break_len(s + i);

        if (s[i] == ' ' || k != 0) {
            size_t j = i;
            bool brk = false;

            while (j < n && (s[j] == ' ' || (k = break_len(s + j)) != 0)) {
                if (s[j] == ' ') {
                    j++;
                } else {
                    brk = true;
                    j += k;
                }
            }
            if (brk) {
                r[o++] = ' ';
            } else {
                memcpy(r + o, s + i, j - i);
                o += j - i;
            }
            i = j;
        } else {
            r[o++] = s[i++];
        }
    }
    r[o] = '\0';
    return r;
}

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool valid_day(int y, int m, int d)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

/*
 * Writes to `out` the form of ISO 8601 date `s` that every YAML 1.1
 * loader reads as a timestamp and can represent, and returns true; or
 * returns false when `s` is not such a date. Accepted: YYYY-MM-DD, or that
 * with 'T' (or one space) and HH:MM, HH:MM:SS or HH:MM:SS.f (up to six
 * fraction digits, or more when the rest are zeros), then optionally Z,
 * +HH, +HHMM or +HH:MM. A real calendar day (year 1 or later) and clock
 * time. Written as
 * YYYY-MM-DDTHH:MM:SS[.f][Z|+HH:MM]: the same instant (":00" seconds and
 * offset minutes are precision, not an invented time), in the one form
 * YAML's timestamp type has; Eleventy refuses the space form.
 */
static bool timestamp(const char *s, char out[40])
{
    size_t n = strlen(s), i, o;

    if (n < 10 || n > 35 || !is_digits(s, 4) || s[4] != '-' ||
        !is_digits(s + 5, 2) || s[7] != '-' || !is_digits(s + 8, 2) ||
        !valid_day(num(s, 4), num(s + 5, 2), num(s + 8, 2)))
        return false;
    memcpy(out, s, 10);
    out[10] = '\0';
    if (n == 10)
        return true;
    if ((s[10] != 'T' && s[10] != ' ') || !is_digits(s + 11, 2) ||
        s[13] != ':' || !is_digits(s + 14, 2) || num(s + 11, 2) > 23 ||
        num(s + 14, 2) > 59)
        return false;
    memcpy(out + 10, "T", 1);
    memcpy(out + 11, s + 11, 5);
    i = 16;
    o = 16;
    if (s[i] == ':') {
        if (!is_digits(s + i + 1, 2) || num(s + i + 1, 2) > 59)
            return false;
        memcpy(out + o, s + i, 3);
        i += 3;
        o += 3;
        if (s[i] == '.') {
            size_t f = i + 1;

            size_t keep;

            while (s[f] >= '0' && s[f] <= '9')
                f++;
            if (f == i + 1)
                return false;
            /* Loaders keep microseconds: digits past the sixth must be
             * zeros (.0000000Z is common) to drop them without loss. */
            keep = f - i - 1 > 6 ? 6 : f - i - 1;
            for (size_t k = i + 1 + keep; k < f; k++) {
                if (s[k] != '0')
                    return false;
            }
            memcpy(out + o, s + i, keep + 1);
            o += keep + 1;
            i = f;
        }
    } else {
        memcpy(out + o, ":00", 3);
        o += 3;
    }
    if (s[i] == 'Z' && s[i + 1] == '\0') {
        out[o++] = 'Z';
    } else if (s[i] == '+' || s[i] == '-') {
        size_t h = i + 1;
        int mm = 0;

        if (!is_digits(s + h, 2) || num(s + h, 2) > 23)
            return false;
        if (s[h + 2] == ':' && is_digits(s + h + 3, 2) && s[h + 5] == '\0')
            mm = num(s + h + 3, 2);
        else if (is_digits(s + h + 2, 2) && s[h + 4] == '\0')
            mm = num(s + h + 2, 2);
        else if (s[h + 2] != '\0')
            return false;
        if (mm > 59)
            return false;
        out[o++] = s[i];
        out[o++] = s[h];
        out[o++] = s[h + 1];
        out[o++] = ':';
        out[o++] = (char)('0' + mm / 10);
        out[o++] = (char)('0' + mm % 10);
    } else if (s[i] != '\0') {
        return false;
    }
    out[o] = '\0';
    return true;
}

/* A date: a plain timestamp (cut to the day for presets that want dates
 * only), or a quoted string when it is not one. */
static int emit_date(ctx *c, const char *s)
{
    char ts[40];

    if (!timestamp(s, ts))
        return emit_scalar(c, s, false);
    if (c->p->date_only)
        ts[10] = '\0';
    return emit_scalar(c, ts, true);
}

/* A list of strings, or a single string when `one_as_string` and the list
 * has one item. The caller has checked n > 0. */
static int emit_list(ctx *c, const char *const *items, size_t n,
                     bool one_as_string)
{
    yaml_event_t ev;
    int rc;

    if (n == 1 && one_as_string)
        return emit_scalar(c, items[0], false);
    yaml_sequence_start_event_initialize(
        &ev, NULL, NULL, 1,
        c->p->block_lists ? YAML_BLOCK_SEQUENCE_STYLE
                          : YAML_FLOW_SEQUENCE_STYLE);
    if ((rc = emit(c, &ev)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = emit_scalar(c, items[i], false)) < 0)
            return rc;
    }
    yaml_sequence_end_event_initialize(&ev);
    return emit(c, &ev);
}

/* ------------------------------------------------------------------ */
/* Tags                                                               */
/* ------------------------------------------------------------------ */

typedef struct strlist {
    const char *items[MAX_TAGS];
    size_t n;
} strlist;

/* Adds `s` (arena-owned) unless empty, present or the list is full. */
static void list_add(strlist *l, const char *s)
{
    if (s == NULL || *s == '\0' || l->n == MAX_TAGS)
        return;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i], s) == 0)
            return;
    }
    l->items[l->n++] = s;
}

/*
 * An Obsidian tag from `s` (FORMATS.md 3.2): no leading '#', no spaces
 * or punctuation (each run becomes '-'), '/' kept for nesting, not all
 * digits. Letters and digits of any script are kept (every byte >= 0x80
 * belongs to one). Returns NULL when nothing is left.
 */
static const char *obsidian_tag(ctx *c, const char *s)
{
    size_t n = strlen(s), o = 0;
    bool dash = false, digits_only = true;
    char *r = c->h->alloc(c->job, n + 1);

    if (r == NULL) {
        nomem(c);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool keep = ch >= 0x80 || (ch >= '0' && ch <= '9') ||
                    (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    ch == '_' || ch == '/';

        if (ch == '-' || !keep) {
            dash = o > 0;
            continue;
        }
        if (dash && r[o - 1] != '/' && ch != '/')
            r[o++] = '-';
        dash = false;
        if (!(ch >= '0' && ch <= '9') && ch != '/')
            digits_only = false;
        r[o++] = (char)ch;
    }
    while (o > 0 && r[o - 1] == '/')
        o--;
    r[o] = '\0';
    if (o == 0 || digits_only)
        return NULL;
    return r;
}

/* Adds the tags of a comma-separated list, cleaned. */
static void add_tag_list(ctx *c, strlist *l, const char *csv)
{
    while (csv != NULL && *csv != '\0' && c->rc == FOLIO_OK) {
        const char *comma = strchr(csv, ',');
        size_t len = comma != NULL ? (size_t)(comma - csv) : strlen(csv);
        char *t = c->h->strndup(c->job, csv, len);

        if (t == NULL) {
            nomem(c);
            return;
        }
        list_add(l, c->p->obsidian_tags ? obsidian_tag(c, t)
                                        : one_line(c, t));
        csv = comma != NULL ? comma + 1 : NULL;
    }
}

/* The tags asked for: -O tags=page adds the page's keywords, -O tag=
 * (what --tag sets) the user's own. Obsidian defaults to [clippings]. */
static void collect_tags(ctx *c, const folio_meta *m, strlist *l)
{
    const char *which = c->h->option(c->job, "tags");
    size_t n_tags = META_HAS(m, n_tags) ? m->n_tags : 0;
    const char *const *tags = META_STR(m, tags);

    l->n = 0;
    add_tag_list(c, l, c->h->option(c->job, "tag"));
    if (which != NULL && strcmp(which, "page") == 0) {
        for (size_t i = 0; tags != NULL && i < n_tags; i++) {
            if (tags[i] == NULL)
                continue;
            list_add(l, c->p->obsidian_tags ? obsidian_tag(c, tags[i])
                                            : one_line(c, tags[i]));
        }
    }
    if (l->n == 0 && c->p->obsidian_tags)
        list_add(l, "clippings");
}

/* ------------------------------------------------------------------ */
/* Keys                                                               */
/* ------------------------------------------------------------------ */

/* Keys are ASCII names: a letter or '_', then letters, digits, '_', '-'. */
static bool valid_key(const char *s, size_t n)
{
    if (n == 0 || n > MAX_KEY_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     ch == '_';

        if (!alpha && (i == 0 || !((ch >= '0' && ch <= '9') || ch == '-')))
            return false;
    }
    return true;
}

/* True for a key a YAML 1.1 resolver would read as a boolean or null if
 * written plain ("on", "No", "null", ...): it must be quoted. */
static bool reserved_word(const char *s)
{
    static const char *const words[] = { "y",   "n",     "yes", "no",
                                         "on",  "off",   "true", "false",
                                         "null", NULL };

    for (size_t i = 0; words[i] != NULL; i++) {
        size_t k = 0;

        while (words[i][k] != '\0' && (s[k] | 0x20) == words[i][k])
            k++;
        if (words[i][k] == '\0' && s[k] == '\0')
            return true;
    }
    return false;
}

static const char *preset_key(const preset *p, field f)
{
    return p->keys[f] != NULL ? p->keys[f] : field_names[f];
}

/*
 * Builds the list of keys to write: the preset's, or those of -O keys=
 * (FIELD or FIELD:KEY, comma-separated; FIELD is a generic key name, KEY
 * the name to write, else the preset's name for FIELD). Returns the count
 * or a negative status recorded on the job.
 */
static int build_entries(ctx *c, entry *e, size_t max)
{
    const char *spec = c->h->option(c->job, "keys");
    size_t n = 0;

    if (spec == NULL || *spec == '\0') {
        for (size_t i = 0; c->p->order[i] != F_COUNT && n < max; i++) {
            e[n].f = c->p->order[i];
            e[n].key = preset_key(c->p, e[n].f);
            n++;
        }
        return (int)n;
    }
    while (*spec != '\0') {
        const char *end = strchr(spec, ',');
        size_t len = end != NULL ? (size_t)(end - spec) : strlen(spec);
        const char *colon = memchr(spec, ':', len);
        size_t flen = colon != NULL ? (size_t)(colon - spec) : len;
        field f = F_COUNT;

        for (size_t k = 0; k < F_COUNT; k++) {
            if (strlen(field_names[k]) == flen &&
                memcmp(field_names[k], spec, flen) == 0)
                f = (field)k;
        }
        if (f == F_COUNT)
            return c->h->error(c->job, FOLIO_EINVALID,
                               "keys: unknown field '%.*s' (known: title, "
                               "subtitle, date, updated, created, author, "
                               "description, source, url, site, lang, dir, "
                               "image, section, tags)",
                               (int)(flen > MAX_KEY_LEN ? MAX_KEY_LEN : flen),
                               spec);
        if (n == max)
            return c->h->error(c->job, FOLIO_EINVALID,
                               "keys: too many entries");
        e[n].f = f;
        if (colon != NULL) {
            size_t klen = len - flen - 1;
            char *key;

            if (!valid_key(colon + 1, klen))
                return c->h->error(c->job, FOLIO_EINVALID,
                                   "keys: '%.*s' is not a valid key name "
                                   "(ASCII letters, digits, '_', '-')",
                                   (int)(klen > MAX_KEY_LEN ? MAX_KEY_LEN
                                                            : klen),
                                   colon + 1);
            key = c->h->strndup(c->job, colon + 1, klen);
            if (key == NULL)
                return nomem(c);
            e[n].key = key;
        } else {
            e[n].key = preset_key(c->p, f);
        }
        for (size_t k = 0; k < n; k++) {
            if (strcmp(e[k].key, e[n].key) == 0)
                return c->h->error(c->job, FOLIO_EINVALID,
                                   "keys: key '%s' appears twice", e[n].key);
        }
        n++;
        spec = end != NULL ? end + 1 : spec + len;
    }
    return (int)n;
}

/* ------------------------------------------------------------------ */
/* The mapping                                                        */
/* ------------------------------------------------------------------ */

/* What a field holds for this document, ready to write. */
typedef struct value {
    enum { V_NONE, V_STRING, V_DATE, V_LIST } kind;
    const char *s;
    const char *const *items;
    size_t n;
    bool one_as_string;
} value;

static value field_value(ctx *c, const folio_meta *m, field f,
                         const strlist *tags)
{
    value v = { V_NONE, NULL, NULL, 0, false };
    const char *s = NULL;

    switch (f) {
    case F_TITLE:
        s = META_STR(m, title);
        break;
    case F_SUBTITLE:
        s = META_STR(m, subtitle);
        break;
    case F_DATE:
    case F_UPDATED:
    case F_CREATED:
        s = f == F_DATE      ? META_STR(m, published)
            : f == F_UPDATED ? META_STR(m, modified)
                             : META_STR(m, captured);
        s = one_line(c, s);
        if (s != NULL) {
            v.kind = V_DATE;
            v.s = s;
        }
        return v;
    case F_AUTHOR: {
        size_t n = META_HAS(m, n_authors) ? m->n_authors : 0;
        const char *const *a = META_STR(m, authors);
        const char **items;
        size_t k = 0;

        if (a == NULL || n == 0)
            return v;
        items = c->h->alloc(c->job, n * sizeof *items);
        if (items == NULL) {
            nomem(c);
            return v;
        }
        for (size_t i = 0; i < n; i++) {
            const char *one = one_line(c, a[i]);

            if (one != NULL)
                items[k++] = one;
        }
        if (k > 0) {
            v.kind = V_LIST;
            v.items = items;
            v.n = k;
            v.one_as_string = c->p->author_string_if_one;
        }
        return v;
    }
    case F_DESCRIPTION:
        s = META_STR(m, description);
        break;
    case F_SOURCE:
        s = META_STR(m, url);
        if (s == NULL || *s == '\0')
            s = META_STR(m, source);
        break;
    case F_URL:
        s = META_STR(m, url);
        break;
    case F_SITE:
        s = META_STR(m, site_name);
        break;
    case F_LANG:
        s = META_STR(m, lang);
        break;
    case F_DIR:
        s = META_STR(m, dir);
        break;
    case F_IMAGE:
        s = one_line(c, META_STR(m, image));
        if (s != NULL && c->p->image_list) {
            const char **items = c->h->alloc(c->job, sizeof *items);

            if (items == NULL) {
                nomem(c);
                return v;
            }
            items[0] = s;
            v.kind = V_LIST;
            v.items = items;
            v.n = 1;
            return v;
        }
        break;
    case F_SECTION:
        s = META_STR(m, section);
        break;
    case F_TAGS:
        if (tags->n > 0) {
            v.kind = V_LIST;
            v.items = tags->items;
            v.n = tags->n;
        }
        return v;
    default:
        return v;
    }
    s = one_line(c, s);
    if (s != NULL) {
        v.kind = V_STRING;
        v.s = s;
    }
    return v;
}

static int emit_key(ctx *c, const char *key)
{
    return emit_scalar(c, key, !reserved_word(key));
}

static int emit_value(ctx *c, const value *v)
{
    switch (v->kind) {
    case V_STRING:
        return emit_scalar(c, v->s, false);
    case V_DATE:
        return emit_date(c, v->s);
    case V_LIST:
        return emit_list(c, v->items, v->n, v->one_as_string);
    default:
        return FOLIO_OK;
    }
}

/* Parses a boolean option value; the host has already checked it is one
 * of the accepted spellings. */
static bool option_true(const char *v, bool dflt)
{
    static const char *const yes[] = { "true", "yes", "on", "1", NULL };

    if (v == NULL)
        return dflt;
    for (size_t i = 0; yes[i] != NULL; i++) {
        size_t k = 0;

        while (yes[i][k] != '\0' && (v[k] | 0x20) == yes[i][k])
            k++;
        if (yes[i][k] == '\0' && v[k] == '\0')
            return true;
    }
    return false;
}

static const preset *find_preset(const char *name)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        if (name != NULL && strcmp(presets[i].name, name) == 0)
            return &presets[i];
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Write                                                              */
/* ------------------------------------------------------------------ */

static int yaml_write(const folio_host *h, folio_job *job,
                      const folio_doc *doc, folio_write_fn out, void *sink)
{
    ctx c;
    const folio_meta *m;
    entry entries[64];
    value values[64];
    strlist *tags;
    yaml_event_t ev;
    bool front, emitter_ready = false;
    const char *pname;
    size_t n_present = 0;
    int n, rc;

    memset(&c, 0, sizeof c);
    c.h = h;
    c.job = job;
    c.out = out;
    c.sink = sink;
    c.rc = FOLIO_OK;
    if (h->doc == NULL || doc == NULL)
        return h->error(job, FOLIO_EINVALID, "no document");
    m = h->doc->meta(doc);
    front = option_true(h->option(job, "front-matter"), false);
    pname = h->option(job, "preset");
    c.p = find_preset(pname != NULL ? pname : "generic");
    if (c.p == NULL)
        return h->error(job, FOLIO_EINVALID, "unknown preset '%s'", pname);

    tags = h->alloc(job, sizeof *tags);
    if (tags == NULL)
        return h->error(job, FOLIO_ENOMEM, "out of memory");
    collect_tags(&c, m, tags);
    if (c.rc != FOLIO_OK)
        return c.rc;
    n = build_entries(&c, entries, sizeof entries / sizeof entries[0]);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        values[i] = field_value(&c, m, entries[i].f, tags);
        if (c.rc != FOLIO_OK)
            return c.rc;
        if (values[i].kind != V_NONE)
            n_present++;
    }

    if (n_present == 0) {
        /* libyaml would write an empty mapping as "--- {}", breaking the
         * front matter layout; "---\n---\n" is what generators expect of
         * an empty header. Alone, the document is an empty mapping. */
        const char *empty = front ? "---\n---\n\n" : "{}\n";

        if (out(sink, empty, strlen(empty)) != 0)
            return h->error(job, FOLIO_EUSER, "writing the output failed");
        return FOLIO_OK;
    }

    if (!yaml_emitter_initialize(&c.em))
        return h->error(job, FOLIO_ENOMEM, "out of memory");
    emitter_ready = true;
    yaml_emitter_set_output(&c.em, write_handler, &c);
    yaml_emitter_set_encoding(&c.em, YAML_UTF8_ENCODING);
    yaml_emitter_set_unicode(&c.em, 1);
    yaml_emitter_set_width(&c.em, -1);
    yaml_emitter_set_break(&c.em, YAML_LN_BREAK);

    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    if ((rc = emit(&c, &ev)) < 0)
        goto done;
    /* An explicit start writes the opening "---" line of front matter. */
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, !front);
    if ((rc = emit(&c, &ev)) < 0)
        goto done;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                        YAML_BLOCK_MAPPING_STYLE);
    if ((rc = emit(&c, &ev)) < 0)
        goto done;
    for (int i = 0; i < n; i++) {
        if (values[i].kind == V_NONE)
            continue;
        if ((rc = emit_key(&c, entries[i].key)) < 0 ||
            (rc = emit_value(&c, &values[i])) < 0)
            goto done;
    }
    yaml_mapping_end_event_initialize(&ev);
    if ((rc = emit(&c, &ev)) < 0)
        goto done;
    yaml_document_end_event_initialize(&ev, 1);
    if ((rc = emit(&c, &ev)) < 0)
        goto done;
    yaml_stream_end_event_initialize(&ev);
    if ((rc = emit(&c, &ev)) < 0)
        goto done;
    if (!yaml_emitter_flush(&c.em)) {
        rc = emitter_failed(&c);
        goto done;
    }
    /* The closing line and the blank line before the body are layout,
     * not YAML: libyaml would end a document with "...". */
    if (front && out(sink, "---\n\n", 5) != 0) {
        rc = h->error(job, FOLIO_EUSER, "writing the output failed");
        goto done;
    }
    rc = FOLIO_OK;

done:
    if (emitter_ready)
        yaml_emitter_delete(&c.em);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const char *const yaml_formats[] = {
    "yaml", "yml", "application/yaml", "application/x-yaml", "text/yaml",
    NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "yaml",
                      "yaml\0" "yml\0" "application/yaml\0"
                      "application/x-yaml\0" "text/yaml\0");


static const folio_option yaml_options[] = {
    { "front-matter", FOLIO_OPTION_BOOL, "false", NULL,
      "wrap the mapping in '---' lines and add a blank line, as front "
      "matter (folio --front-matter sets it)" },
    { "preset", FOLIO_OPTION_ENUM, "generic",
      "generic|hugo|jekyll|eleventy|astro|obsidian",
      "key names and value shapes for a site generator or Obsidian" },
    { "keys", FOLIO_OPTION_STRING, NULL, NULL,
      "keys to write, in order: FIELD or FIELD:KEY, comma-separated, e.g. "
      "title,date:published,author; FIELD is one of title, subtitle, "
      "date, updated, created, author, description, source, url, site, "
      "lang, dir, image, section, tags; KEY renames it" },
    { "tags", FOLIO_OPTION_ENUM, "none", "none|page",
      "page: add the page's own keywords to the tags" },
    { "tag", FOLIO_OPTION_STRING, NULL, NULL,
      "tags to write, comma-separated (folio --tag TAG adds to them)" },
    { NULL, 0, NULL, NULL, NULL },
};

static const folio_output_ops yaml_ops = {
    .size = sizeof(folio_output_ops),
    .write = yaml_write,
    .extension = "yaml",
    .media_type = "application/yaml",
};

static const folio_plugin yaml_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "yaml",
    .version = "0.1.0",
    .description = "YAML metadata document or front matter (libyaml)",
    .formats = yaml_formats,
    .options = yaml_options,
    .output = &yaml_ops,
};

FOLIO_PLUGIN_DEFINE(yaml_plugin)

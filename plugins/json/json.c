/* SPDX-License-Identifier: MIT */
/*
 * Output plugin "json": the article's metadata and its body as plain text,
 * one JSON object per document, for pipelines and search indexes.
 *
 * The member set and order are fixed (docs/cli.md documents them): a
 * consumer can rely on every key being present, with null for an unknown
 * string and [] for an empty list.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "folio/plugin.h"

/* True when the host's folio_meta is large enough to hold `field`: a
 * newer plugin may run on an older host with a shorter record. */
#define META_HAS(m, field)                                                   \
    ((m)->size >= offsetof(folio_meta, field) + sizeof((m)->field))

/* ------------------------------------------------------------------ */
/* Growable text buffer                                               */
/* ------------------------------------------------------------------ */

typedef struct textbuf {
    char *p;
    size_t len, cap;
    bool oom;
} textbuf;

/* Appends n bytes; doubling keeps the whole build linear. After a failed
 * allocation the buffer stays unchanged and `oom` is set, so callers
 * check once at the end. */
static void tb_put(textbuf *b, const char *s, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (n > b->cap - b->len) {
        size_t cap = b->cap != 0 ? b->cap : 256;
        char *p;

        while (n > cap - b->len) {
            if (cap > (size_t)-1 / 2) {
                b->oom = true;
                return;
            }
            cap *= 2;
        }
        p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* Appends UTF-8 text minus soft hyphens (U+00AD) and zero-width spaces
 * (U+200B): invisible on a page, noise in plain text (FORMATS.md 3.3). */
static void tb_put_text(textbuf *b, const char *s)
{
    const char *run = s;

    for (const char *p = s; *p != '\0';) {
        size_t skip = 0;

        if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xAD)
            skip = 2;
        else if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
                 (unsigned char)p[2] == 0x8B)
            skip = 3;
        if (skip != 0) {
            tb_put(b, run, (size_t)(p - run));
            p += skip;
            run = p;
        } else {
            p++;
        }
    }
    tb_put(b, run, strlen(run));
}

/* ------------------------------------------------------------------ */
/* Plain text of the body                                             */
/* ------------------------------------------------------------------ */

/* Separators between pieces of text, weakest first. A request only
 * raises the pending separator; it is written just before the next text,
 * so empty blocks leave no stray blank lines and nothing trails. */
enum sep { SEP_NONE = 0, SEP_LINE = 1, SEP_PARA = 2 };

typedef struct textwalk {
    textbuf buf;
    enum sep pending;
    /* Depth of LIST_ITEM and TABLE nodes around the current one: blocks
     * inside them are separated by single newlines, so a list or a table
     * reads as one block. */
    size_t tight;
} textwalk;

static void request(textwalk *w, enum sep s)
{
    if (s > w->pending)
        w->pending = s;
}

static void flush_sep(textwalk *w)
{
    if (w->buf.len > 0) {
        if (w->pending == SEP_PARA)
            tb_put(&w->buf, "\n\n", 2);
        else if (w->pending == SEP_LINE)
            tb_put(&w->buf, "\n", 1);
    }
    w->pending = SEP_NONE;
}

static void put_text(textwalk *w, const char *s)
{
    if (s == NULL || *s == '\0')
        return;
    flush_sep(w);
    tb_put_text(&w->buf, s);
}

/* Appends a code block's literal without its trailing newlines, which
 * the separators already provide. */
static void put_code_block(textwalk *w, const char *s)
{
    size_t n;

    if (s == NULL)
        return;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (n == 0)
        return;
    flush_sep(w);
    tb_put(&w->buf, s, n);
}

static enum sep block_sep(const textwalk *w)
{
    return w->tight > 0 ? SEP_LINE : SEP_PARA;
}

/* True when the text written since `mark` equals `title`. */
static bool same_as_title(const textwalk *w, size_t mark, const char *title)
{
    size_t n = w->buf.len - mark;

    return title != NULL && strlen(title) == n &&
           memcmp(w->buf.p + mark, title, n) == 0;
}

/*
 * Walks the tree once with the host's iterator (no recursion, so deep
 * trees are safe). The title is not part of the text: it has its own
 * member, and a leading heading that repeats it is dropped.
 */
static void body_text(textwalk *w, const folio_doc_api *d,
                      const folio_node *root, const char *title)
{
    folio_iter it;
    folio_event ev;
    const folio_node *first = d->first_child(root);
    size_t title_mark = 0;
    enum sep title_pending = SEP_NONE;

    d->iter_init(&it, root);
    while ((ev = d->iter_next(&it)) != FOLIO_EVENT_DONE) {
        const folio_node *n = d->iter_node(&it);
        folio_node_type t = d->type(n);
        bool enter = ev == FOLIO_EVENT_ENTER;

        if (n == root)
            continue;
        if (n == first && t == FOLIO_NODE_HEADING) {
            if (enter) {
                title_mark = w->buf.len;
                title_pending = w->pending;
            } else if (w->buf.len > title_mark &&
                       same_as_title(w, title_mark, title)) {
                w->buf.len = title_mark;
                w->pending = title_pending;
                continue;
            }
        }

        switch (t) {
        case FOLIO_NODE_TEXT:
        case FOLIO_NODE_CODE:
            put_text(w, d->literal(n));
            break;
        case FOLIO_NODE_LINEBREAK:
            flush_sep(w);
            tb_put(&w->buf, "\n", 1);
            break;
        case FOLIO_NODE_FOOTNOTE_REF:
            if (d->label(n) != NULL) {
                put_text(w, "[");
                tb_put_text(&w->buf, d->label(n));
                tb_put(&w->buf, "]", 1);
            }
            break;
        case FOLIO_NODE_IMAGE:
            break; /* alt text is not body text */
        case FOLIO_NODE_CODE_BLOCK:
            request(w, block_sep(w));
            put_code_block(w, d->literal(n));
            request(w, block_sep(w));
            break;
        case FOLIO_NODE_THEMATIC_BREAK:
            request(w, block_sep(w));
            break;
        case FOLIO_NODE_LIST_ITEM:
        case FOLIO_NODE_TABLE_ROW:
            /* Items and rows: one per line, the whole list or table
             * being one block. */
            if (enter) {
                request(w, SEP_LINE);
                w->tight++;
            } else {
                w->tight--;
                request(w, SEP_LINE);
            }
            break;
        case FOLIO_NODE_TABLE:
            if (enter) {
                request(w, block_sep(w));
                w->tight++;
            } else {
                w->tight--;
                request(w, block_sep(w));
            }
            break;
        case FOLIO_NODE_TABLE_CELL:
            /* Cells are tab-separated (FORMATS.md 3.3); written eagerly so
             * empty cells keep the columns aligned. */
            if (enter && d->prev(n) != NULL) {
                flush_sep(w);
                tb_put(&w->buf, "\t", 1);
            }
            break;
        default:
            /* Other blocks (and block types added by a later ABI) are
             * paragraphs of their own; other inlines only contribute
             * their children's text. */
            if (d->is_block(t))
                request(w, block_sep(w));
            break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* JSON                                                               */
/* ------------------------------------------------------------------ */

/* Returns true when s[0..len) is well-formed UTF-8 (no surrogates, no
 * overlongs), so a jansson failure can be told apart from no memory. */
static bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

typedef struct jctx {
    const folio_host *h;
    folio_job *job;
} jctx;

/* Sets obj[key] to a string, or null for NULL. Returns FOLIO_OK or an
 * error recorded on the job. */
static int set_string(jctx *c, json_t *obj, const char *key, const char *s,
                      size_t len)
{
    json_t *v;

    if (s == NULL) {
        v = json_null();
    } else {
        if (!utf8_valid(s, len))
            return c->h->error(c->job, FOLIO_EINVALID,
                               "%s is not valid UTF-8", key);
        v = json_stringn(s, len);
    }
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        return c->h->error(c->job, FOLIO_ENOMEM, "out of memory");
    return FOLIO_OK;
}

static int set_cstring(jctx *c, json_t *obj, const char *key, const char *s)
{
    return set_string(c, obj, key, s, s != NULL ? strlen(s) : 0);
}

static int set_array(jctx *c, json_t *obj, const char *key,
                     const char *const *items, size_t n)
{
    json_t *arr = json_array();
    int rc;

    if (arr == NULL || json_object_set_new(obj, key, arr) != 0)
        return c->h->error(c->job, FOLIO_ENOMEM, "out of memory");
    for (size_t i = 0; items != NULL && i < n; i++) {
        json_t *v;

        if (items[i] == NULL)
            continue;
        if (!utf8_valid(items[i], strlen(items[i])))
            return c->h->error(c->job, FOLIO_EINVALID,
                               "%s is not valid UTF-8", key);
        v = json_string(items[i]);
        rc = v != NULL ? json_array_append_new(arr, v) : -1;
        if (rc != 0)
            return c->h->error(c->job, FOLIO_ENOMEM, "out of memory");
    }
    return FOLIO_OK;
}

static int set_uint(jctx *c, json_t *obj, const char *key, json_int_t n)
{
    json_t *v = json_integer(n);

    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        return c->h->error(c->job, FOLIO_ENOMEM, "out of memory");
    return FOLIO_OK;
}

/* Reads a meta string member when the host's record has it. */
#define META_STR(m, field) (META_HAS(m, field) ? (m)->field : NULL)

/* Fills `obj` with the members, in the documented order. */
static int build_object(jctx *c, json_t *obj, const folio_meta *m,
                        const textwalk *w)
{
    int rc;
    size_t n_authors = META_HAS(m, n_authors) ? m->n_authors : 0;
    size_t n_tags = META_HAS(m, n_tags) ? m->n_tags : 0;
    size_t words = META_HAS(m, word_count) ? m->word_count : 0;
    unsigned minutes =
        META_HAS(m, reading_time_minutes) ? m->reading_time_minutes : 0;

    if ((rc = set_cstring(c, obj, "title", META_STR(m, title))) < 0 ||
        (rc = set_cstring(c, obj, "subtitle", META_STR(m, subtitle))) < 0 ||
        (rc = set_array(c, obj, "authors", META_STR(m, authors),
                        n_authors)) < 0 ||
        (rc = set_cstring(c, obj, "published", META_STR(m, published))) < 0 ||
        (rc = set_cstring(c, obj, "modified", META_STR(m, modified))) < 0 ||
        (rc = set_cstring(c, obj, "site_name", META_STR(m, site_name))) < 0 ||
        (rc = set_cstring(c, obj, "url", META_STR(m, url))) < 0 ||
        (rc = set_cstring(c, obj, "source", META_STR(m, source))) < 0 ||
        (rc = set_cstring(c, obj, "lang", META_STR(m, lang))) < 0 ||
        (rc = set_cstring(c, obj, "dir", META_STR(m, dir))) < 0 ||
        (rc = set_cstring(c, obj, "description",
                          META_STR(m, description))) < 0 ||
        (rc = set_cstring(c, obj, "image", META_STR(m, image))) < 0 ||
        (rc = set_array(c, obj, "tags", META_STR(m, tags), n_tags)) < 0 ||
        (rc = set_cstring(c, obj, "section", META_STR(m, section))) < 0 ||
        (rc = set_uint(c, obj, "word_count", (json_int_t)words)) < 0 ||
        (rc = set_uint(c, obj, "reading_time_minutes",
                       (json_int_t)minutes)) < 0 ||
        (rc = set_string(c, obj, "text", w->buf.len > 0 ? w->buf.p : "",
                         w->buf.len)) < 0)
        return rc;
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Write                                                              */
/* ------------------------------------------------------------------ */

typedef struct sink_ctx {
    folio_write_fn out;
    void *sink;
    bool failed;
} sink_ctx;

static int dump_cb(const char *buf, size_t size, void *data)
{
    sink_ctx *s = data;

    if (s->out(s->sink, buf, size) != 0) {
        s->failed = true;
        return -1;
    }
    return 0;
}

/* Parses a boolean option value; the host has already checked it is one
 * of the accepted spellings. */
static bool option_true(const char *v, bool dflt)
{
    static const char *const yes[] = { "true", "yes", "on", "1", NULL };
    static const char *const no[] = { "false", "no", "off", "0", NULL };

    if (v == NULL)
        return dflt;
    for (size_t i = 0; yes[i] != NULL; i++) {
        size_t k = 0;

        while (yes[i][k] != '\0' && (v[k] | 0x20) == yes[i][k])
            k++;
        if (yes[i][k] == '\0' && v[k] == '\0')
            return true;
    }
    for (size_t i = 0; no[i] != NULL; i++) {
        size_t k = 0;

        while (no[i][k] != '\0' && (v[k] | 0x20) == no[i][k])
            k++;
        if (no[i][k] == '\0' && v[k] == '\0')
            return false;
    }
    return dflt;
}

static int json_write(const folio_host *h, folio_job *job,
                      const folio_doc *doc, folio_write_fn out, void *sink)
{
    const folio_doc_api *d = h->doc;
    const folio_meta *m;
    textwalk w;
    json_t *obj = NULL;
    jctx c = { h, job };
    sink_ctx s = { out, sink, false };
    size_t flags;
    int rc = FOLIO_OK;

    memset(&w, 0, sizeof w);
    if (d == NULL || doc == NULL)
        return h->error(job, FOLIO_EINVALID, "no document");
    m = d->meta(doc);

    body_text(&w, d, d->root(doc), META_STR(m, title));
    if (w.buf.oom) {
        rc = h->error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }

    obj = json_object();
    if (obj == NULL) {
        rc = h->error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = build_object(&c, obj, m, &w)) < 0)
        goto done;

    flags = JSON_PRESERVE_ORDER;
    if (option_true(h->option(job, "pretty"), true))
        flags |= JSON_INDENT(2);
    else
        flags |= JSON_COMPACT;

    if (json_dump_callback(obj, dump_cb, &s, flags) != 0) {
        /* Without a sink failure, only an allocation can fail here. */
        rc = s.failed ? h->error(job, FOLIO_EUSER, "writing the output failed")
                      : h->error(job, FOLIO_ENOMEM, "out of memory");
        goto done;
    }
    if (out(sink, "\n", 1) != 0) {
        rc = h->error(job, FOLIO_EUSER, "writing the output failed");
        goto done;
    }

done:
    json_decref(obj);
    free(w.buf.p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Descriptor                                                         */
/* ------------------------------------------------------------------ */

static const char *const json_formats[] = {
    "json", "application/json", NULL,
};
/* The same, readable from the file without loading it. */
FOLIO_PLUGIN_MANIFEST(FOLIO_PLUGIN_OUTPUT, "json",
                      "json\0" "application/json\0");


static const folio_option json_options[] = {
    { "pretty", FOLIO_OPTION_BOOL, "true", NULL,
      "indent the object by two spaces (false: one line)" },
    { NULL, 0, NULL, NULL, NULL },
};

static const folio_output_ops json_ops = {
    .size = sizeof(folio_output_ops),
    .write = json_write,
    .extension = "json",
    .media_type = "application/json",
};

static const folio_plugin json_plugin = {
    .abi_major = FOLIO_ABI_MAJOR,
    .abi_minor = FOLIO_ABI_MINOR,
    .size = sizeof(folio_plugin),
    .kind = FOLIO_PLUGIN_OUTPUT,
    .name = "json",
    .version = "0.1.0",
    .description = "JSON object: metadata and the body as plain text",
    .formats = json_formats,
    .options = json_options,
    .output = &json_ops,
};

FOLIO_PLUGIN_DEFINE(json_plugin)

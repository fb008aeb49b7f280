/* SPDX-License-Identifier: MIT */
/*
 * Jobs: one conversion's options, documents, messages and scratch arena,
 * and the calls into input and output plugins.
 *
 * Messages read "INPUT: message" when the core reports them and
 * "INPUT: PLUGIN: message" when a plugin does (through the host table);
 * INPUT is the input path or "-" for stdin. The first error recorded
 * wins, so a caller that fails after a callee keeps the callee's precise
 * message.
 */
#include "job.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "host.h"
#include "import.h"
#include "util.h"

/* Longest message kept, in bytes with the NUL; longer ones are cut at a
 * UTF-8 boundary and end in "...". */
#define MSG_MAX 1024
/* Warnings and notes kept per job. A hostile page can trigger one warning
 * per element; past this many only a final "suppressed" line is added. */
#define MSG_LIST_MAX 1000
/* Default largest input (folio_job_options.max_input == 0). */
#define DEFAULT_MAX_INPUT ((size_t)256 * 1024 * 1024)
/* The job arena holds plugin scratch memory (host->alloc); the bound
 * stops a runaway plugin long before the machine swaps. */
#define JOB_ARENA_LIMIT ((size_t)1024 * 1024 * 1024)
/* Resources an input may carry (host->add_asset). */
#define ASSET_COUNT_MAX 10000
/* As large as the largest input by default: the job, each document and
 * the output each hold a copy, so this bounds memory by a small multiple
 * of it even for an archive that inflates to more. */
#define ASSET_BYTES_MAX ((size_t)256 * 1024 * 1024)

typedef struct msg_list {
    char **items;
    size_t n, cap;
    bool suppressed;          /* the "too many" line has been added */
} msg_list;

typedef struct job_kv {
    char *key, *value;        /* malloc'd */
} job_kv;

typedef struct job_asset {
    char *url, *media_type;   /* malloc'd */
    unsigned char *data;      /* malloc'd, may be NULL when len == 0 */
    size_t len;
    char *key;                /* matching key against the current base */
} job_asset;

struct folio_job {
    const folio_registry *reg;
    folio_job_options opts;   /* strings copied into the arena */
    folio__arena arena;
    const folio_plugin *cur;  /* plugin being called, or NULL */

    bool has_error;
    int error_code;
    char error[MSG_MAX];      /* fixed: recordable even out of memory */
    msg_list warnings, notes;

    job_kv *kv;
    size_t n_kv, cap_kv;

    folio_doc **docs;
    size_t n_docs, cap_docs;

    job_asset *assets;
    size_t n_assets, cap_assets, asset_bytes;
    bool asset_limit_warned;
    size_t *slots;            /* open addressing over assets; SIZE_MAX: empty */
    size_t n_slots;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static const char *input_name(const folio_job *job)
{
    return job->opts.input_path != NULL ? job->opts.input_path : "-";
}

/* Messages end up on a terminal: replace C0/C1 control characters (an
 * escape sequence in a page title or a file name could rewrite the
 * user's screen) and cut the text at MSG_MAX on a UTF-8 boundary. */
static void sanitize(char *s)
{
    unsigned char *p = (unsigned char *)s;
    for (; *p != '\0'; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
        else if (*p < 0x20 || *p == 0x7f)
            *p = '?';
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            /* U+0080..U+009F: keep the byte count, drop the control. */
            p[0] = '?';
            p[1] = '?';
            p++;
        }
    }
}

/* Writes "INPUT: [PLUGIN: ]message" into buf[MSG_MAX]. */
FOLIO_PRINTF(4, 0)
static void format_msg(const folio_job *job, bool from_plugin, char *buf,
                       const char *fmt, va_list ap)
{
    int n;
    if (from_plugin && job->cur != NULL && job->cur->name != NULL)
        n = snprintf(buf, MSG_MAX, "%s: %s: ", input_name(job),
                     job->cur->name);
    else
        n = snprintf(buf, MSG_MAX, "%s: ", input_name(job));
    if (n < 0) {
        buf[0] = '\0';
        n = 0;
    }
    size_t used = (size_t)n < MSG_MAX ? (size_t)n : MSG_MAX - 1;
    int m = 0;
    if (fmt != NULL)
        m = vsnprintf(buf + used, MSG_MAX - used, fmt, ap);
    bool cut = (size_t)n >= MSG_MAX ||
               (m > 0 && (size_t)m >= MSG_MAX - used);
    if (m < 0)
        buf[used] = '\0';
    if (cut) {
        /* Back up to a character start so the cut leaves valid UTF-8. */
        size_t end = MSG_MAX - 4;
        while (end > 0 && ((unsigned char)buf[end] & 0xc0) == 0x80)
            end--;
        memcpy(buf + end, "...", 4);
    }
    sanitize(buf);
}

FOLIO_PRINTF(4, 0)
static void msg_add(folio_job *job, msg_list *list, bool from_plugin,
                    const char *fmt, va_list ap)
{
    char buf[MSG_MAX];
    if (list->n >= MSG_LIST_MAX) {
        if (list->suppressed)
            return;
        list->suppressed = true;
        snprintf(buf, sizeof buf, "%s: too many messages; the rest are "
                 "not shown", input_name(job));
        sanitize(buf);
    } else {
        format_msg(job, from_plugin, buf, fmt, ap);
    }
    /* Out of memory: the message is dropped; the caller's status code
     * still tells what happened. */
    if (folio__grow((void **)&list->items, &list->cap, list->n + 1,
                    sizeof *list->items) < 0)
        return;
    char *copy = strdup(buf);
    if (copy != NULL)
        list->items[list->n++] = copy;
}

static void msg_list_dispose(msg_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* ------------------------------------------------------------------ */
/* Messages                                                           */
/* ------------------------------------------------------------------ */

int folio__job_verror(folio_job *job, bool from_plugin, int code,
                      const char *fmt, va_list ap)
{
    if (job == NULL || job->has_error)
        return code;
    format_msg(job, from_plugin, job->error, fmt, ap);
    job->has_error = true;
    /* A plugin passing FOLIO_OK to error() still meant a failure. */
    job->error_code = code < 0 ? code : FOLIO_EINVALID;
    return code;
}

void folio__job_vwarn(folio_job *job, bool from_plugin, const char *fmt,
                      va_list ap)
{
    if (job != NULL)
        msg_add(job, &job->warnings, from_plugin, fmt, ap);
}

int folio__job_error(folio_job *job, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    folio__job_verror(job, false, code, fmt, ap);
    va_end(ap);
    return code;
}

void folio__job_warn(folio_job *job, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    folio__job_vwarn(job, false, fmt, ap);
    va_end(ap);
}

void folio__job_note(folio_job *job, const char *fmt, ...)
{
    if (job == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    msg_add(job, &job->notes, false, fmt, ap);
    va_end(ap);
}

size_t folio__job_note_count(const folio_job *job)
{
    return job != NULL ? job->notes.n : 0;
}

size_t folio_job_note_count(const folio_job *job)
{
    return folio__job_note_count(job);
}

const char *folio_job_note_at(const folio_job *job, size_t i)
{
    return folio__job_note_at(job, i);
}

const char *folio__job_note_at(const folio_job *job, size_t i)
{
    return job != NULL && i < job->notes.n ? job->notes.items[i] : NULL;
}

const char *folio_job_error(const folio_job *job)
{
    return job != NULL && job->has_error ? job->error : NULL;
}

size_t folio_job_warning_count(const folio_job *job)
{
    return job != NULL ? job->warnings.n : 0;
}

const char *folio_job_warning_at(const folio_job *job, size_t i)
{
    return job != NULL && i < job->warnings.n ? job->warnings.items[i]
                                              : NULL;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

static int copy_opt(folio_job *job, const char **dst, const char *src)
{
    if (src == NULL) {
        *dst = NULL;
        return FOLIO_OK;
    }
    *dst = folio__arena_strdup(&job->arena, src);
    return *dst != NULL ? FOLIO_OK : FOLIO_ENOMEM;
}

folio_job *folio_job_new(const folio_registry *reg,
                         const folio_job_options *opts)
{
    folio_job_options defaults = FOLIO_JOB_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != FOLIO_JOB_OPTIONS_VERSION)
        return NULL;

    folio_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->reg = reg;
    folio__arena_init(&job->arena, JOB_ARENA_LIMIT);
    job->opts = *opts;
    if (copy_opt(job, &job->opts.input_path, opts->input_path) < 0 ||
        copy_opt(job, &job->opts.base_url, opts->base_url) < 0 ||
        copy_opt(job, &job->opts.encoding, opts->encoding) < 0) {
        folio_job_free(job);
        return NULL;
    }
    if (job->opts.max_input == 0)
        job->opts.max_input = DEFAULT_MAX_INPUT;
    return job;
}

void folio_job_free(folio_job *job)
{
    if (job == NULL)
        return;
    for (size_t i = 0; i < job->n_docs; i++)
        folio_doc_free(job->docs[i]);
    free(job->docs);
    for (size_t i = 0; i < job->n_kv; i++) {
        free(job->kv[i].key);
        free(job->kv[i].value);
    }
    free(job->kv);
    for (size_t i = 0; i < job->n_assets; i++) {
        free(job->assets[i].url);
        free(job->assets[i].media_type);
        free(job->assets[i].data);
        free(job->assets[i].key);
    }
    free(job->assets);
    free(job->slots);
    msg_list_dispose(&job->warnings);
    msg_list_dispose(&job->notes);
    folio__arena_dispose(&job->arena);
    free(job);
}

const folio_job_options *folio__job_options(const folio_job *job)
{
    return &job->opts;
}

void *folio__job_alloc(folio_job *job, size_t n)
{
    return job != NULL ? folio__arena_alloc(&job->arena, n) : NULL;
}

char *folio__job_strndup(folio_job *job, const char *s, size_t n)
{
    if (job == NULL || s == NULL)
        return NULL;
    return folio__arena_strndup(&job->arena, s, strnlen(s, n));
}

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

int folio_job_set_option(folio_job *job, const char *key, const char *value)
{
    if (job == NULL || key == NULL || value == NULL)
        return FOLIO_EINVALID;
    char *v = strdup(value);
    if (v == NULL)
        return FOLIO_ENOMEM;
    for (size_t i = 0; i < job->n_kv; i++) {
        if (strcmp(job->kv[i].key, key) == 0) {
            free(job->kv[i].value);
            job->kv[i].value = v;
            return FOLIO_OK;
        }
    }
    char *k = strdup(key);
    if (k == NULL ||
        folio__grow((void **)&job->kv, &job->cap_kv, job->n_kv + 1,
                    sizeof *job->kv) < 0) {
        free(k);
        free(v);
        return FOLIO_ENOMEM;
    }
    job->kv[job->n_kv].key = k;
    job->kv[job->n_kv].value = v;
    job->n_kv++;
    return FOLIO_OK;
}

const char *folio__job_option(folio_job *job, const char *name)
{
    if (job == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < job->n_kv; i++) {
        if (strcmp(job->kv[i].key, name) == 0)
            return job->kv[i].value;
    }
    if (job->cur == NULL || job->cur->options == NULL)
        return NULL;
    for (const folio_option *o = job->cur->options; o->name != NULL; o++) {
        if (strcmp(o->name, name) == 0)
            return o->default_value;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Documents and assets                                               */
/* ------------------------------------------------------------------ */

int folio__job_add_doc(folio_job *job, folio_doc *doc)
{
    if (job == NULL || doc == NULL)
        return FOLIO_EINVALID;
    if (folio__grow((void **)&job->docs, &job->cap_docs, job->n_docs + 1,
                    sizeof *job->docs) < 0)
        return folio__job_error(job, FOLIO_ENOMEM,
                                "out of memory storing the document");
    job->docs[job->n_docs++] = doc;
    return FOLIO_OK;
}

size_t folio_job_doc_count(const folio_job *job)
{
    return job != NULL ? job->n_docs : 0;
}

folio_doc *folio_job_doc(const folio_job *job, size_t i)
{
    return job != NULL && i < job->n_docs ? job->docs[i] : NULL;
}

/* The limits are warned about once per job, not per dropped asset: a
 * saved page with 50,000 images would otherwise bury the other messages. */
static int asset_limit(folio_job *job, const char *what, size_t limit)
{
    if (!job->asset_limit_warned) {
        job->asset_limit_warned = true;
        folio__job_warn(job, "embedded resources over the limit of %zu %s; "
                        "the rest are dropped", limit, what);
    }
    return FOLIO_ELIMIT;
}

int folio__job_add_asset(folio_job *job, const char *url,
                         const char *media_type, const unsigned char *data,
                         size_t len)
{
    if (job == NULL || url == NULL || (data == NULL && len > 0))
        return FOLIO_EINVALID;
    if (media_type == NULL)
        media_type = "application/octet-stream";

    job_asset *old = NULL;
    for (size_t i = 0; i < job->n_assets; i++) {
        if (strcmp(job->assets[i].url, url) == 0) {
            old = &job->assets[i];
            break;
        }
    }
    size_t others = job->asset_bytes - (old != NULL ? old->len : 0);
    if (old == NULL && job->n_assets >= ASSET_COUNT_MAX)
        return asset_limit(job, "files", ASSET_COUNT_MAX);
    if (len > ASSET_BYTES_MAX || others > ASSET_BYTES_MAX - len)
        return asset_limit(job, "bytes", ASSET_BYTES_MAX);

    job_asset a = { strdup(url), strdup(media_type), NULL, len, NULL };
    if (len > 0 && (a.data = malloc(len)) != NULL)
        memcpy(a.data, data, len);
    if (a.url == NULL || a.media_type == NULL || (len > 0 && !a.data))
        goto fail;
    if (old != NULL) {
        /* Same URL again (a page listing one image twice): the later copy
         * replaces the earlier, as folio_doc_add_asset does. */
        free(old->url);
        free(old->media_type);
        free(old->data);
        free(old->key);
        *old = a;
    } else {
        if (folio__grow((void **)&job->assets, &job->cap_assets,
                        job->n_assets + 1, sizeof *job->assets) < 0)
            goto fail;
        job->assets[job->n_assets++] = a;
    }
    job->asset_bytes = others + len;
    return FOLIO_OK;

fail:
    free(a.url);
    free(a.media_type);
    free(a.data);
    return FOLIO_ENOMEM;
}

/* Removes "." and ".." segments from the path of absolute URL `u` in
 * place (RFC 3986 5.2.4), as resolving a relative reference does: a
 * container may name a resource "http://h/a/../b.png" where the page's
 * "../b.png" resolves to "http://h/b.png". */
static void drop_dot_segments(char *u)
{
    char *path = strstr(u, "://"), *end, *w, *r;

    if (path == NULL || (path = strchr(path + 3, '/')) == NULL)
        return;
    end = path + strcspn(path, "?");
    w = r = path;
    while (r < end) {
        /* r is at a '/': look at the segment after it. */
        char *seg = r + 1, *next = seg;
        size_t n;

        while (next < end && *next != '/')
            next++;
        n = (size_t)(next - seg);
        if (n == 1 && seg[0] == '.') {
            if (next == end)
                *w++ = '/';
        } else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (w > path && *--w != '/')
                ;
            if (next == end)
                *w++ = '/';
        } else {
            memmove(w, r, (size_t)(next - r));
            w += next - r;
        }
        r = next;
    }
    memmove(w, end, strlen(end) + 1);
}

/* The key two spellings of one resource share: the URL with its fragment
 * dropped and every %XX escape decoded, so "a%20b.png" in a page matches
 * "a b.png" in a container index, and "x.png#frag" matches "x.png".
 * Comparing decoded forms could confuse "%2F" with "/"; no two real
 * resources of one page differ only by that. malloc'd. */
static char *asset_key(const char *url)
{
    size_t n = strcspn(url, "#");
    char *k = malloc(n + 1);
    size_t j = 0;

    if (k == NULL)
        return NULL;
    if (strncmp(url, "data:", 5) == 0)
        n = strlen(url); /* '#' is data there, not a fragment */
    for (size_t i = 0; i < n; i++) {
        int hi, lo;

        if (url[i] == '%' && i + 2 < n &&
            (hi = folio__hex_value((unsigned char)url[i + 1])) >= 0 &&
            (lo = folio__hex_value((unsigned char)url[i + 2])) >= 0) {
            k[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            k[j++] = url[i];
        }
    }
    k[j] = '\0';
    drop_dot_segments(k);
    return k;
}

static uint64_t key_hash(const char *s)
{
    uint64_t h = 14695981039346656037u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* A resource a saved page carries may be named relative to the page (a
 * "complete" save's page_files/x.png); the page's own links are resolved
 * against its base, so the assets are too, once per import. */
int folio__job_assets_index(folio_job *job, const char *base)
{
    free(job->slots);
    job->slots = NULL;
    job->n_slots = 0;
    if (job->n_assets == 0)
        return FOLIO_OK;

    size_t n = 16;
    while (n < job->n_assets * 2)
        n *= 2;
    job->slots = malloc(n * sizeof *job->slots);
    if (job->slots == NULL)
        return FOLIO_ENOMEM;
    for (size_t i = 0; i < n; i++)
        job->slots[i] = SIZE_MAX;
    job->n_slots = n;

    for (size_t i = 0; i < job->n_assets; i++) {
        job_asset *a = &job->assets[i];
        bool dropped = false;
        char *abs = folio__url_resolve(base, a->url, &dropped);

        free(a->key);
        a->key = NULL;
        if (abs == NULL) {
            if (dropped)
                continue;
            return FOLIO_ENOMEM;
        }
        a->key = asset_key(abs);
        free(abs);
        if (a->key == NULL)
            return FOLIO_ENOMEM;
        size_t s = (size_t)key_hash(a->key) & (n - 1);
        while (job->slots[s] != SIZE_MAX)
            s = (s + 1) & (n - 1);
        job->slots[s] = i;
    }
    return FOLIO_OK;
}

bool folio__job_asset_lookup(const folio_job *job, const char *url,
                             const char **media_type,
                             const unsigned char **data, size_t *len)
{
    if (job == NULL || job->n_slots == 0 || url == NULL)
        return false;

    char *key = asset_key(url);
    bool found = false;

    if (key == NULL)
        return false;
    size_t s = (size_t)key_hash(key) & (job->n_slots - 1);
    for (; job->slots[s] != SIZE_MAX; s = (s + 1) & (job->n_slots - 1)) {
        const job_asset *a = &job->assets[job->slots[s]];
        if (a->key != NULL && strcmp(a->key, key) == 0) {
            if (media_type != NULL)
                *media_type = a->media_type;
            if (data != NULL)
                *data = a->data;
            if (len != NULL)
                *len = a->len;
            found = true;
            break;
        }
    }
    free(key);
    return found;
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

const folio_plugin *folio_job_sniff(folio_job *job, const unsigned char *buf,
                                    size_t len)
{
    if (job == NULL || job->reg == NULL || (buf == NULL && len > 0))
        return NULL;
    const folio_plugin *best = NULL;
    int best_score = 0;
    size_t n = folio_registry_count(job->reg);
    for (size_t i = 0; i < n; i++) {
        const folio_plugin *p = folio_registry_at(job->reg, i);
        if (p->kind != FOLIO_PLUGIN_INPUT || p->input == NULL ||
            p->input->probe == NULL)
            continue;
        int score = p->input->probe(buf, len);
        if (score > 100)
            score = 100;
        /* Strictly greater: ties go to the earlier plugin. */
        if (score > best_score) {
            best = p;
            best_score = score;
        }
    }
    return best;
}

/* Records a message for a plugin that failed without saying why, so the
 * user never sees a bare status code. */
static int plugin_failed(folio_job *job, const folio_plugin *p, int rc,
                         const char *what)
{
    if (job->has_error)
        return rc;
    return folio__job_error(job, rc, "%s: %s failed: %s",
                            p->name != NULL ? p->name : "plugin", what,
                            folio_status_str(rc));
}

int folio_job_read(folio_job *job, const folio_plugin *input,
                   const unsigned char *buf, size_t len)
{
    if (job == NULL)
        return FOLIO_EINVALID;
    if (buf == NULL && len > 0)
        return folio__job_error(job, FOLIO_EINVALID, "no input buffer");
    if (len > job->opts.max_input)
        return folio__job_error(job, FOLIO_ELIMIT,
                                "input is %zu bytes, over the limit of %zu "
                                "bytes", len, job->opts.max_input);
    if (input == NULL) {
        input = folio_job_sniff(job, buf, len);
        if (input == NULL)
            return folio__job_error(job, FOLIO_EUNSUPPORTED,
                                    "not a recognised input format");
    }
    if (input->kind != FOLIO_PLUGIN_INPUT || input->input == NULL ||
        input->input->read == NULL)
        return folio__job_error(job, FOLIO_EINVALID,
                                "%s is not an input plugin",
                                input->name != NULL ? input->name : "plugin");

    size_t before = job->n_docs;
    const folio_plugin *saved = job->cur;
    job->cur = input;
    int rc = input->input->read(folio_host_get(), job, buf, len);
    job->cur = saved;

    if (rc < 0)
        return plugin_failed(job, input, rc, "reading");
    if (job->n_docs > before)
        return FOLIO_OK;
    /* Nothing produced: the plugin (or the importer) may have said why
     * and still returned 0; report that rather than a generic line. */
    if (job->has_error)
        return job->error_code;
    return folio__job_error(job, FOLIO_ENOTFOUND, "no article content found");
}

int folio_job_import_html(folio_job *job, const folio_html_input *in)
{
    if (job == NULL)
        return FOLIO_EINVALID;
    /* Copy what the caller's struct holds into a zeroed one of ours, so
     * members a caller built against an older header lacks read as 0. */
    const size_t need = offsetof(folio_html_input, len) + sizeof in->len;
    if (in == NULL || in->size < need)
        return folio__job_error(job, FOLIO_EINVALID,
                                "import_html: bad folio_html_input (size)");
    folio_html_input copy;
    memset(&copy, 0, sizeof copy);
    memcpy(&copy, in, in->size < sizeof copy ? in->size : sizeof copy);
    copy.size = sizeof copy;
    if (copy.html == NULL && copy.len > 0)
        return folio__job_error(job, FOLIO_EINVALID,
                                "import_html: no HTML bytes");

    folio_doc *doc = NULL;
    int rc = folio__import_html(&doc, job, &copy);
    if (rc < 0) {
        folio_doc_free(doc);
        if (!job->has_error)
            folio__job_error(job, rc, "cannot import the page: %s",
                             folio_status_str(rc));
        return rc;
    }
    if (doc == NULL)
        return folio__job_error(job, FOLIO_ENOTFOUND,
                                "no article content found");
    if ((rc = folio__job_add_doc(job, doc)) < 0) {
        folio_doc_free(doc);
        return rc;
    }
    return FOLIO_OK;
}

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

/* Stands between the plugin and the caller's sink, so the host knows a
 * failed write came from the sink (FOLIO_EIO) even when the plugin does
 * not say so, and so a plugin that keeps writing after a failure cannot
 * reach the sink again. */
typedef struct sink_guard {
    folio_job *job;
    folio_write_fn out;
    void *sink;
    bool failed;
} sink_guard;

static int guarded_write(void *ctx, const char *bytes, size_t len)
{
    sink_guard *g = ctx;
    if (g->failed)
        return -1;
    if (len == 0)
        return 0;
    if (bytes == NULL || g->out(g->sink, bytes, len) != 0) {
        g->failed = true;
        folio__job_error(g->job, FOLIO_EIO, "cannot write the output");
        return -1;
    }
    return 0;
}

int folio_job_write(folio_job *job, const folio_plugin *output,
                    const folio_doc *doc, folio_write_fn out, void *sink)
{
    if (job == NULL)
        return FOLIO_EINVALID;
    if (output == NULL || output->kind != FOLIO_PLUGIN_OUTPUT ||
        output->output == NULL || output->output->write == NULL)
        return folio__job_error(job, FOLIO_EINVALID,
                                "%s is not an output plugin",
                                output != NULL && output->name != NULL
                                    ? output->name : "(null)");
    if (doc == NULL || out == NULL)
        return folio__job_error(job, FOLIO_EINVALID,
                                "nothing to write (no document or sink)");

    sink_guard g = { job, out, sink, false };
    const folio_plugin *saved = job->cur;
    job->cur = output;
    int rc = output->output->write(folio_host_get(), job, doc,
                                   guarded_write, &g);
    job->cur = saved;

    if (g.failed)
        return FOLIO_EIO;
    if (rc < 0)
        return plugin_failed(job, output, rc, "writing");
    return FOLIO_OK;
}
